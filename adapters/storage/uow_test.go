package storage_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

// TestOutboxCommitListeners checks when OnOutboxCommit listeners hear of
// an append: once per committed unit of work that appended, at once for an
// append outside one, never for a rollback or a unit that appended nothing.
func TestOutboxCommitListeners(t *testing.T) {
	db := testenv.OpenDB(t, testenv.SQLiteURL(t))
	var heard atomic.Int32
	db.OnOutboxCommit(func() { heard.Add(1) })
	out := storage.NewOutbox(db)
	ev := shared.NewEvent("account", "updated", "a", time.Now(), nil)
	appendIn := func(ctx context.Context) error { return out.Append(ctx, ev, ev) }
	boom := errors.New("boom")
	ctx := context.Background()
	cases := []struct {
		name string
		run  func() error
		want int32
	}{
		{"a commit that appended", func() error { return db.Do(ctx, appendIn) }, 1},
		{"a commit that appended nothing", func() error { return db.Do(ctx, func(context.Context) error { return nil }) }, 0},
		{"a rollback", func() error {
			err := db.Do(ctx, func(ctx context.Context) error {
				if err := appendIn(ctx); err != nil {
					return err
				}
				return boom
			})
			if errors.Is(err, boom) {
				return nil
			}
			return err
		}, 0},
		{"two appends in one unit", func() error {
			return db.Do(ctx, func(ctx context.Context) error {
				if err := appendIn(ctx); err != nil {
					return err
				}
				return appendIn(ctx)
			})
		}, 1},
		{"an append in a nested unit, heard at the outer commit", func() error {
			return db.Do(ctx, func(ctx context.Context) error {
				if err := db.Do(ctx, appendIn); err != nil {
					return err
				}
				if heard.Load() != 0 {
					t.Error("heard of the append before the outer unit committed")
				}
				return nil
			})
		}, 1},
		{"an append outside a unit of work", func() error { return appendIn(ctx) }, 1},
		{"an empty append", func() error { return db.Do(ctx, func(ctx context.Context) error { return out.Append(ctx) }) }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			heard.Store(0)
			if err := tc.run(); err != nil {
				t.Fatal(err)
			}
			if got := heard.Load(); got != tc.want {
				t.Fatalf("listener called %d times, want %d", got, tc.want)
			}
		})
	}
}
