package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/ports"
)

type accountRow struct {
	bun.BaseModel `bun:"table:accounts"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Key           string     `bun:"account_key,notnull,unique,type:varchar(300)"`
	Area          string     `bun:"area,notnull,type:varchar(8)"`
	Phone         string     `bun:"phone,notnull,type:varchar(32)"`
	Email         string     `bun:"email,notnull,type:varchar(254)"`
	OpenID        string     `bun:"openid,notnull,type:varchar(64)"`
	Role          int        `bun:"role,notnull"`
	Username      string     `bun:"username,notnull,type:varchar(254)"`
	IsActive      bool       `bun:"is_active,notnull"`
	AppID         string     `bun:"app_id,notnull,type:varchar(64)"`
	PasswordHash  string     `bun:"password_hash,notnull,type:varchar(255)"`
	Nickname      string     `bun:"nickname,notnull,type:varchar(255)"`
	Avatar        string     `bun:"avatar,notnull,type:varchar(1024)"`
	Gender        int        `bun:"gender,notnull"`
	Birthday      string     `bun:"birthday,notnull,type:varchar(10)"`
	Address       string     `bun:"address,notnull,type:varchar(1024)"`
	FailedLogins  int        `bun:"failed_logins,notnull"`
	LockedUntil   *time.Time `bun:"locked_until,nullzero"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
}

type codeRow struct {
	bun.BaseModel `bun:"table:verification_codes"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Key           string     `bun:"account_key,notnull,type:varchar(300)"`
	Hash          string     `bun:"code_hash,notnull,type:varchar(64)"`
	Attempts      int        `bun:"attempts,notnull"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	ExpiresAt     time.Time  `bun:"expires_at,notnull"`
	ConsumedAt    *time.Time `bun:"consumed_at,nullzero"`
}

type tokenRow struct {
	bun.BaseModel `bun:"table:auth_tokens"`
	Hash          string     `bun:"token_hash,pk,type:varchar(64)"`
	Kind          string     `bun:"kind,notnull,type:varchar(16)"`
	AccountID     int64      `bun:"account_id,notnull"`
	Family        string     `bun:"family,notnull,type:varchar(64)"`
	IssuedAt      time.Time  `bun:"issued_at,notnull"`
	ExpiresAt     time.Time  `bun:"expires_at,notnull"`
	UsedAt        *time.Time `bun:"used_at,nullzero"`
	RevokedAt     *time.Time `bun:"revoked_at,nullzero"`
}

func init() {
	Register(Migration{ID: "0010_accounts", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*accountRow)(nil), (*codeRow)(nil), (*tokenRow)(nil)); err != nil {
			return err
		}
		if err := CreateIndex(ctx, db, d, (*codeRow)(nil), "verification_codes_key_idx", false, "account_key", "created_at"); err != nil {
			return err
		}
		return CreateIndex(ctx, db, d, (*tokenRow)(nil), "auth_tokens_family_idx", false, "family")
	}})
}

// Accounts is the bun repository of accounts.
type Accounts struct {
	db    *DB
	byID  string    // the prepared lookup by id on SQLite, "" elsewhere
	stmts stmtCache // prepared lookups (SQLite)
}

// Codes is the bun repository of verification codes.
type Codes struct{ db *DB }

// Tokens is the bun repository of token hashes.
type Tokens struct {
	db     *DB
	byHash string    // the prepared lookup by hash on SQLite, "" elsewhere
	stmts  stmtCache // prepared lookups (SQLite)
}

var (
	_ ports.Accounts = (*Accounts)(nil)
	_ ports.Codes    = (*Codes)(nil)
	_ ports.Tokens   = (*Tokens)(nil)
)

// NewAccounts returns the account repository on db.
func NewAccounts(db *DB) *Accounts {
	r := &Accounts{db: db}
	if db.Dialect == SQLite {
		r.byID = sqliteLookup(db, (*accountRow)(nil), "id")
	}
	return r
}

// NewCodes returns the code repository on db.
func NewCodes(db *DB) *Codes { return &Codes{db: db} }

