package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/wxrelay"
)

// On SQLite, parsing and planning a statement costs more than running it,
// and the receive path runs three per batch of pushes. There they are
// fixed statements, prepared once per connection, that read the batch from
// one JSON array parameter through json_each, whatever its size.

const (
	// sqliteClaim inserts new hashes and refreshes those last seen at or
	// before the window's start, returning both (the fresh ones).
	sqliteClaim = `INSERT INTO wx_event_dedup (body_hash, seen_at)
		SELECT value, ? FROM json_each(?) WHERE true
		ON CONFLICT (body_hash) DO UPDATE SET seen_at = excluded.seen_at
		WHERE wx_event_dedup.seen_at <= ?
		RETURNING body_hash`
	// sqliteEvents inserts events given as [app_key, school_code, event,
	// raw_data, data, body_hash, order_key] arrays, all received at the
	// same time.
	sqliteEvents = `INSERT INTO wx_events (app_key, school_code, event, raw_data, data, body_hash, order_key, received_at)
		SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, ? FROM jsonb_each(?)
		RETURNING id, body_hash`
	// sqliteFanOut creates a delivery of each event to each project:
	// pending for a valid one, held for an invalid one.
	sqliteFanOut = `INSERT INTO wx_deliveries
		(event_id, project_id, status, attempts, next_attempt_at, run_started_at, last_error, lease_owner, created_at, updated_at, order_key)
		SELECT e.id, p.id, CASE WHEN p.statu = ? THEN ? ELSE ? END, 0, ?, ?, '', '', ?, ?, CASE WHEN p.ordered THEN e.order_key ELSE '' END
		FROM wx_events AS e, wx_push_projects AS p
		WHERE e.id IN (SELECT value FROM json_each(?)) ORDER BY e.id, p.id`
)

// stmtCache prepares statements once and hands them out bound to the
// transaction in ctx.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// stmt returns query prepared, in the transaction carried by ctx if any.
func (c *stmtCache) stmt(ctx context.Context, db *DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	if !ok {
		var err error
		if st, err = db.DB.DB.PrepareContext(ctx, query); err != nil {
			c.mu.Unlock()
			return nil, err
		}
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[query] = st
	}
	c.mu.Unlock()
	if tx, ok := db.IDB(ctx).(bun.Tx); ok {
		return tx.StmtContext(ctx, st), nil
	}
	return st, nil
}

// sqliteTime renders t the way bun writes times to SQLite, so that stored
// times compare and scan alike whichever path wrote them.
func sqliteTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
}

// jsonParam encodes v as a json_each parameter. It reports false when a
// string in v is not valid UTF-8, which JSON cannot carry unchanged.
func jsonParam(v any, texts ...string) (string, bool) {
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return "", false
		}
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}

// The dispatcher's statements on SQLite, for the same reason.
var (
	// sqliteLease leases due deliveries, except those of the projects in
	// the JSON array, in one statement. It also moves next_attempt_at to
	// the lease's end, which keeps leased rows out of the due index range
	// that later claims scan; they come due again only if the lease runs
	// out (Release and the written outcome set it again). The status is
	// written out, not bound, so that the planner may use the partial
	// index of pending rows.
	sqliteLease = `UPDATE wx_deliveries SET lease_owner = ?, lease_until = ?, next_attempt_at = ?
		WHERE id IN (SELECT id FROM wx_deliveries
			WHERE status = '` + string(wxrelay.DeliveryPending) + `' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
			AND project_id NOT IN (SELECT value FROM json_each(?)) AND ` + headOfKey + `
			ORDER BY next_attempt_at, id LIMIT ?)
		RETURNING id, event_id, project_id, attempts, next_attempt_at, run_started_at, last_error, created_at, updated_at, order_key`
	// sqliteSave writes back deliveries given as [id, status, attempts,
	// next_attempt_at, run_started_at, last_error, updated_at,
	// completed_at] arrays where the owner still holds the lease.
	sqliteSave = `UPDATE wx_deliveries SET status = j.value->>1, attempts = j.value->>2,
			next_attempt_at = j.value->>3, run_started_at = j.value->>4, last_error = j.value->>5,
			updated_at = j.value->>6, completed_at = j.value->>7, lease_owner = '', lease_until = NULL
		FROM jsonb_each(?) AS j
		WHERE wx_deliveries.id = j.value->>0 AND wx_deliveries.lease_owner = ?
		RETURNING wx_deliveries.id`
	// sqliteAttempts inserts attempts given as [delivery_id, project_id,
	// attempted_at, status_code, latency_ms, error, response] arrays.
	sqliteAttempts = `INSERT INTO wx_delivery_attempts
		(delivery_id, project_id, attempted_at, status_code, latency_ms, error, response)
		SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM jsonb_each(?)`
)

