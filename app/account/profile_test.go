package account_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
)

func ptr[T any](v T) *T { return &v }

// signedIn registers a user and returns a context carrying the principal, as
// the auth middleware leaves it.
func signedIn(t *testing.T, w *world, acct string) (account.Pair, auth.Principal) {
	t.Helper()
	pair := register(t, w, acct, "password123")
	p, err := w.svc.Authenticate(ctx, pair.Access)
	if err != nil {
		t.Fatal(err)
	}
	return pair, p
}

func TestInfoReturnsTheCallersOwnAccount(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	_, ann := signedIn(t, w, "ann@example.com")
	_, bob := signedIn(t, w, phone)
	for _, p := range []auth.Principal{ann, bob} {
		a, err := w.svc.Info(auth.WithPrincipal(ctx, p))
		if err != nil || a.ID != p.AccountID {
			t.Fatalf("Info for %d = %d, %v", p.AccountID, a.ID, err)
		}
	}
	if _, err := w.svc.Info(ctx); !errors.Is(err, auth.ErrMissingToken) {
		t.Fatalf("Info without a caller: %v", err)
	}
}

func TestInfoReadsTheAccountOncePerRequest(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	pair := register(t, w, phone, "password123")
	reads := func() int {
		w.db.mu.Lock()
		defer w.db.mu.Unlock()
		return w.db.byIDReads
	}

	// One authenticated request: the token check reads the account, and
	// Info answers with that row.
	before := reads()
	p, err := w.svc.Authenticate(ctx, pair.Access)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.svc.Info(auth.WithPrincipal(ctx, p))
	if err != nil || a.ID != p.AccountID || a.Key != phoneKey {
		t.Fatalf("Info = %+v, %v", a, err)
	}
	if n := reads() - before; n != 1 {
		t.Fatalf("account read %d times for one authenticated Info, want 1", n)
	}

	// A principal without the row (another authenticator) still gets the
	// stored account, and so does one whose row is not its own.
	stored, _ := w.accountByKey(phoneKey)
	other := stored
	other.ID++
	for _, q := range []auth.Principal{{AccountID: p.AccountID, Role: p.Role}, {AccountID: p.AccountID, Role: p.Role, Account: &other}} {
		before = reads()
		a, err = w.svc.Info(auth.WithPrincipal(ctx, q))
		if err != nil || a.ID != p.AccountID || a.Key != phoneKey {
			t.Fatalf("Info without a loaded row = %+v, %v", a, err)
		}
		if n := reads() - before; n != 1 {
			t.Fatalf("account read %d times without a loaded row, want 1", n)
		}
	}

	// Revocation still takes effect on the next request: nothing is kept
	// between requests.
	if err := w.svc.Destroy(ctx, pair.Access); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Authenticate(ctx, pair.Access); err == nil {
		t.Fatal("a revoked token still authenticates")
	}
}

func TestUpdateInfo(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	_, p := signedIn(t, w, phone)
	_, other := signedIn(t, w, "ann@example.com")
	cctx := auth.WithPrincipal(ctx, p)
	w.clock.Advance(time.Hour)

	a, err := w.svc.UpdateInfo(cctx, account.ProfileChange{Nickname: ptr("小明"), Gender: ptr(1), Birthday: ptr("1991-03-08")})
	if err != nil {
		t.Fatalf("UpdateInfo: %v", err)
	}
	if a.Profile.Nickname != "小明" || a.Profile.Gender != account.GenderMale || !a.UpdatedAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("returned account %+v", a)
	}
	stored, _ := w.accountByKey(phoneKey)
	if stored.Profile != a.Profile {
		t.Fatalf("stored profile %+v, returned %+v", stored.Profile, a.Profile)
	}
	evs := w.events("profile_updated")
	if len(evs) != 1 || !slices.Equal(evs[0].Payload["fields"].([]string), []string{"nickname", "gender", "birthday"}) {
		t.Fatalf("profile_updated events %+v", evs)
	}
	if o, _ := w.accountByKey("ann@example.com"); o.ID != other.AccountID || o.Profile.Nickname != "" {
		t.Fatalf("another user's profile changed: %+v", o.Profile)
	}

	if _, err := w.svc.UpdateInfo(cctx, account.ProfileChange{Nickname: ptr("小明")}); err != nil {
		t.Fatal(err)
	}
	if n := len(w.events("profile_updated")); n != 1 {
		t.Fatalf("an unchanged profile appended an event (%d events)", n)
	}

	_, err = w.svc.UpdateInfo(cctx, account.ProfileChange{Nickname: ptr("other"), Gender: ptr(5)})
	wantInvalidField(t, err, "gender")
	if s, _ := w.accountByKey(phoneKey); s.Profile.Nickname != "小明" {
		t.Fatalf("a rejected change was half-written: %+v", s.Profile)
	}
	if _, err := w.svc.UpdateInfo(ctx, account.ProfileChange{}); !errors.Is(err, auth.ErrMissingToken) {
		t.Fatalf("UpdateInfo without a caller: %v", err)
	}
}