// NewTokens returns the token repository on db.
func NewTokens(db *DB) *Tokens {
	r := &Tokens{db: db}
	if db.Dialect == SQLite {
		r.byHash = sqliteLookup(db, (*tokenRow)(nil), "token_hash")
	}
	return r
}

// lockInTx makes q lock the rows it reads until the end of the transaction
// carried by ctx (SELECT … FOR UPDATE on PostgreSQL and MySQL; SQLite runs
// one write transaction at a time already). Outside a transaction q is
// a plain read.
func lockInTx(ctx context.Context, db *DB, q *bun.SelectQuery) *bun.SelectQuery {
	if _, inTx := ctx.Value(txKey{}).(bun.Tx); inTx && db.Dialect != SQLite {
		return q.For("UPDATE")
	}
	return q
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func timeVal(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func toAccountRow(a account.Account) accountRow {
	return accountRow{
		ID: a.ID, Key: a.Key, Area: a.Area, Phone: a.Phone, Email: a.Email, OpenID: a.OpenID,
		Role: int(a.Role), Username: a.Username, IsActive: a.IsActive, AppID: a.AppID,
		PasswordHash: a.PasswordHash, Nickname: a.Profile.Nickname, Avatar: a.Profile.Avatar,
		Gender: int(a.Profile.Gender), Birthday: a.Profile.Birthday, Address: a.Profile.Address,
		FailedLogins: a.FailedLogins, LockedUntil: timePtr(a.LockedUntil),
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
	}
}

func (r accountRow) domain() account.Account {
	return account.Account{
		ID: r.ID, Key: r.Key, Area: r.Area, Phone: r.Phone, Email: r.Email, OpenID: r.OpenID,
		Role: account.Role(r.Role), Username: r.Username, IsActive: r.IsActive, AppID: r.AppID,
		PasswordHash: r.PasswordHash,
		Profile: account.Profile{Nickname: r.Nickname, Avatar: r.Avatar, Gender: account.Gender(r.Gender),
			Birthday: r.Birthday, Address: r.Address},
		FailedLogins: r.FailedLogins, LockedUntil: timeVal(r.LockedUntil),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// Create inserts a and sets its ID.
func (r *Accounts) Create(ctx context.Context, a *account.Account) error {
	row := toAccountRow(*a)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	a.ID = row.ID
	return nil
}

// ByKey finds an account by its identifier key.
func (r *Accounts) ByKey(ctx context.Context, key string) (account.Account, error) {
	var row accountRow
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("account_key = ?", key).Scan(ctx)
	return row.domain(), MapError(err)
}

// ByID finds an account by id. Inside a unit of work the row stays locked
// until the transaction ends, so a read-modify-write (a counted wrong
// password, a profile change) cannot lose a concurrent one.
func (r *Accounts) ByID(ctx context.Context, id int64) (account.Account, error) {
	var row accountRow
	if r.byID != "" {
		// SQLite has no row locks to take (its transactions lock the
		// database), so the prepared lookup serves inside one as well.
		err := scanOneSQLite(ctx, r.db, &r.stmts, r.byID, &row, id)
		return row.domain(), MapError(err)
	}
	err := lockInTx(ctx, r.db, r.db.IDB(ctx).NewSelect().Model(&row).Where("id = ?", id)).Scan(ctx)
	return row.domain(), MapError(err)
}

// Update saves every field of a.
func (r *Accounts) Update(ctx context.Context, a account.Account) error {
	row := toAccountRow(a)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).WherePK().Exec(ctx)
	return MapError(err)
}

func toCodeRow(c account.Code) codeRow {
	return codeRow{ID: c.ID, Key: c.Key, Hash: c.Hash, Attempts: c.Attempts, CreatedAt: c.CreatedAt.UTC(),
		ExpiresAt: c.ExpiresAt.UTC(), ConsumedAt: timePtr(c.ConsumedAt)}
}

func (r codeRow) domain() account.Code {
	return account.Code{ID: r.ID, Key: r.Key, Hash: r.Hash, Attempts: r.Attempts, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), ConsumedAt: timeVal(r.ConsumedAt)}
}

// Create inserts c and sets its ID.
func (r *Codes) Create(ctx context.Context, c *account.Code) error {
	row := toCodeRow(*c)
	if _, err := r.db.IDB(ctx).NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	c.ID = row.ID
	return nil
}

// Latest returns the newest code for key. Inside a unit of work the row
// stays locked until the transaction ends, so concurrent wrong guesses are
// each counted.
func (r *Codes) Latest(ctx context.Context, key string) (account.Code, error) {
	var row codeRow
	q := r.db.IDB(ctx).NewSelect().Model(&row).Where("account_key = ?", key).Order("id DESC").Limit(1)
	err := lockInTx(ctx, r.db, q).Scan(ctx)
	return row.domain(), MapError(err)
}

// SentSince returns when each code for key created at or after t was
// created, oldest first.
func (r *Codes) SentSince(ctx context.Context, key string, t time.Time) ([]time.Time, error) {
	var at []time.Time
	err := r.db.IDB(ctx).NewSelect().Model((*codeRow)(nil)).Column("created_at").
		Where("account_key = ? AND created_at >= ?", key, t.UTC()).Order("created_at", "id").Scan(ctx, &at)
	for i := range at {
		at[i] = at[i].UTC()
	}
	return at, MapError(err)
}

// Update saves the attempt count and consumption of c.
func (r *Codes) Update(ctx context.Context, c account.Code) error {
	row := toCodeRow(c)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).Column("attempts", "consumed_at").WherePK().Exec(ctx)
	return MapError(err)
}

// Delete removes a code.
func (r *Codes) Delete(ctx context.Context, id int64) error {
	_, err := r.db.IDB(ctx).NewDelete().Model((*codeRow)(nil)).Where("id = ?", id).Exec(ctx)
	return err
}

func (r tokenRow) domain() account.Token {
	return account.Token{Hash: r.Hash, Kind: account.TokenKind(r.Kind), AccountID: r.AccountID, Family: r.Family,
		IssuedAt: r.IssuedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), UsedAt: timeVal(r.UsedAt), RevokedAt: timeVal(r.RevokedAt)}
}