// claimSQLite leases up to limit due deliveries with one prepared
// statement and returns them in due order.
func (r *WXDeliveries) claimSQLite(ctx context.Context, owner string, now, leaseUntil time.Time, limit int, skip []int64) ([]wxrelay.Delivery, error) {
	if skip == nil {
		skip = []int64{}
	}
	param, _ := jsonParam(skip)
	st, err := r.stmts.stmt(ctx, r.db, sqliteLease)
	if err != nil {
		return nil, err
	}
	t := sqliteTime(now)
	until := sqliteTime(leaseUntil)
	rows, err := st.QueryContext(ctx, owner, until, until, t, t, param, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wxrelay.Delivery
	for rows.Next() {
		d := wxrelay.Delivery{Status: wxrelay.DeliveryPending}
		var next, run, created, updated sqliteTimeValue
		if err := rows.Scan(&d.ID, &d.EventID, &d.ProjectID, &d.Attempts, &next, &run, &d.LastError, &created, &updated, &d.OrderKey); err != nil {
			return nil, err
		}
		d.NextAttemptAt, d.RunStartedAt, d.CreatedAt, d.UpdatedAt = next.t, run.t, created.t, updated.t
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b wxrelay.Delivery) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// sqliteTimeValue scans a time SQLite returns either as a time (for a
// column it knows to be one) or as the text bun wrote.
type sqliteTimeValue struct{ t time.Time }

// Scan implements sql.Scanner.
func (v *sqliteTimeValue) Scan(src any) error {
	switch x := src.(type) {
	case time.Time:
		v.t = x.UTC()
		return nil
	case string:
		return v.parse(x)
	case []byte:
		return v.parse(string(x))
	default:
		return fmt.Errorf("wxrelay: cannot read %T as a time", src)
	}
}

func (v *sqliteTimeValue) parse(s string) error {
	t, err := time.Parse("2006-01-02 15:04:05.999999999-07:00", s)
	if err != nil {
		return fmt.Errorf("wxrelay: cannot read %q as a time: %w", s, err)
	}
	v.t = t.UTC()
	return nil
}

// saveSQLite writes ds back with one prepared statement where owner holds
// the lease. It reports false, having done nothing, when a text is not
// valid UTF-8.
func (r *WXDeliveries) saveSQLite(ctx context.Context, owner string, ds []wxrelay.Delivery) ([]int64, bool, error) {
	values := make([][8]any, len(ds))
	texts := make([]string, 0, len(ds))
	for i, d := range ds {
		var completed any
		if !d.CompletedAt.IsZero() {
			completed = sqliteTime(d.CompletedAt)
		}
		values[i] = [8]any{d.ID, string(d.Status), d.Attempts, sqliteTime(d.NextAttemptAt), sqliteTime(d.RunStartedAt),
			d.LastError, sqliteTime(d.UpdatedAt), completed}
		texts = append(texts, d.LastError)
	}
	param, ok := jsonParam(values, texts...)
	if !ok {
		return nil, false, nil
	}
	st, err := r.stmts.stmt(ctx, r.db, sqliteSave)
	if err != nil {
		return nil, true, err
	}
	rows, err := st.QueryContext(ctx, param, owner)
	if err != nil {
		return nil, true, err
	}
	defer rows.Close()
	var held []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, true, err
		}
		held = append(held, id)
	}
	return held, true, rows.Err()
}

// addAttemptsSQLite inserts attempts with one prepared statement. It
// reports false, having done nothing, when a text is not valid UTF-8.
func (r *WXDeliveries) addAttemptsSQLite(ctx context.Context, as []wxrelay.Attempt) (bool, error) {
	values := make([][7]any, len(as))
	texts := make([]string, 0, 2*len(as))
	for i, a := range as {
		values[i] = [7]any{a.DeliveryID, a.ProjectID, sqliteTime(a.At), a.StatusCode, a.Latency.Milliseconds(), a.Error, a.Response}
		texts = append(texts, a.Error, a.Response)
	}
	param, ok := jsonParam(values, texts...)
	if !ok {
		return false, nil
	}
	st, err := r.stmts.stmt(ctx, r.db, sqliteAttempts)
	if err != nil {
		return true, err
	}
	_, err = st.ExecContext(ctx, param)
	return true, err
}
