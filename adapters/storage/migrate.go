package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"
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
// schema_migrations and returns the IDs it applied. Replicas starting at the
// same time take turns: on PostgreSQL and MySQL a lock held for the whole run
// serialises them, on SQLite write transactions already do.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	unlock, err := lockMigrations(ctx, conn, d.Dialect)
	if err != nil {
		return nil, err
	}
	defer unlock()

	if err := CreateTables(ctx, conn, (*schemaMigration)(nil)); err != nil {
		return nil, err
	}
	var done []schemaMigration
	if err := conn.NewSelect().Model(&done).Scan(ctx); err != nil {
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
		err := conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
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

// lockMigrations takes the database's migration lock on conn and returns the
// function that releases it. The lock is per database, so tests migrating
// many databases on one server do not wait for each other.
func lockMigrations(ctx context.Context, conn bun.Conn, dialect Dialect) (func(), error) {
	var try, unlock string
	switch dialect {
	case Postgres:
		try = "SELECT pg_try_advisory_lock(7240618430261915)::int"
		unlock = "SELECT pg_advisory_unlock(7240618430261915)"
	case MySQL:
		try = "SELECT GET_LOCK(CONCAT('campushub:', SHA1(DATABASE())), 0)"
		unlock = "SELECT RELEASE_LOCK(CONCAT('campushub:', SHA1(DATABASE())))"
	default:
		return func() {}, nil
	}
	// Poll rather than block: a blocking wait would outlast the driver's
	// read timeout while another replica runs a long migration.
	const wait = 5 * time.Minute
	deadline := time.Now().Add(wait)
	for {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, try).Scan(&got); err != nil {
			return nil, fmt.Errorf("migrate: take the migration lock: %w", err)
		}
		if got.Int64 == 1 {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("migrate: another replica held the migration lock for %s", wait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, unlock); err != nil {
			// A session lock dies with its session: drop the connection
			// instead of returning it to the pool still holding the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}, nil
}

// CreateTables creates the tables of the given models if they do not exist.
// On MySQL, time columns get microsecond precision (DATETIME(6)) like on
// the other databases, instead of MySQL's default whole seconds.
func CreateTables(ctx context.Context, db bun.IDB, models ...any) error {
	for _, m := range models {
		if db.Dialect().Name() == dialect.MySQL {
			withMicroseconds(db.Dialect().Tables().Get(reflect.TypeOf(m)))
		}
		if _, err := db.NewCreateTable().Model(m).IfNotExists().Exec(ctx); err != nil {
			return fmt.Errorf("create table for %T: %w", m, err)
		}
	}
	return nil
}

// withMicroseconds widens the MySQL DATETIME columns of table to DATETIME(6),
// unless a model names its own type.
func withMicroseconds(table *schema.Table) {
	for _, f := range table.Fields {
		if strings.EqualFold(f.CreateTableSQLType, "DATETIME") && strings.EqualFold(f.DiscoveredSQLType, "DATETIME") {
			f.CreateTableSQLType = "DATETIME(6)"
		}
	}
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

// ColumnExists reports whether table has column, in the current schema.
func ColumnExists(ctx context.Context, db bun.IDB, dialect Dialect, table, column string) (bool, error) {
	var q string
	switch dialect {
	case SQLite:
		q = "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?"
	case Postgres:
		q = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?"
	default:
		q = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?"
	}
	var n int
	if err := db.NewRaw(q, table, column).Scan(ctx, &n); err != nil {
		return false, fmt.Errorf("look up column %s.%s: %w", table, column, err)
	}
	return n > 0, nil
}

// DropColumn drops column from table if it is there, so that a migration
// that MySQL interrupted between two implicitly committed drops can run
// again.
func DropColumn(ctx context.Context, db bun.IDB, dialect Dialect, table, column string) error {
	ok, err := ColumnExists(ctx, db, dialect, table, column)
	if err != nil || !ok {
		return err
	}
	if _, err := db.ExecContext(ctx, "ALTER TABLE ? DROP COLUMN ?", bun.Ident(table), bun.Ident(column)); err != nil {
		return fmt.Errorf("drop column %s.%s: %w", table, column, err)
	}
	return nil
}
