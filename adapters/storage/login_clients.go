package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/ports"
)

// loginClientRow is one client's password attempts on one account.
type loginClientRow struct {
	bun.BaseModel `bun:"table:login_clients"`
	AccountID     int64      `bun:"account_id,pk"`
	Client        string     `bun:"client,pk,type:varchar(64)"`
	Failures      int        `bun:"failures,notnull"`
	LockedUntil   *time.Time `bun:"locked_until,nullzero"`
	LastSuccess   *time.Time `bun:"last_success_at,nullzero"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
}

func init() {
	Register(Migration{ID: "0011_login_clients", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*loginClientRow)(nil)); err != nil {
			return err
		}
		return CreateIndex(ctx, db, d, (*loginClientRow)(nil), "login_clients_updated_idx", false, "updated_at")
	}})
}

// LoginClients is the bun repository of per-client login attempts.
type LoginClients struct{ db *DB }

var _ ports.LoginClients = (*LoginClients)(nil)

// NewLoginClients returns the repository on db.
func NewLoginClients(db *DB) *LoginClients { return &LoginClients{db: db} }

// Get implements ports.LoginClients.
func (r *LoginClients) Get(ctx context.Context, accountID int64, client string) (account.LoginClient, error) {
	var row loginClientRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("account_id = ? AND client = ?", accountID, client).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return account.LoginClient{AccountID: accountID, Client: client}, nil
	}
	if err != nil {
		return account.LoginClient{}, MapError(err)
	}
	return account.LoginClient{
		AccountID: row.AccountID, Client: row.Client, Failures: row.Failures,
		LockedUntil: timeVal(row.LockedUntil), LastSuccess: timeVal(row.LastSuccess), UpdatedAt: row.UpdatedAt.UTC(),
	}, nil
}

// Save implements ports.LoginClients.
func (r *LoginClients) Save(ctx context.Context, c account.LoginClient) error {
	row := loginClientRow{
		AccountID: c.AccountID, Client: c.Client, Failures: c.Failures,
		LockedUntil: timePtr(c.LockedUntil), LastSuccess: timePtr(c.LastSuccess), UpdatedAt: c.UpdatedAt.UTC(),
	}
	q := r.db.IDB(ctx).NewInsert().Model(&row)
	if r.db.Dialect == MySQL {
		q = q.On("DUPLICATE KEY UPDATE").Set("failures = VALUES(failures)").Set("locked_until = VALUES(locked_until)").
			Set("last_success_at = VALUES(last_success_at)").Set("updated_at = VALUES(updated_at)")
	} else {
		q = q.On("CONFLICT (account_id, client) DO UPDATE").Set("failures = EXCLUDED.failures").Set("locked_until = EXCLUDED.locked_until").
			Set("last_success_at = EXCLUDED.last_success_at").Set("updated_at = EXCLUDED.updated_at")
	}
	_, err := q.Exec(ctx)
	return MapError(err)
}

// CountLocked implements ports.LoginClients.
func (r *LoginClients) CountLocked(ctx context.Context, accountID int64, now time.Time) (int, error) {
	n, err := r.db.IDB(ctx).NewSelect().Model((*loginClientRow)(nil)).
		Where("account_id = ? AND locked_until > ?", accountID, now.UTC()).Count(ctx)
	return int(n), MapError(err)
}

// Sweep deletes what no longer matters at now: clients that are not locked,
// whose failures are older than forget and that have not signed in within
// account.KnownClientFor.
func (r *LoginClients) Sweep(ctx context.Context, now time.Time, forget time.Duration) (int64, error) {
	res, err := r.db.NewDelete().Model((*loginClientRow)(nil)).
		Where("updated_at < ?", now.Add(-forget).UTC()).
		Where("(locked_until IS NULL OR locked_until <= ?)", now.UTC()).
		Where("(last_success_at IS NULL OR last_success_at <= ?)", now.Add(-account.KnownClientFor).UTC()).
		Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	return res.RowsAffected()
}
