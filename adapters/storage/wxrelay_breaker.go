package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// wxHealthColumns are a project's breaker columns (migration
// 0320_wxrelay_breaker).
type wxHealthColumns struct {
	FailingSince    *time.Time `bun:"failing_since,nullzero"`
	PausedAt        *time.Time `bun:"paused_at,nullzero"`
	NextProbeAt     *time.Time `bun:"next_probe_at,nullzero"`
	ProbeIntervalMS int64      `bun:"probe_interval_ms,notnull,default:0"`
	DisabledAt      *time.Time `bun:"disabled_at,nullzero"`
}

func toHealthColumns(h wxrelay.Health) wxHealthColumns {
	return wxHealthColumns{FailingSince: timePtr(h.FailingSince), PausedAt: timePtr(h.PausedAt), NextProbeAt: timePtr(h.NextProbeAt),
		ProbeIntervalMS: h.ProbeInterval.Milliseconds(), DisabledAt: timePtr(h.DisabledAt)}
}

func (c wxHealthColumns) health() wxrelay.Health {
	return wxrelay.Health{FailingSince: timeVal(c.FailingSince), PausedAt: timeVal(c.PausedAt), NextProbeAt: timeVal(c.NextProbeAt),
		ProbeInterval: time.Duration(c.ProbeIntervalMS) * time.Millisecond, DisabledAt: timeVal(c.DisabledAt)}
}

// The breaker's columns on projects, and a partial index of held
// deliveries (on PostgreSQL and SQLite; MySQL finds them through its
// (status, next_attempt_at) index) so that expiring and releasing them
// never scans the delivery history.
func init() {
	Register(Migration{ID: "0320_wxrelay_breaker", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		ts := map[Dialect]string{SQLite: "TIMESTAMP", Postgres: "TIMESTAMPTZ", MySQL: "DATETIME(6)"}[d]
		cols := []struct{ name, typ string }{
			{"failing_since", ts}, {"paused_at", ts}, {"next_probe_at", ts},
			{"probe_interval_ms", "BIGINT NOT NULL DEFAULT 0"}, {"disabled_at", ts},
		}
		for _, c := range cols {
			if err := addColumn(ctx, db, d, "wx_push_projects", c.name, c.typ); err != nil {
				return err
			}
		}
		// Projects already invalid were disabled at their last change.
		if _, err := db.NewUpdate().Model((*wxProjectRow)(nil)).Set("disabled_at = updated_at").
			Where("statu <> ?", int(wxrelay.StatusActive)).Exec(ctx); err != nil {
			return err
		}
		if d == MySQL {
			return nil
		}
		_, err := db.ExecContext(ctx, fmt.Sprintf(
			"CREATE INDEX IF NOT EXISTS wx_deliveries_held_idx ON wx_deliveries (project_id, created_at, id) WHERE status = '%s'",
			wxrelay.DeliveryHeld))
		return err
	}})
}

// addColumn adds a column unless it exists: a database created after the
// column joined the model has it from its first migration, and MySQL
// commits DDL at once, so its migrations must be safe to run again.
func addColumn(ctx context.Context, db bun.IDB, d Dialect, table, column, typ string) error {
	switch d {
	case Postgres:
		_, err := db.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN IF NOT EXISTS "+column+" "+typ)
		return err
	case SQLite:
		var n int
		if err := db.NewRaw("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", table, column).Scan(ctx, &n); err != nil || n > 0 {
			return err
		}
	case MySQL:
		var n int
		if err := db.NewRaw("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?",
			table, column).Scan(ctx, &n); err != nil || n > 0 {
			return err
		}
	}
	_, err := db.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN "+column+" "+typ)
	return err
}

// Paused lists the valid projects whose breaker is open.
func (r *WXProjects) Paused(ctx context.Context) ([]wxrelay.Project, error) {
	var rows []wxProjectRow
	err := r.db.IDB(ctx).NewSelect().Model(&rows).
		Where("statu = ?", int(wxrelay.StatusActive)).Where("paused_at IS NOT NULL").Order("id").Scan(ctx)
	if err != nil {
		return nil, err
	}
	return wxProjects(rows), nil
}

