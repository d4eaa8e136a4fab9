package account

import (
	"testing"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
)

func TestPrincipalCacheDropsALookupThatRacedAForget(t *testing.T) {
	now := time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)
	c := newPrincipalCache(5*time.Second, 10)
	p := auth.Principal{AccountID: 7, Role: account.RoleUser, Account: &account.Account{ID: 7}}
	gen := c.generation() // a lookup begins and reads the token before it is revoked
	c.forget(7)           // the revocation commits
	c.put(gen, "h", p, now, now.Add(time.Hour))
	if _, ok := c.get("h", now); ok {
		t.Fatal("a principal read before a revocation was cached after it")
	}
	c.put(c.generation(), "h", p, now, now.Add(time.Hour))
	if _, ok := c.get("h", now); !ok {
		t.Fatal("a fresh lookup was not cached")
	}
}

func TestPrincipalCacheIsBounded(t *testing.T) {
	now := time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)
	c := newPrincipalCache(5*time.Second, 2)
	p := auth.Principal{AccountID: 1, Account: &account.Account{ID: 1}}
	for _, h := range []string{"a", "b", "c"} {
		c.put(c.generation(), h, p, now, now.Add(time.Hour))
	}
	if len(c.entries) != 2 {
		t.Fatalf("%d entries, want the bound 2", len(c.entries))
	}
	later := now.Add(6 * time.Second) // a and b have expired: the sweep makes room
	c.put(c.generation(), "c", p, later, later.Add(time.Hour))
	if _, ok := c.get("c", later); !ok || len(c.entries) != 1 || len(c.byAccount[1]) != 1 {
		t.Fatalf("after the sweep: %d entries, %d indexed, c cached %v", len(c.entries), len(c.byAccount[1]), ok)
	}
	c.forget(1)
	if len(c.entries) != 0 || len(c.byAccount) != 0 {
		t.Fatalf("forget left %d entries, %d accounts", len(c.entries), len(c.byAccount))
	}
}

func TestNoPrincipalCacheWithoutTTL(t *testing.T) {
	var c *principalCache = newPrincipalCache(0, 10)
	c.put(c.generation(), "h", auth.Principal{Account: &account.Account{}}, time.Now(), time.Now().Add(time.Hour))
	if _, ok := c.get("h", time.Now()); ok || c != nil {
		t.Fatal("a zero TTL cached")
	}
	c.forget(1)
}
