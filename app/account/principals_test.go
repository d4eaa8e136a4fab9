package account_test

import (
	"testing"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
)

// cachedPolicy keeps what a token resolved to for 5 s.
func cachedPolicy() appaccount.Policy {
	p := appaccount.DefaultPolicy
	p.PrincipalTTL = 5 * time.Second
	return p
}

// replica is a second service on the same store and clock, as another
// replica of the service on the same database.
func (w *world) replica(p appaccount.Policy) *appaccount.Service {
	return appaccount.NewService(appaccount.Deps{
		UoW: w.db.unitOfWork(), Outbox: outbox{w.db}, Accounts: accounts{w.db}, Codes: codes{w.db}, Tokens: tokens{w.db},
		LoginClients: loginClients{w.db}, Sender: w.sender, Hasher: w.hasher, Random: w.random, Clock: w.clock,
	}, p)
}

func TestSignOutTakesEffectAtOnceOnTheReplicaThatRevoked(t *testing.T) {
	w := newWorld(cachedPolicy())
	pair := register(t, w, phone, "password123")
	if _, err := w.svc.Authenticate(ctx, pair.Access); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Destroy(ctx, pair.Access); err != nil {
		t.Fatal(err)
	}
	_, err := w.svc.Authenticate(ctx, pair.Access)
	wantUnauthenticated(t, err, "signed-out token on the replica that signed it out")
}

func TestReusedRefreshTokenRevokesAtOnceOnTheReplicaThatSawIt(t *testing.T) {
	w := newWorld(cachedPolicy())
	first := register(t, w, phone, "password123")
	second, err := w.svc.Refresh(ctx, first.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Authenticate(ctx, second.Access); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Refresh(ctx, first.Refresh); err == nil {
		t.Fatal("a reused refresh token was accepted")
	}
	_, err = w.svc.Authenticate(ctx, second.Access)
	wantUnauthenticated(t, err, "access token of the family revoked on this replica")
}

func TestSignOutOnAnotherReplicaTakesEffectWithinTheTTL(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ttl       time.Duration
		stillGood bool // accepted right after the other replica's sign-out
	}{
		{"cached for 5s", 5 * time.Second, true},
		{"not cached", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := appaccount.DefaultPolicy
			p.PrincipalTTL = tc.ttl
			w := newWorld(p)
			other := w.replica(p)
			pair := register(t, w, phone, "password123")
			if _, err := w.svc.Authenticate(ctx, pair.Access); err != nil {
				t.Fatal(err)
			}
			if err := other.Destroy(ctx, pair.Access); err != nil {
				t.Fatal(err)
			}
			_, err := w.svc.Authenticate(ctx, pair.Access)
			if tc.stillGood && err != nil {
				t.Fatalf("within the TTL: %v (the entry was not cached)", err)
			}
			if !tc.stillGood {
				wantUnauthenticated(t, err, "uncached token signed out on another replica")
			}
			w.clock.Advance(tc.ttl)
			_, err = w.svc.Authenticate(ctx, pair.Access)
			wantUnauthenticated(t, err, "token signed out on another replica, once the TTL has passed")
		})
	}
}

func TestCachedPrincipalNeverOutlivesItsToken(t *testing.T) {
	p := cachedPolicy()
	p.Tokens.AccessTTL = 3 * time.Second
	w := newWorld(p)
	pair := register(t, w, phone, "password123")
	w.clock.Advance(2 * time.Second)
	if _, err := w.svc.Authenticate(ctx, pair.Access); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Second)
	_, err := w.svc.Authenticate(ctx, pair.Access)
	wantUnauthenticated(t, err, "expired token that was cached")
}

func TestProfileChangeIsSeenAtOnceByTheNextRequest(t *testing.T) {
	w := newWorld(cachedPolicy())
	pair, p := signedIn(t, w, phone)
	if _, err := w.svc.UpdateInfo(auth.WithPrincipal(ctx, p), account.ProfileChange{Nickname: ptr("Ann")}); err != nil {
		t.Fatal(err)
	}
	again, err := w.svc.Authenticate(ctx, pair.Access)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.svc.Info(auth.WithPrincipal(ctx, again))
	if err != nil || a.Profile.Nickname != "Ann" {
		t.Fatalf("Info after the change = %q, %v; want Ann", a.Profile.Nickname, err)
	}
}

func TestCachedPrincipalsAreCopies(t *testing.T) {
	w := newWorld(cachedPolicy())
	pair, p := signedIn(t, w, phone)
	p.Account.Profile.Nickname = "changed by a caller"
	again, err := w.svc.Authenticate(ctx, pair.Access)
	if err != nil {
		t.Fatal(err)
	}
	if again.Account.Profile.Nickname == "changed by a caller" {
		t.Fatal("a caller's change to its principal's account reached the cache")
	}
}
