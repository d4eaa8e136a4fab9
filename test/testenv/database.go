package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// enableHint is the one line a skipped suite prints.
const enableHint = "start services with `make services-up && source .services/env`, or run a Docker engine"

// Backend is one database the storage suites run against.
type Backend struct {
	// Name is "sqlite", "postgres" or "mysql"; suites use it as the subtest name.
	Name string
	// URL returns a DATABASE_URL of a fresh, empty database owned by the
	// calling test, or skips the test when the backend is not available.
	URL func(t testing.TB) string
}

// Backends lists every backend a storage suite should run against: SQLite
// always, PostgreSQL and MySQL/MariaDB when configured or when Docker runs
// (otherwise their URL skips with one line on how to enable them).
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", URL: SQLiteURL},
		{Name: "postgres", URL: PostgresURL},
		{Name: "mysql", URL: MySQLURL},
	}
}

// SQLiteURL returns a DATABASE_URL of a new SQLite file in the test's
// temporary directory.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "campushub.db")
}

// server is a service the tests share (a database server's admin URL, a
// broker's addresses), found once per test binary from the environment or
// a container.
type server[T any] struct {
	once sync.Once
	at   T      // where it answers; zero when unavailable
	skip string // why the server is unavailable
	err  error  // the server should be there but is broken
}

// get resolves the server once with find and returns where it answers,
// skipping or failing t as appropriate.
func (s *server[T]) get(t testing.TB, find func() (at T, skip string, err error)) T {
	t.Helper()
	s.once.Do(func() { s.at, s.skip, s.err = find() })
	switch {
	case s.err != nil:
		t.Fatalf("testenv: %v", s.err)
	case s.skip != "":
		t.Skip(s.skip)
	}
	return s.at
}

// uniqueName returns a database name no other test uses.
func uniqueName() string {
	// Lower case: PostgreSQL folds unquoted identifiers.
	return "campushub_test_" + strings.ToLower(rand.Text())
}

// withDatabase returns rawURL with its path replaced by the database name.
func withDatabase(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropFunc drops the database name through the admin connection db.
type dropFunc func(ctx context.Context, db *sql.DB, name string) error

// freshDatabase creates a uniquely named database through admin, drops it
// with drop when the test ends, and returns its DATABASE_URL.
func freshDatabase(t testing.TB, adminURL string, open func(string) (*sql.DB, error), create string, drop dropFunc) string {
	t.Helper()
	name := uniqueName()
	db, err := open(adminURL)
	if err != nil {
		t.Fatalf("testenv: open admin connection: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, fmt.Sprintf(create, name)); err != nil {
		_ = db.Close()
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := drop(ctx, db, name); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})
	u, err := withDatabase(adminURL, name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return u
}