// Create inserts tokens.
func (r *Tokens) Create(ctx context.Context, ts ...account.Token) error {
	rows := make([]tokenRow, len(ts))
	for i, t := range ts {
		rows[i] = tokenRow{Hash: t.Hash, Kind: string(t.Kind), AccountID: t.AccountID, Family: t.Family,
			IssuedAt: t.IssuedAt.UTC(), ExpiresAt: t.ExpiresAt.UTC(), UsedAt: timePtr(t.UsedAt), RevokedAt: timePtr(t.RevokedAt)}
	}
	_, err := r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx)
	return MapError(err)
}

// ByHash finds a token by hash. On SQLite the lookup every authenticated
// request makes runs as a statement prepared once (the driver would
// otherwise parse the SQL on every request); the row is still read from the
// database every time, so a revocation takes effect on the next request.
func (r *Tokens) ByHash(ctx context.Context, hash string) (account.Token, error) {
	var row tokenRow
	if r.byHash != "" {
		err := scanOneSQLite(ctx, r.db, &r.stmts, r.byHash, &row, hash)
		return row.domain(), MapError(err)
	}
	err := r.db.IDB(ctx).NewSelect().Model(&row).Where("token_hash = ?", hash).Scan(ctx)
	return row.domain(), MapError(err)
}

// MarkUsed sets used_at if still unset and reports whether it did.
func (r *Tokens) MarkUsed(ctx context.Context, hash string, at time.Time) (bool, error) {
	res, err := r.db.IDB(ctx).NewUpdate().Model((*tokenRow)(nil)).Set("used_at = ?", at.UTC()).
		Where("token_hash = ? AND used_at IS NULL", hash).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RevokeFamily revokes every unrevoked token of family.
func (r *Tokens) RevokeFamily(ctx context.Context, family string, at time.Time) error {
	_, err := r.db.IDB(ctx).NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", at.UTC()).
		Where("family = ? AND revoked_at IS NULL", family).Exec(ctx)
	return err
}