// TakeProbe moves a paused project's next_probe_at to next if it was due
// at now, in one conditional update, and reports whether it did.
func (r *WXProjects) TakeProbe(ctx context.Context, id int64, now, next time.Time) (bool, error) {
	res, err := r.db.IDB(ctx).NewUpdate().Model((*wxProjectRow)(nil)).Set("next_probe_at = ?", next.UTC()).
		Where("id = ?", id).Where("statu = ?", int(wxrelay.StatusActive)).
		Where("paused_at IS NOT NULL").Where("next_probe_at <= ?", now.UTC()).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ClaimProbe leases the oldest unleased pending delivery of a project, or
// with leastTried the one with the fewest attempts (for an ordered
// project, among the heads of their keys).
func (r *WXDeliveries) ClaimProbe(ctx context.Context, owner string, projectID int64, now, leaseUntil time.Time, leastTried bool) ([]wxrelay.Delivery, error) {
	order := []string{"id"}
	if leastTried {
		order = []string{"attempts", "id"}
	}
	var out []wxrelay.Delivery
	err := r.db.Do(ctx, func(ctx context.Context) error {
		db := r.db.IDB(ctx)
		var ids []int64
		q := db.NewSelect().Model((*wxDeliveryRow)(nil)).Column("id").
			Where("project_id = ?", projectID).Where("status = ?", string(wxrelay.DeliveryPending)).
			Where("(lease_until IS NULL OR lease_until < ?)", now.UTC()).Where(headOfKeyAlias).Order(order...).Limit(1)
		if r.db.Dialect != SQLite {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx, &ids); err != nil || len(ids) == 0 {
			return err
		}
		var rows []wxDeliveryRow
		_, err := db.NewUpdate().Model((*wxDeliveryRow)(nil)).
			Set("lease_owner = ?", owner).Set("lease_until = ?", leaseUntil.UTC()).Where("id IN (?)", bun.List(ids)).Exec(ctx)
		if err != nil {
			return err
		}
		if err := db.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
			return err
		}
		out = wxDeliveries(rows)
		return nil
	})
	return out, err
}

// HoldPending holds a project's pending deliveries and frees their leases.
func (r *WXDeliveries) HoldPending(ctx context.Context, projectID int64, now time.Time) (int, error) {
	res, err := r.db.IDB(ctx).NewUpdate().Model((*wxDeliveryRow)(nil)).
		Set("status = ?", string(wxrelay.DeliveryHeld)).Set("updated_at = ?", now.UTC()).
		Set("lease_owner = ''").Set("lease_until = NULL").
		Where("project_id = ?", projectID).Where("status = ?", string(wxrelay.DeliveryPending)).Exec(ctx)
	return affected(res, err)
}

// ReleaseHeld makes a project's held deliveries pending with a fresh run.
func (r *WXDeliveries) ReleaseHeld(ctx context.Context, projectID int64, now time.Time) (int, error) {
	res, err := r.restart(ctx, now).
		Where("project_id = ?", projectID).Where("status = ?", string(wxrelay.DeliveryHeld)).Exec(ctx)
	return affected(res, err)
}

// restart is the update that starts deliveries on a fresh run, due now.
func (r *WXDeliveries) restart(ctx context.Context, now time.Time) *bun.UpdateQuery {
	return r.db.IDB(ctx).NewUpdate().Model((*wxDeliveryRow)(nil)).
		Set("status = ?", string(wxrelay.DeliveryPending)).Set("attempts = 0").
		Set("next_attempt_at = ?", now.UTC()).Set("run_started_at = ?", now.UTC()).
		Set("last_error = ''").Set("updated_at = ?", now.UTC()).Set("completed_at = NULL").
		Set("lease_owner = ''").Set("lease_until = NULL")
}

