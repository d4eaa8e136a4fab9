package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/console"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

type consoleSessionRow struct {
	bun.BaseModel `bun:"table:console_sessions"`
	Hash          string    `bun:"id_hash,pk,type:varchar(64)"`
	Kind          string    `bun:"kind,notnull,type:varchar(16)"`
	AccountID     int64     `bun:"account_id,notnull"`
	OrgID         int64     `bun:"org_id,notnull"`
	OrgTokenID    int64     `bun:"org_token_id,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	ExpiresAt     time.Time `bun:"expires_at,notnull"`
}

func init() {
	Register(Migration{ID: "0600_console_sessions", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*consoleSessionRow)(nil)); err != nil {
			return err
		}
		return CreateIndex(ctx, db, d, (*consoleSessionRow)(nil), "console_sessions_expires_idx", false, "expires_at")
	}})
}

// ConsoleSessions is the bun repository of web-console sessions.
type ConsoleSessions struct{ db *DB }

// ConsoleStats counts what the console's overview shows.
type ConsoleStats struct{ db *DB }

var (
	_ ports.ConsoleSessions = (*ConsoleSessions)(nil)
	_ ports.OverviewStats   = (*ConsoleStats)(nil)
)

// NewConsoleSessions returns the session repository on db.
func NewConsoleSessions(db *DB) *ConsoleSessions { return &ConsoleSessions{db: db} }

// NewConsoleStats returns the overview counter on db.
func NewConsoleStats(db *DB) *ConsoleStats { return &ConsoleStats{db: db} }

// Create inserts a session.
func (r *ConsoleSessions) Create(ctx context.Context, s console.Session) error {
	row := consoleSessionRow{Hash: s.IDHash, Kind: string(s.Kind), AccountID: s.AccountID, OrgID: s.OrgID,
		OrgTokenID: s.OrgTokenID, CreatedAt: s.CreatedAt.UTC(), ExpiresAt: s.ExpiresAt.UTC()}
	_, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx)
	return MapError(err)
}

// ByHash finds a session by the hash of its id.
func (r *ConsoleSessions) ByHash(ctx context.Context, hash string) (console.Session, error) {
	var row consoleSessionRow
	if err := r.db.IDB(ctx).NewSelect().Model(&row).Where("id_hash = ?", hash).Scan(ctx); err != nil {
		return console.Session{}, MapError(err)
	}
	return console.Session{IDHash: row.Hash, Kind: console.Kind(row.Kind), AccountID: row.AccountID, OrgID: row.OrgID,
		OrgTokenID: row.OrgTokenID, CreatedAt: row.CreatedAt.UTC(), ExpiresAt: row.ExpiresAt.UTC()}, nil
}

// Delete removes a session; a missing one is not an error.
func (r *ConsoleSessions) Delete(ctx context.Context, hash string) error {
	_, err := r.db.IDB(ctx).NewDelete().Model((*consoleSessionRow)(nil)).Where("id_hash = ?", hash).Exec(ctx)
	return err
}

// DeleteExpired removes the sessions that ended before now.
func (r *ConsoleSessions) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := r.db.IDB(ctx).NewDelete().Model((*consoleSessionRow)(nil)).Where("expires_at <= ?", now.UTC()).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Overview counts users, devices, today's pushes, unanswered feedback,
// push projects by state, deliveries by state and the outbox backlog. Each
// count is its own small indexed or bounded query.
func (r *ConsoleStats) Overview(ctx context.Context, since time.Time) (ports.Overview, error) {
	db := r.db.IDB(ctx)
	var o ports.Overview
	counts := []struct {
		into *int64
		q    *bun.SelectQuery
	}{
		{&o.Users, db.NewSelect().Model((*accountRow)(nil)).Where("role = ?", int(account.RoleUser))},
		{&o.Devices, db.NewSelect().Model((*deviceRow)(nil))},
		{&o.PushesToday, db.NewSelect().Model((*pushLogRow)(nil)).Where("created_at >= ?", since.UTC())},
		{&o.UnansweredFeedback, db.NewSelect().Model((*feedbackRow)(nil)).Where("status = ?", int(content.Pending))},
		{&o.ProjectsActive, db.NewSelect().Model((*wxProjectRow)(nil)).Where("statu = ? AND paused_at IS NULL", int(wxrelay.StatusActive))},
		{&o.ProjectsInactive, db.NewSelect().Model((*wxProjectRow)(nil)).Where("statu <> ?", int(wxrelay.StatusActive))},
		{&o.ProjectsPaused, db.NewSelect().Model((*wxProjectRow)(nil)).Where("statu = ? AND paused_at IS NOT NULL", int(wxrelay.StatusActive))},
		{&o.DeliveriesPending, db.NewSelect().Model((*wxDeliveryRow)(nil)).Where("status = ?", string(wxrelay.DeliveryPending))},
		{&o.DeliveriesRetrying, db.NewSelect().Model((*wxDeliveryRow)(nil)).Where("status = ? AND attempts > 0", string(wxrelay.DeliveryPending))},
		{&o.DeliveriesFailed, db.NewSelect().Model((*wxDeliveryRow)(nil)).Where("status = ?", string(wxrelay.DeliveryFailed))},
		{&o.DeliveriesHeld, db.NewSelect().Model((*wxDeliveryRow)(nil)).Where("status = ?", string(wxrelay.DeliveryHeld))},
		{&o.OutboxBacklog, db.NewSelect().Model((*OutboxRow)(nil)).Where("published_at IS NULL")},
	}
	for _, c := range counts {
		n, err := c.q.Count(ctx)
		if err != nil {
			return o, fmt.Errorf("overview: %w", err)
		}
		*c.into = int64(n)
	}
	if o.OutboxBacklog > 0 {
		var oldest []time.Time
		err := db.NewSelect().Model((*OutboxRow)(nil)).Column("occurred_at").Where("published_at IS NULL").
			Order("id").Limit(1).Scan(ctx, &oldest)
		if err != nil {
			return o, fmt.Errorf("overview: oldest outbox row: %w", err)
		}
		if len(oldest) == 1 {
			o.OutboxOldest = oldest[0].UTC()
		}
	}
	return o, nil
}
