// Package contract is the storage contract suite: the same tests run against
// SQLite always and against PostgreSQL and MySQL/MariaDB when they are
// available (see test/testenv). Each module adds its repository tests in a
// file of its own here, built on forEachBackend.
package contract

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

// forEachBackend runs fn as one parallel subtest per backend, each on a fresh,
// fully migrated database of its own.
func forEachBackend(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	eachBackend(t, true, fn)
}

// forEachEmptyBackend is forEachBackend without the migrations, for tests of
// the migrations themselves.
func forEachEmptyBackend(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	eachBackend(t, false, fn)
}

func eachBackend(t *testing.T, migrate bool, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t, b.URL(t))
			if migrate {
				if _, err := db.Migrate(context.Background()); err != nil {
					t.Fatalf("migrate: %v", err)
				}
			}
			fn(t, db)
		})
	}
}

// openDB opens url with the pool settings the service uses and closes it when
// the test ends.
func openDB(t *testing.T, url string) *storage.DB {
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
