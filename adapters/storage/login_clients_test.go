package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/test/testenv"
)

func TestLoginClientsRepository(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		accounts, repo := storage.NewAccounts(db), storage.NewLoginClients(db)
		a := sampleAccount("ann@example.com")
		if err := accounts.Create(ctx, &a); err != nil {
			t.Fatal(err)
		}
		now := at.Add(time.Hour)
		c, err := repo.Get(ctx, a.ID, "2001:db8:1:2::/64")
		if err != nil || c.AccountID != a.ID || c.Client != "2001:db8:1:2::/64" || c.Failures != 0 || !c.UpdatedAt.IsZero() {
			t.Fatalf("a client never seen: %+v, %v", c, err)
		}
		c.Failures, c.UpdatedAt = 4, now
		if err := repo.Save(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Failures, c.LockedUntil = 0, now.Add(15*time.Minute)
		if err := repo.Save(ctx, c); err != nil {
			t.Fatalf("saving again: %v", err)
		}
		got, err := repo.Get(ctx, a.ID, c.Client)
		if err != nil || got.Failures != 0 || !got.LockedUntil.Equal(c.LockedUntil) || !got.UpdatedAt.Equal(now) || !got.LastSuccess.IsZero() {
			t.Fatalf("read back %+v, %v; want %+v", got, err, c)
		}
		owner := account.LoginClient{AccountID: a.ID, Client: "198.51.100.1"}
		owner.Succeeded(now)
		if err := repo.Save(ctx, owner); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at   time.Time
			want int
		}{{now, 1}, {now.Add(15 * time.Minute), 0}} {
			if n, err := repo.CountLocked(ctx, a.ID, tc.at); err != nil || n != tc.want {
				t.Errorf("locked at %v: %d, %v; want %d", tc.at, n, err, tc.want)
			}
		}
		// An hour after the lock ended the locked client goes; the owner's
		// known client stays for account.KnownClientFor.
		if n, err := repo.Sweep(ctx, now.Add(time.Hour), 15*time.Minute); err != nil || n != 1 {
			t.Fatalf("swept %d, %v; want the one stale client", n, err)
		}
		if got, _ := repo.Get(ctx, a.ID, owner.Client); got.LastSuccess.IsZero() {
			t.Error("the owner's known client was swept")
		}
		if n, _ := repo.Sweep(ctx, now.Add(account.KnownClientFor+time.Hour), 15*time.Minute); n != 1 {
			t.Errorf("swept %d after KnownClientFor, want the owner's old client", n)
		}
	})
}
