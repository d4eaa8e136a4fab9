package contract

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/console"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

func TestConsoleSessionsAndOverview(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
		sessions := storage.NewConsoleSessions(db)
		live := console.Session{IDHash: console.HashID("live"), Kind: console.KindManager, AccountID: 7, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		old := console.Session{IDHash: console.HashID("old"), Kind: console.KindOrg, OrgID: 3, OrgTokenID: 9, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
		for _, s := range []console.Session{live, old} {
			if err := sessions.Create(ctx, s); err != nil {
				t.Fatalf("create session: %v", err)
			}
		}
		got, err := sessions.ByHash(ctx, old.IDHash)
		if err != nil || got != old {
			t.Fatalf("read back %+v, %v; want %+v", got, err, old)
		}
		if n, err := sessions.DeleteExpired(ctx, now); n != 1 || err != nil {
			t.Fatalf("DeleteExpired: %d %v", n, err)
		}
		if _, err := sessions.ByHash(ctx, old.IDHash); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("expired session still there: %v", err)
		}
		if err := sessions.Delete(ctx, live.IDHash); err != nil {
			t.Fatal(err)
		}
		if _, err := sessions.ByHash(ctx, live.IDHash); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("deleted session still there: %v", err)
		}
		if err := sessions.Delete(ctx, live.IDHash); err != nil {
			t.Fatalf("deleting twice: %v", err)
		}

		o, err := storage.NewConsoleStats(db).Overview(ctx, now)
		if err != nil {
			t.Fatalf("overview on an empty database: %v", err)
		}
		if o.Users != 0 || o.OutboxBacklog != 0 || !o.OutboxOldest.IsZero() {
			t.Fatalf("overview of an empty database: %+v", o)
		}
		err = db.Do(ctx, func(ctx context.Context) error {
			return storage.NewOutbox(db).Append(ctx,
				shared.NewEvent("test", "first", "a:1", now, map[string]any{"n": 1}),
				shared.NewEvent("test", "second", "a:1", now.Add(time.Minute), map[string]any{"n": 2}))
		})
		if err != nil {
			t.Fatal(err)
		}
		o, err = storage.NewConsoleStats(db).Overview(ctx, now)
		if err != nil || o.OutboxBacklog != 2 || !o.OutboxOldest.Equal(now.Truncate(time.Microsecond)) {
			t.Fatalf("overview with two waiting events: %+v, %v", o, err)
		}
	})
}
