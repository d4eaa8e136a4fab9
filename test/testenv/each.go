package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
)

// EachBackend runs fn as a parallel subtest, named after the backend, on a
// fresh migrated database of every backend: SQLite always, PostgreSQL and
// MySQL/MariaDB when available (otherwise their subtests skip with one line
// on how to enable them). The database is closed when the subtest ends.
func EachBackend(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	EachBackendURL(t, func(t *testing.T, url string) { fn(t, OpenDB(t, url)) })
}

// EachEmptyBackend is EachBackend without the migrations, for tests of the
// migrations themselves.
func EachEmptyBackend(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	EachBackendURL(t, func(t *testing.T, url string) { fn(t, OpenEmptyDB(t, url)) })
}

// EachBackendURL is EachBackend for tests that open the database themselves
// (a service binary, an HTTP harness): fn gets the DATABASE_URL of a fresh,
// empty database of its own.
func EachBackendURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.URL(t))
		})
	}
}

// OpenDB opens the database at url with the service's default pool
// settings, applies every migration and closes it when the test ends.
func OpenDB(t testing.TB, url string) *storage.DB {
	t.Helper()
	db := OpenEmptyDB(t, url)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", storage.Redact(url), err)
	}
	return db
}

// OpenEmptyDB is OpenDB without the migrations.
func OpenEmptyDB(t testing.TB, url string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), storage.Config{
		URL:             url,
		MaxOpenConns:    10,
		MaxIdleConns:    5,
		ConnMaxLifetime: time.Minute,
	})
	if err != nil {
		t.Fatalf("open %s: %v", storage.Redact(url), err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
