package storage

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Migration is one forward-only schema step. Up runs inside a transaction on
// PostgreSQL and SQLite; MySQL commits DDL implicitly, so every Up must be
// safe to run again (create ... if not exists).
type Migration struct {
	// ID orders migrations and is recorded once applied, e.g. "0001_outbox".
	ID string
	Up func(ctx context.Context, db bun.IDB, dialect Dialect) error
}

var (
	registryMu sync.Mutex
	registry   = map[string]Migration{}
)

// Register adds a migration; modules call it from init. IDs are unique:
// 0001–0099 core and account, 0100 push, 0200 content, 0300 wxrelay,
// 0400 activity, 0500 events.
func Register(m Migration) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[m.ID]; dup {
		panic("storage: duplicate migration " + m.ID)
	}
	registry[m.ID] = m
}

// Migrations returns the registered migrations in order.
func Migrations() []Migration {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]Migration, 0, len(registry))
	for _, m := range registry {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

type schemaMigration struct {
	bun.BaseModel `bun:"table:schema_migrations"`
	ID            string    `bun:"id,pk,type:varchar(100)"`
	AppliedAt     time.Time `bun:"applied_at,notnull"`
}

// Migrate applies every registered migration not yet recorded in
// schema_migrations and returns the IDs it applied.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := d.NewCreateTable().Model((*schemaMigration)(nil)).IfNotExists().Exec(ctx); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var done []schemaMigration
	if err := d.NewSelect().Model(&done).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	applied := make(map[string]bool, len(done))
	for _, m := range done {
		applied[m.ID] = true
	}
	var ran []string
	for _, m := range Migrations() {
		if applied[m.ID] {
			continue
		}
		err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := m.Up(ctx, tx, d.Dialect); err != nil {
				return err
			}
			_, err := tx.NewInsert().Model(&schemaMigration{ID: m.ID, AppliedAt: time.Now().UTC()}).Exec(ctx)
			return err
		})
		if err != nil {
			if IsUniqueViolation(err) { // another replica applied it first
				continue
			}
			return ran, fmt.Errorf("migration %s: %w", m.ID, err)
		}
		ran = append(ran, m.ID)
	}
	return ran, nil
}

// CreateTables creates the tables of the given models if they do not exist.
func CreateTables(ctx context.Context, db bun.IDB, models ...any) error {
	for _, m := range models {
		if _, err := db.NewCreateTable().Model(m).IfNotExists().Exec(ctx); err != nil {
			return fmt.Errorf("create table for %T: %w", m, err)
		}
	}
	return nil
}

// CreateIndex creates an index if it does not exist. MySQL has no
// "create index if not exists", so there an existing index is detected and
// skipped.
func CreateIndex(ctx context.Context, db bun.IDB, dialect Dialect, model any, name string, unique bool, columns ...string) error {
	if dialect == MySQL {
		var n int
		err := db.NewRaw("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = ?", name).Scan(ctx, &n)
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		q := db.NewCreateIndex().Model(model).Index(name).Column(columns...)
		if unique {
			q = q.Unique()
		}
		_, err = q.Exec(ctx)
		return err
	}
	q := db.NewCreateIndex().Model(model).Index(name).Column(columns...).IfNotExists()
	if unique {
		q = q.Unique()
	}
	_, err := q.Exec(ctx)
	return err
}
