package storage

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/campushub/campushub/domain/wxrelay"
)

// The dispatcher's per-batch writes on PostgreSQL take each column of the
// batch as one array parameter and join it with unnest: a VALUES list of
// typed literals, one row per delivery, costs PostgreSQL more to parse and
// plan than to run (8.6 ms of planning against 1.2 ms for 512 deliveries,
// docs/performance.md).

// pgTime is t as a timestamptz array element; the zero time is "", which
// the statements turn into NULL.
func pgTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
}

// savePostgres writes back, in one statement, the deliveries of ds whose
// lease owner still holds, frees their leases and returns their ids. The
// UPDATE locks each row and checks the owner on its latest version, as the
// SELECT … FOR UPDATE before a bulk update did.
func (r *WXDeliveries) savePostgres(ctx context.Context, owner string, ds []wxrelay.Delivery) ([]int64, error) {
	n := len(ds)
	ids, attempts := make([]int64, n), make([]int64, n)
	status, lastError := make([]string, n), make([]string, n)
	next, started, updated, completed := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, d := range ds {
		ids[i], attempts[i], status[i], lastError[i] = d.ID, int64(d.Attempts), string(d.Status), d.LastError
		next[i], started[i], updated[i], completed[i] = pgTime(d.NextAttemptAt), pgTime(d.RunStartedAt), pgTime(d.UpdatedAt), pgTime(d.CompletedAt)
	}
	var held []int64
	err := r.db.IDB(ctx).NewRaw(`UPDATE wx_deliveries AS d SET status = u.status, attempts = u.attempts,
			next_attempt_at = u.next_attempt_at::timestamptz, run_started_at = u.run_started_at::timestamptz,
			last_error = u.last_error, updated_at = u.updated_at::timestamptz,
			completed_at = NULLIF(u.completed_at, '')::timestamptz, lease_owner = '', lease_until = NULL
		FROM unnest(?::bigint[], ?::varchar[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS u(id, status, attempts, next_attempt_at, run_started_at, last_error, updated_at, completed_at)
		WHERE d.id = u.id AND d.lease_owner = ?
		RETURNING d.id`,
		pgdialect.Array(ids), pgdialect.Array(status), pgdialect.Array(attempts), pgdialect.Array(next), pgdialect.Array(started),
		pgdialect.Array(lastError), pgdialect.Array(updated), pgdialect.Array(completed), owner).Scan(ctx, &held)
	return held, err
}

// closePostgres writes attempt outcomes by attempt ID, in one statement,
// and marks the attempts done.
func (r *WXDeliveries) closePostgres(ctx context.Context, as []wxrelay.Attempt) error {
	n := len(as)
	ids, codes, latency := make([]int64, n), make([]int64, n), make([]int64, n)
	at, errs, responses := make([]string, n), make([]string, n), make([]string, n)
	for i, a := range as {
		ids[i], codes[i], latency[i] = a.ID, int64(a.StatusCode), a.Latency.Milliseconds()
		at[i], errs[i], responses[i] = pgTime(a.At), a.Error, a.Response
	}
	_, err := r.db.IDB(ctx).NewRaw(`UPDATE wx_delivery_attempts AS a SET attempted_at = u.attempted_at::timestamptz,
			status_code = u.status_code, latency_ms = u.latency_ms, error = u.error, response = u.response, state = ?
		FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
			AS u(id, attempted_at, status_code, latency_ms, error, response)
		WHERE a.id = u.id`,
		attemptDone, pgdialect.Array(ids), pgdialect.Array(at), pgdialect.Array(codes), pgdialect.Array(latency),
		pgdialect.Array(errs), pgdialect.Array(responses)).Exec(ctx)
	return err
}

// claimPGHead is the head-of-key condition of the claim's candidates.
var claimPGHead = headOfKeyFor("c")

// claimPostgres leases due deliveries to owner in one statement: the
// candidates are locked with FOR UPDATE SKIP LOCKED in a subquery, so
// concurrent claimers pass each other by, and their rows come back from
// the UPDATE, in due order.
func (r *WXDeliveries) claimPostgres(ctx context.Context, owner string, now, leaseUntil time.Time, limit int, skip []int64) ([]wxrelay.Delivery, error) {
	if skip == nil {
		skip = []int64{}
	}
	var rows []wxDeliveryRow
	err := r.db.IDB(ctx).NewRaw(`UPDATE wx_deliveries AS d SET lease_owner = ?, lease_until = ?
		WHERE d.id = ANY(ARRAY(SELECT c.id FROM wx_deliveries AS c
			WHERE c.status = ? AND c.next_attempt_at <= ? AND (c.lease_until IS NULL OR c.lease_until < ?)
				AND `+claimPGHead+` AND c.project_id <> ALL(?::bigint[])
			ORDER BY c.next_attempt_at, c.id LIMIT ? FOR UPDATE SKIP LOCKED))
		RETURNING d.*`,
		owner, leaseUntil.UTC(), string(wxrelay.DeliveryPending), now.UTC(), now.UTC(), pgdialect.Array(skip), limit).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b wxDeliveryRow) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return wxDeliveries(rows), nil
}

// openPostgres inserts attempts in state "sending" in one statement and
// sets their IDs by delivery; it reports false, writing nothing, when a
// delivery has two attempts in as (one open attempt per delivery is the
// rule), so that the caller's plain insert takes them.
func (r *WXDeliveries) openPostgres(ctx context.Context, as []wxrelay.Attempt) (bool, error) {
	n := len(as)
	deliveries, projects, at := make([]int64, n), make([]int64, n), make([]string, n)
	index := make(map[int64]int, n)
	for i, a := range as {
		if _, dup := index[a.DeliveryID]; dup {
			return false, nil
		}
		index[a.DeliveryID] = i
		deliveries[i], projects[i], at[i] = a.DeliveryID, a.ProjectID, pgTime(a.At)
	}
	var rows []wxAttemptRow
	err := r.db.IDB(ctx).NewRaw(`INSERT INTO wx_delivery_attempts
			(delivery_id, project_id, attempted_at, status_code, latency_ms, error, response, state)
		SELECT u.delivery_id, u.project_id, u.attempted_at::timestamptz, 0, 0, '', '', ?
		FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS u(delivery_id, project_id, attempted_at)
		RETURNING id, delivery_id`,
		attemptSending, pgdialect.Array(deliveries), pgdialect.Array(projects), pgdialect.Array(at)).Scan(ctx, &rows)
	if err != nil {
		return true, err
	}
	for _, row := range rows {
		as[index[row.DeliveryID]].ID = row.ID
	}
	return true, nil
}
