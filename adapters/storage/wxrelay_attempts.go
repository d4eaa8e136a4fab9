package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/wxrelay"
)

// Attempt states: an attempt is recorded, "sending", before its request
// leaves, and "done" once its outcome is written.
const (
	attemptSending = "sending"
	attemptDone    = "done"
)

// The attempts' state column and an index of the open ones (partial on
// PostgreSQL and SQLite, where it holds only the attempts in flight).
func init() {
	Register(Migration{ID: "0330_wxrelay_attempt_state", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := addColumn(ctx, db, d, "wx_delivery_attempts", "state", "VARCHAR(16) NOT NULL DEFAULT '"+attemptDone+"'"); err != nil {
			return err
		}
		if d == MySQL {
			return CreateIndex(ctx, db, d, (*wxAttemptRow)(nil), "wx_delivery_attempts_open_idx", false, "state", "delivery_id")
		}
		_, err := db.ExecContext(ctx, fmt.Sprintf(
			"CREATE INDEX IF NOT EXISTS wx_delivery_attempts_open_idx ON wx_delivery_attempts (delivery_id) WHERE state = '%s'", attemptSending))
		return err
	}})
}

func toAttemptRow(a wxrelay.Attempt, state string) wxAttemptRow {
	return wxAttemptRow{ID: a.ID, DeliveryID: a.DeliveryID, ProjectID: a.ProjectID, At: a.At.UTC(), StatusCode: a.StatusCode,
		LatencyMS: a.Latency.Milliseconds(), Error: a.Error, Response: a.Response, State: state}
}

// OpenAttempts inserts attempts in state "sending" and sets their IDs: in
// one statement on SQLite and PostgreSQL, one by one on MySQL.
func (r *WXDeliveries) OpenAttempts(ctx context.Context, as []wxrelay.Attempt) error {
	if len(as) == 0 {
		return nil
	}
	if r.db.Dialect == SQLite {
		if done, err := r.openSQLite(ctx, as); done {
			return err
		}
	}
	if r.db.Dialect == Postgres {
		if done, err := r.openPostgres(ctx, as); done {
			return err
		}
	}
	rows := make([]wxAttemptRow, len(as))
	for i, a := range as {
		rows[i] = toAttemptRow(a, attemptSending)
	}
	db := r.db.IDB(ctx)
	if r.db.Dialect == MySQL {
		for i := range rows {
			if _, err := db.NewInsert().Model(&rows[i]).Exec(ctx); err != nil {
				return err
			}
		}
	} else if _, err := db.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return err
	}
	for i := range as {
		as[i].ID = rows[i].ID
	}
	return nil
}

