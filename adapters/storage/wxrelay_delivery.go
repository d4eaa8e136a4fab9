package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

type wxDeliveryRow struct {
	bun.BaseModel `bun:"table:wx_deliveries"`
	ID            int64      `bun:"id,pk,autoincrement"`
	EventID       int64      `bun:"event_id,notnull"`
	ProjectID     int64      `bun:"project_id,notnull"`
	Status        string     `bun:"status,notnull,type:varchar(16)"`
	Attempts      int        `bun:"attempts,notnull"`
	NextAttemptAt time.Time  `bun:"next_attempt_at,notnull"`
	RunStartedAt  time.Time  `bun:"run_started_at,notnull"`
	LastError     string     `bun:"last_error,notnull,type:text"`
	LeaseOwner    string     `bun:"lease_owner,notnull,default:'',type:varchar(100)"`
	LeaseUntil    *time.Time `bun:"lease_until,nullzero"`
	OrderKey      string     `bun:"order_key,notnull,default:'',type:varchar(200)"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
	CompletedAt   *time.Time `bun:"completed_at,nullzero"`
}

type wxAttemptRow struct {
	bun.BaseModel `bun:"table:wx_delivery_attempts"`
	ID            int64     `bun:"id,pk,autoincrement"`
	DeliveryID    int64     `bun:"delivery_id,notnull"`
	ProjectID     int64     `bun:"project_id,notnull"`
	At            time.Time `bun:"attempted_at,notnull"`
	StatusCode    int       `bun:"status_code,notnull"`
	LatencyMS     int64     `bun:"latency_ms,notnull"`
	Error         string    `bun:"error,notnull,type:text"`
	Response      string    `bun:"response,notnull,type:text"`
	State         string    `bun:"state,notnull,default:'done',type:varchar(16)"`
}

// WXDeliveries is the bun repository of deliveries and their attempts.
type WXDeliveries struct {
	db    *DB
	stmts stmtCache
}

var _ ports.WXDeliveries = (*WXDeliveries)(nil)

// NewWXDeliveries returns the delivery repository on db.
func NewWXDeliveries(db *DB) *WXDeliveries { return &WXDeliveries{db: db} }

func toWXDeliveryRow(d wxrelay.Delivery) wxDeliveryRow {
	return wxDeliveryRow{ID: d.ID, EventID: d.EventID, ProjectID: d.ProjectID, Status: string(d.Status),
		Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt.UTC(), RunStartedAt: d.RunStartedAt.UTC(),
		LastError: d.LastError, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), CompletedAt: timePtr(d.CompletedAt), OrderKey: d.OrderKey}
}

func (r wxDeliveryRow) domain() wxrelay.Delivery {
	return wxrelay.Delivery{ID: r.ID, EventID: r.EventID, ProjectID: r.ProjectID, Status: wxrelay.DeliveryStatus(r.Status),
		Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.UTC(), RunStartedAt: r.RunStartedAt.UTC(),
		LastError: r.LastError, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), CompletedAt: timeVal(r.CompletedAt), OrderKey: r.OrderKey}
}

func wxDeliveries(rows []wxDeliveryRow) []wxrelay.Delivery {
	out := make([]wxrelay.Delivery, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out
}

// Create inserts deliveries in one statement.
func (r *WXDeliveries) Create(ctx context.Context, ds []wxrelay.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	rows := make([]wxDeliveryRow, len(ds))
	for i, d := range ds {
		rows[i] = toWXDeliveryRow(d)
	}
	_, err := r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx)
	return MapError(err)
}

// CreateForProjects creates, in one INSERT … SELECT, a delivery for each
// event of eventIDs and each project — pending and due at now for a valid
// project, held for an invalid one — and returns how many it created.
func (r *WXDeliveries) CreateForProjects(ctx context.Context, eventIDs []int64, now time.Time) (int, error) {
	if len(eventIDs) == 0 {
		return 0, nil
	}
	at := now.UTC()
	if r.db.Dialect == SQLite {
		param, _ := jsonParam(eventIDs)
		st, err := r.stmts.stmt(ctx, r.db, sqliteFanOut)
		if err != nil {
			return 0, err
		}
		t := sqliteTime(at)
		res, err := st.ExecContext(ctx, int(wxrelay.StatusActive), string(wxrelay.DeliveryPending), string(wxrelay.DeliveryHeld), t, t, t, t, param)
		if err != nil {
			return 0, MapError(err)
		}
		n, err := res.RowsAffected()
		return int(n), err
	}
	res, err := r.db.IDB(ctx).NewRaw(`INSERT INTO wx_deliveries
		(event_id, project_id, status, attempts, next_attempt_at, run_started_at, last_error, lease_owner, created_at, updated_at, order_key)
		SELECT e.id, p.id, CASE WHEN p.statu = ? THEN ? ELSE ? END, 0, ?, ?, '', '', ?, ?, CASE WHEN p.ordered THEN e.order_key ELSE '' END
		FROM wx_events AS e, wx_push_projects AS p
		WHERE e.id IN (?) ORDER BY e.id, p.id`,
		int(wxrelay.StatusActive), string(wxrelay.DeliveryPending), string(wxrelay.DeliveryHeld), at, at, at, at, bun.List(eventIDs)).Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ByID finds a delivery.
func (r *WXDeliveries) ByID(ctx context.Context, id int64) (wxrelay.Delivery, error) {
	return rowByID[wxDeliveryRow](ctx, r.db, id)
}

// List returns a page of deliveries, newest first, and the total matching.
func (r *WXDeliveries) List(ctx context.Context, f ports.DeliveryFilter) ([]wxrelay.Delivery, int64, error) {
	var rows []wxDeliveryRow
	q := r.db.IDB(ctx).NewSelect().Model(&rows)
	if f.EventID != 0 {
		q = q.Where("event_id = ?", f.EventID)
	}
	if f.ProjectID != 0 {
		q = q.Where("project_id = ?", f.ProjectID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	total, err := q.Order("id DESC").Offset(int64(f.Offset)).Limit(int64(f.Limit)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, err
	}
	return wxDeliveries(rows), int64(total), nil
}

// Attempts lists a delivery's attempts, oldest first.
func (r *WXDeliveries) Attempts(ctx context.Context, deliveryID int64) ([]wxrelay.Attempt, error) {
	var rows []wxAttemptRow
	if err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("delivery_id = ?", deliveryID).Order("id").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]wxrelay.Attempt, len(rows))
	for i, a := range rows {
		out[i] = wxrelay.Attempt{ID: a.ID, DeliveryID: a.DeliveryID, ProjectID: a.ProjectID, At: a.At.UTC(),
			StatusCode: a.StatusCode, Latency: time.Duration(a.LatencyMS) * time.Millisecond, Error: a.Error, Response: a.Response,
			InFlight: a.State == attemptSending}
	}
	return out, nil
}

// Claim leases due deliveries to owner. The candidates are locked with
// FOR UPDATE SKIP LOCKED on PostgreSQL and MySQL, so concurrent claimers
// pass each other by; SQLite serialises write transactions instead. The
// lease columns then keep the rows reserved after the transaction, while
// the attempt runs.
func (r *WXDeliveries) Claim(ctx context.Context, owner string, now, leaseUntil time.Time, limit int, skip []int64) ([]wxrelay.Delivery, error) {
	switch r.db.Dialect {
	case SQLite:
		return r.claimSQLite(ctx, owner, now, leaseUntil, limit, skip)
	case Postgres:
		return r.claimPostgres(ctx, owner, now, leaseUntil, limit, skip)
	}
	var out []wxrelay.Delivery
	err := r.db.Do(ctx, func(ctx context.Context) error {
		db := r.db.IDB(ctx)
		var ids []int64
		q := db.NewSelect().Model((*wxDeliveryRow)(nil)).Column("id").
			Where("status = ?", string(wxrelay.DeliveryPending)).
			Where("next_attempt_at <= ?", now.UTC()).
			Where("(lease_until IS NULL OR lease_until < ?)", now.UTC()).
			Where(headOfKeyAlias).
			Order("next_attempt_at", "id").Limit(int64(limit))
		if len(skip) > 0 {
			q = q.Where("project_id NOT IN (?)", bun.List(skip))
		}
		if r.db.Dialect != SQLite {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx, &ids); err != nil || len(ids) == 0 {
			return err
		}
		_, err := db.NewUpdate().Model((*wxDeliveryRow)(nil)).
			Set("lease_owner = ?", owner).Set("lease_until = ?", leaseUntil.UTC()).
			Where("id IN (?)", bun.List(ids)).Exec(ctx)
		if err != nil {
			return err
		}
		var rows []wxDeliveryRow
		if err := db.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Order("next_attempt_at", "id").Scan(ctx); err != nil {
			return err
		}
		out = wxDeliveries(rows)
		return nil
	})
	return out, err
}

// Release clears owner's lease on ids and makes them due at now.
func (r *WXDeliveries) Release(ctx context.Context, owner string, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := r.db.IDB(ctx).NewUpdate().Model((*wxDeliveryRow)(nil)).
		Set("lease_owner = ''").Set("lease_until = NULL").Set("next_attempt_at = ?", now.UTC()).
		Where("id IN (?)", bun.List(ids)).Where("lease_owner = ?", owner).Exec(ctx)
	return err
}

// SaveAll writes back, in one statement where the database allows, the
// deliveries whose lease owner still holds, and frees their leases.
func (r *WXDeliveries) SaveAll(ctx context.Context, owner string, ds []wxrelay.Delivery) ([]int64, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	if r.db.Dialect == SQLite {
		if held, done, err := r.saveSQLite(ctx, owner, ds); done {
			return held, err
		}
	}
	if r.db.Dialect == Postgres {
		return r.savePostgres(ctx, owner, ds)
	}
	db := r.db.IDB(ctx)
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	var held []int64
	q := db.NewSelect().Model((*wxDeliveryRow)(nil)).Column("id").
		Where("id IN (?)", bun.List(ids)).Where("lease_owner = ?", owner)
	if r.db.Dialect != SQLite {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx, &held); err != nil || len(held) == 0 {
		return nil, err
	}
	keep := make(map[int64]bool, len(held))
	for _, id := range held {
		keep[id] = true
	}
	rows := make([]wxDeliveryRow, 0, len(held))
	for _, d := range ds {
		if keep[d.ID] {
			rows = append(rows, toWXDeliveryRow(d)) // lease_owner '' and lease_until NULL
		}
	}
	columns := []string{"status", "attempts", "next_attempt_at", "run_started_at", "last_error", "updated_at", "completed_at", "lease_owner", "lease_until"}
	if r.db.Dialect == MySQL { // no UPDATE … FROM (VALUES …) on MySQL
		for i := range rows {
			if _, err := db.NewUpdate().Model(&rows[i]).Column(columns...).WherePK().Exec(ctx); err != nil {
				return nil, err
			}
		}
		return held, nil
	}
	_, err := db.NewUpdate().Model(&rows).Column(columns...).Bulk().Exec(ctx)
	return held, err
}

// Update writes d and clears any lease.
func (r *WXDeliveries) Update(ctx context.Context, d wxrelay.Delivery) error {
	row := toWXDeliveryRow(d)
	res, err := r.db.IDB(ctx).NewUpdate().Model(&row).
		Column("status", "attempts", "next_attempt_at", "run_started_at", "last_error", "updated_at", "completed_at").
		Set("lease_owner = ''").Set("lease_until = NULL").WherePK().Exec(ctx)
	return wxAffected(res, err)
}

// AddAttempts inserts attempts in one statement.
func (r *WXDeliveries) AddAttempts(ctx context.Context, as []wxrelay.Attempt) error {
	if len(as) == 0 {
		return nil
	}
	if r.db.Dialect == SQLite {
		if done, err := r.addAttemptsSQLite(ctx, as); done {
			return err
		}
	}
	rows := make([]wxAttemptRow, len(as))
	for i, a := range as {
		rows[i] = toAttemptRow(a, attemptDone)
	}
	_, err := r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx)
	return err
}

// abandonChunk bounds the ids of one abandoning update.
const abandonChunk = 1000

// AbandonPending fails every pending delivery of a project and frees their
// leases: it locks and reads them, then updates them, in the caller's
// transaction or its own.
func (r *WXDeliveries) AbandonPending(ctx context.Context, projectID int64, reason string, now time.Time) ([]wxrelay.Delivery, error) {
	var out []wxrelay.Delivery
	err := r.db.Do(ctx, func(ctx context.Context) error {
		db := r.db.IDB(ctx)
		var rows []wxDeliveryRow
		q := db.NewSelect().Model(&rows).
			Where("project_id = ?", projectID).Where("status = ?", string(wxrelay.DeliveryPending)).Order("id")
		if r.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil || len(rows) == 0 {
			return err
		}
		out = make([]wxrelay.Delivery, len(rows))
		ids := make([]int64, len(rows))
		for i, row := range rows {
			out[i], ids[i] = row.domain().Abandon(reason, now), row.ID
		}
		for start := 0; start < len(ids); start += abandonChunk {
			chunk := ids[start:min(start+abandonChunk, len(ids))]
			_, err := db.NewUpdate().Model((*wxDeliveryRow)(nil)).
				Set("status = ?", string(wxrelay.DeliveryFailed)).Set("last_error = ?", reason).
				Set("updated_at = ?", now.UTC()).Set("completed_at = ?", now.UTC()).
				Set("lease_owner = ''").Set("lease_until = NULL").
				Where("id IN (?)", bun.List(chunk)).Exec(ctx)
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ReplayFailed restarts every failed delivery of a project.
func (r *WXDeliveries) ReplayFailed(ctx context.Context, projectID int64, now time.Time) (int, error) {
	res, err := r.db.IDB(ctx).NewUpdate().Model((*wxDeliveryRow)(nil)).
		Set("status = ?", string(wxrelay.DeliveryPending)).Set("attempts = 0").
		Set("next_attempt_at = ?", now.UTC()).Set("run_started_at = ?", now.UTC()).
		Set("last_error = ''").Set("updated_at = ?", now.UTC()).Set("completed_at = NULL").
		Set("lease_owner = ''").Set("lease_until = NULL").
		Where("project_id = ?", projectID).Where("status = ?", string(wxrelay.DeliveryFailed)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
