package testenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
	"github.com/uptrace/bun/driver/pgdriver"
)

// PostgresImage is the official image started when no server is configured.
const PostgresImage = "postgres:17.5-alpine"

var postgres server[string]

// PostgresURL returns a DATABASE_URL (postgres://…) of a fresh database that
// is dropped when the test ends. The server comes from
// CAMPUSHUB_TEST_POSTGRES_DSN, else from a container shared by the test
// binary; without either the test is skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := postgres.get(t, findPostgres)
	return freshDatabase(t, admin, openPostgres, `CREATE DATABASE %s`, dropPostgres)
}

// dropPostgres drops a test database with the rights the test role has:
// CREATEDB, not pg_signal_backend, so `DROP … WITH (FORCE)` is not an
// option when a session of another role (an autovacuum worker, say) is in
// it. It ends the sessions the role itself left open, then drops, and
// tries again while the server still reports other sessions (SQLSTATE
// 55006), until ctx ends.
func dropPostgres(ctx context.Context, db *sql.DB, name string) error {
	for {
		_, err := db.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()`, name)
		if err == nil {
			_, err = db.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s`, name))
		}
		var pgErr pgdriver.Error
		if err == nil || !errors.As(err, &pgErr) || pgErr.Field('C') != "55006" {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func openPostgres(dsn string) (*sql.DB, error) {
	return sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn))), nil
}

func findPostgres() (admin, skip string, err error) {
	if dsn := os.Getenv("CAMPUSHUB_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn, "", nil
	}
	if !DockerAvailable() {
		return "", "PostgreSQL suites skipped: set CAMPUSHUB_TEST_POSTGRES_DSN (" + enableHint + ")", nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The container outlives this call on purpose: every test of the binary
	// shares it, and the testcontainers reaper removes it when the binary exits.
	c, err := tcpostgres.Run(ctx, PostgresImage,
		tcpostgres.WithDatabase("campushub"),
		tcpostgres.WithUsername("campushub"),
		tcpostgres.WithPassword("campushub"),
		tcpostgres.BasicWaitStrategies(),
		testcontainers.WithCmd("postgres", "-c", "fsync=off", "-c", "max_connections=400"),
	)
	if err != nil {
		return "", "", fmt.Errorf("start %s: %w", PostgresImage, err)
	}
	dsn, err := c.ConnectionString(ctx, "sslmode=disable")
	if err != nil {
		return "", "", fmt.Errorf("address of %s: %w", PostgresImage, err)
	}
	return dsn, "", nil
}