// CloseAttempts writes outcomes by attempt ID and marks them done.
func (r *WXDeliveries) CloseAttempts(ctx context.Context, as []wxrelay.Attempt) error {
	if len(as) == 0 {
		return nil
	}
	if r.db.Dialect == SQLite {
		if done, err := r.closeSQLite(ctx, as); done {
			return err
		}
	}
	if r.db.Dialect == Postgres {
		return r.closePostgres(ctx, as)
	}
	rows := make([]wxAttemptRow, len(as))
	for i, a := range as {
		rows[i] = toAttemptRow(a, attemptDone)
	}
	db := r.db.IDB(ctx)
	columns := []string{"attempted_at", "status_code", "latency_ms", "error", "response", "state"}
	if r.db.Dialect == MySQL {
		for i := range rows {
			if _, err := db.NewUpdate().Model(&rows[i]).Column(columns...).WherePK().Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := db.NewUpdate().Model(&rows).Column(columns...).Bulk().Exec(ctx)
	return err
}

// CloseUnknown closes the open attempts of deliveryIDs as reason and adds
// them to their deliveries' attempts, in the caller's transaction or its
// own. The common case — none open — is one indexed select.
func (r *WXDeliveries) CloseUnknown(ctx context.Context, deliveryIDs []int64, reason string) (map[int64]int, error) {
	if len(deliveryIDs) == 0 {
		return nil, nil
	}
	var open []wxAttemptRow
	err := r.db.IDB(ctx).NewSelect().Model(&open).Column("id", "delivery_id").
		Where("state = ?", attemptSending).Where("delivery_id IN (?)", bun.List(deliveryIDs)).Scan(ctx)
	if err != nil || len(open) == 0 {
		return nil, err
	}
	counts := map[int64]int{}
	ids := make([]int64, len(open))
	for i, a := range open {
		ids[i] = a.ID
		counts[a.DeliveryID]++
	}
	err = r.db.Do(ctx, func(ctx context.Context) error {
		db := r.db.IDB(ctx)
		if _, err := db.NewUpdate().Model((*wxAttemptRow)(nil)).Set("state = ?", attemptDone).Set("error = ?", reason).
			Where("id IN (?)", bun.List(ids)).Where("state = ?", attemptSending).Exec(ctx); err != nil {
			return err
		}
		for id, n := range counts {
			if _, err := db.NewUpdate().Model((*wxDeliveryRow)(nil)).Set("attempts = attempts + ?", n).
				Set("last_error = ?", reason).Where("id = ?", id).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return counts, err
}

// Renew extends owner's leases on ids. On SQLite it also moves
// next_attempt_at with the lease, as the claim there does.
func (r *WXDeliveries) Renew(ctx context.Context, owner string, ids []int64, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	q := r.db.IDB(ctx).NewUpdate().Model((*wxDeliveryRow)(nil)).Set("lease_until = ?", until.UTC()).
		Where("id IN (?)", bun.List(ids)).Where("lease_owner = ?", owner)
	if r.db.Dialect == SQLite {
		q = q.Set("next_attempt_at = ?", until.UTC())
	}
	_, err := q.Exec(ctx)
	return err
}

const (
	// sqliteOpen inserts attempts given as [delivery_id, project_id,
	// attempted_at] arrays in state sending.
	sqliteOpen = `INSERT INTO wx_delivery_attempts
		(delivery_id, project_id, attempted_at, status_code, latency_ms, error, response, state)
		SELECT value->>0, value->>1, value->>2, 0, 0, '', '', '` + attemptSending + `' FROM jsonb_each(?)
		RETURNING id, delivery_id`
	// sqliteClose writes outcomes given as [id, attempted_at, status_code,
	// latency_ms, error, response] arrays.
	sqliteClose = `UPDATE wx_delivery_attempts SET attempted_at = j.value->>1, status_code = j.value->>2,
			latency_ms = j.value->>3, error = j.value->>4, response = j.value->>5, state = '` + attemptDone + `'
		FROM jsonb_each(?) AS j WHERE wx_delivery_attempts.id = j.value->>0`
)

func (r *WXDeliveries) openSQLite(ctx context.Context, as []wxrelay.Attempt) (bool, error) {
	values := make([][3]any, len(as))
	index := make(map[int64]int, len(as))
	for i, a := range as {
		values[i] = [3]any{a.DeliveryID, a.ProjectID, sqliteTime(a.At)}
		if _, dup := index[a.DeliveryID]; dup {
			return false, nil // one open attempt per delivery is the rule; fall back to the plain insert
		}
		index[a.DeliveryID] = i
	}
	param, _ := jsonParam(values)
	st, err := r.stmts.stmt(ctx, r.db, sqliteOpen)
	if err != nil {
		return true, err
	}
	rows, err := st.QueryContext(ctx, param)
	if err != nil {
		return true, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, delivery int64
		if err := rows.Scan(&id, &delivery); err != nil {
			return true, err
		}
		as[index[delivery]].ID = id
	}
	return true, rows.Err()
}

func (r *WXDeliveries) closeSQLite(ctx context.Context, as []wxrelay.Attempt) (bool, error) {
	values := make([][6]any, len(as))
	texts := make([]string, 0, 2*len(as))
	for i, a := range as {
		values[i] = [6]any{a.ID, sqliteTime(a.At), a.StatusCode, a.Latency.Milliseconds(), a.Error, a.Response}
		texts = append(texts, a.Error, a.Response)
	}
	param, ok := jsonParam(values, texts...)
	if !ok {
		return false, nil
	}
	st, err := r.stmts.stmt(ctx, r.db, sqliteClose)
	if err != nil {
		return true, err
	}
	_, err = st.ExecContext(ctx, param)
	return true, err
}
