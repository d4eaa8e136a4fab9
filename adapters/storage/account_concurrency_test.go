package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/test/testenv"
)

// concurrentChanges is how many transactions race in the tests below.
const concurrentChanges = 16

// race runs fn in concurrentChanges units of work at once and fails the
// test on any error.
func race(t *testing.T, ctx context.Context, db *storage.DB, fn func(ctx context.Context) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, concurrentChanges)
	start := make(chan struct{})
	for range concurrentChanges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- db.Do(ctx, fn)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("transaction: %v", err)
		}
	}
}

// A wrong password is counted by reading the account in a unit of work
// (which locks its row) and then saving its client's count: concurrent
// wrong passwords must each count, or parallel guessing would slip past the
// lockout.
func TestAccountReadInAUnitOfWorkSerialisesChanges(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo, clients := storage.NewAccounts(db), storage.NewLoginClients(db)
		a := sampleAccount("ann@example.com")
		if err := repo.Create(ctx, &a); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		race(t, ctx, db, func(ctx context.Context) error {
			got, err := repo.ByID(ctx, a.ID)
			if err != nil {
				return err
			}
			c, err := clients.Get(ctx, got.ID, "203.0.113.7")
			if err != nil {
				return err
			}
			account.LockPolicy{}.Failed(&got, &c, 0, now)
			return clients.Save(ctx, c)
		})
		c, err := clients.Get(ctx, a.ID, "203.0.113.7")
		if err != nil {
			t.Fatal(err)
		}
		if c.Failures != concurrentChanges {
			t.Fatalf("%d concurrent failures counted as %d", concurrentChanges, c.Failures)
		}
	})
}

// Wrong guesses at a code are counted the same way; concurrent guesses must
// not buy more than account.MaxCodeAttempts tries.
func TestCodeReadInAUnitOfWorkSerialisesChanges(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewCodes(db)
		const key = "ann@example.com"
		c := account.Code{Key: key, Hash: account.HashCode(key, "123456"), CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		if err := repo.Create(ctx, &c); err != nil {
			t.Fatal(err)
		}
		race(t, ctx, db, func(ctx context.Context) error {
			got, err := repo.Latest(ctx, key)
			if err != nil {
				return err
			}
			got.Attempts++
			return repo.Update(ctx, got)
		})
		got, err := repo.Latest(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Attempts != concurrentChanges {
			t.Fatalf("%d concurrent guesses counted as %d", concurrentChanges, got.Attempts)
		}
	})
}
