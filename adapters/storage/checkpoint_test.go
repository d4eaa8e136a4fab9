package storage_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

// autocheckpoint is the wal_autocheckpoint setting of a pooled connection.
func autocheckpoint(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "PRAGMA wal_autocheckpoint").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackgroundCheckpointsTakeCheckpointsOffTheCommitPath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, storage.Config{URL: "sqlite:" + filepath.Join(dir, "bg.db"), CheckpointInBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if n := autocheckpoint(t, db); n != 0 {
		t.Fatalf("wal_autocheckpoint = %d on a database checkpointed in the background, want 0", n)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if _, err := db.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", strings.Repeat("x", 4000)); err != nil {
			t.Fatal(err)
		}
	}
	// The rows are in the WAL only: the database file grows once a
	// checkpoint copies them into it.
	file := filepath.Join(dir, "bg.db")
	size := func() int64 {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if n := size(); n >= 50*4000 {
		t.Fatalf("the database file holds %d bytes before any checkpoint: a commit checkpointed", n)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { db.RunCheckpoints(runCtx, slog.New(slog.NewTextHandler(io.Discard, nil))); close(done) }()
	testenv.WaitFor(t, 30*time.Second, "a background checkpoint to copy the WAL into the database file", func() bool { return size() >= 50*4000 })
	stop()
	<-done

	plain, err := storage.Open(ctx, storage.Config{URL: "sqlite:" + filepath.Join(dir, "plain.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = plain.Close() })
	if n := autocheckpoint(t, plain); n != 1000 {
		t.Fatalf("wal_autocheckpoint = %d on a database opened without background checkpoints, want SQLite's 1000", n)
	}
	returned := make(chan struct{})
	go func() { plain.RunCheckpoints(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); close(returned) }()
	select {
	case <-returned:
	case <-time.After(30 * time.Second):
		t.Fatal("RunCheckpoints kept running for a database whose commits checkpoint themselves")
	}
}