// ExpireHeld fails held deliveries created before before.
func (r *WXDeliveries) ExpireHeld(ctx context.Context, projectID int64, before, now time.Time, reason string, limit int) ([]wxrelay.Delivery, error) {
	var out []wxrelay.Delivery
	err := r.db.Do(ctx, func(ctx context.Context) error {
		db := r.db.IDB(ctx)
		var rows []wxDeliveryRow
		q := db.NewSelect().Model(&rows).Where("status = ?", string(wxrelay.DeliveryHeld)).
			Where("created_at < ?", before.UTC()).Order("id").Limit(int64(limit))
		if projectID != 0 {
			q = q.Where("project_id = ?", projectID)
		}
		if r.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		out = make([]wxrelay.Delivery, len(rows))
		for i, row := range rows {
			ids[i], out[i] = row.ID, row.domain().Abandon(reason, now)
		}
		_, err := db.NewUpdate().Model((*wxDeliveryRow)(nil)).
			Set("status = ?", string(wxrelay.DeliveryFailed)).Set("last_error = ?", reason).
			Set("updated_at = ?", now.UTC()).Set("completed_at = ?", now.UTC()).
			Where("id IN (?)", bun.List(ids)).Exec(ctx)
		return err
	})
	return out, err
}

// ReplaySince restarts the failed and held deliveries of a project whose
// events were received at or after since, and creates the missing ones.
func (r *WXDeliveries) ReplaySince(ctx context.Context, projectID int64, since, now time.Time) (int, int, error) {
	var replayed, created int
	err := r.db.Do(ctx, func(ctx context.Context) error {
		db := r.db.IDB(ctx)
		events := db.NewSelect().Model((*wxEventRow)(nil)).Column("id").Where("received_at >= ?", since.UTC())
		res, err := r.restart(ctx, now).Where("project_id = ?", projectID).
			Where("status IN (?)", bun.List([]string{string(wxrelay.DeliveryFailed), string(wxrelay.DeliveryHeld)})).
			Where("event_id IN (?)", events).Exec(ctx)
		if replayed, err = affected(res, err); err != nil {
			return err
		}
		at := now.UTC()
		res, err = db.NewRaw(`INSERT INTO wx_deliveries
			(event_id, project_id, status, attempts, next_attempt_at, run_started_at, last_error, lease_owner, created_at, updated_at, order_key)
			SELECT e.id, p.id, ?, 0, ?, ?, '', '', ?, ?, CASE WHEN p.ordered THEN e.order_key ELSE '' END
			FROM wx_events AS e, wx_push_projects AS p
			WHERE p.id = ? AND e.received_at >= ? AND NOT EXISTS (SELECT 1 FROM wx_deliveries AS d WHERE d.event_id = e.id AND d.project_id = p.id)
			ORDER BY e.id`,
			string(wxrelay.DeliveryPending), at, at, at, at, projectID, since.UTC()).Exec(ctx)
		created, err = affected(res, err)
		return err
	})
	return replayed, created, err
}

// Backlog counts pending and held deliveries per project, through the
// partial indexes of pending and held rows.
func (r *WXDeliveries) Backlog(ctx context.Context) (map[int64]ports.Backlog, error) {
	var rows []struct {
		ProjectID int64     `bun:"project_id"`
		Status    string    `bun:"status"`
		N         int       `bun:"n"`
		Oldest    time.Time `bun:"oldest"`
	}
	err := r.db.IDB(ctx).NewSelect().Model((*wxDeliveryRow)(nil)).
		ColumnExpr("project_id, status, COUNT(*) AS n, MIN(created_at) AS oldest").
		Where("status IN (?)", bun.List([]string{string(wxrelay.DeliveryPending), string(wxrelay.DeliveryHeld)})).
		Group("project_id", "status").Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := map[int64]ports.Backlog{}
	for _, row := range rows {
		b := out[row.ProjectID]
		if row.Status == string(wxrelay.DeliveryHeld) {
			b.Held = row.N
		} else {
			b.Pending = row.N
		}
		if o := row.Oldest.UTC(); b.Oldest.IsZero() || o.Before(b.Oldest) {
			b.Oldest = o
		}
		out[row.ProjectID] = b
	}
	return out, nil
}

func affected(res interface{ RowsAffected() (int64, error) }, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
