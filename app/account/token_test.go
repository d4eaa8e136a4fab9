package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

func wantUnauthenticated(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, shared.ErrUnauthenticated) {
		t.Fatalf("%s: err = %v, want unauthenticated", what, err)
	}
}

func TestRefreshRotates(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	first := register(t, w, phone, "password123")
	w.clock.Advance(time.Hour)
	second, err := w.svc.Refresh(ctx, first.Refresh)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if second.Access == first.Access || second.Refresh == first.Refresh {
		t.Fatal("refresh returned an old token")
	}
	if !second.ExpiresAt.Equal(start.Add(time.Hour + 7*24*time.Hour)) {
		t.Errorf("new access token expires at %v", second.ExpiresAt)
	}
	if _, err := w.svc.Authenticate(ctx, second.Access); err != nil {
		t.Fatalf("new access token: %v", err)
	}
	third, err := w.svc.Refresh(ctx, second.Refresh)
	if err != nil {
		t.Fatalf("refreshing the rotated token: %v", err)
	}
	if _, err := w.svc.Authenticate(ctx, third.Access); err != nil {
		t.Fatalf("third access token: %v", err)
	}
}

func TestRefreshReuseRevokesTheFamily(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	first := register(t, w, phone, "password123")
	second, err := w.svc.Refresh(ctx, first.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	other, err := w.svc.Login(ctx, "", phone, "password123")
	if err != nil {
		t.Fatal(err)
	}

	_, err = w.svc.Refresh(ctx, first.Refresh)
	wantUnauthenticated(t, err, "replayed refresh token")
	if !strings.Contains(err.Error(), "already used") {
		t.Errorf("message %q does not say the token was already used", err)
	}
	_, err = w.svc.Authenticate(ctx, second.Access)
	wantUnauthenticated(t, err, "access token of the revoked family")
	_, err = w.svc.Authenticate(ctx, first.Access)
	wantUnauthenticated(t, err, "first access token of the revoked family")
	_, err = w.svc.Refresh(ctx, second.Refresh)
	wantUnauthenticated(t, err, "refresh token of the revoked family")
	if _, err := w.svc.Authenticate(ctx, other.Access); err != nil {
		t.Fatalf("another sign-in was revoked too: %v", err)
	}
}

func TestRefreshRejects(t *testing.T) {
	cases := []struct {
		name      string
		token     func(p account.Pair) string
		advance   time.Duration
		wantField string
	}{
		{name: "unknown token", token: func(account.Pair) string { return strings.Repeat("A", 50) }},
		{name: "access token", token: func(p account.Pair) string { return p.Access }},
		{name: "expired refresh token", token: func(p account.Pair) string { return p.Refresh }, advance: 30*24*time.Hour + time.Second},
		{name: "refresh token at its expiry", token: func(p account.Pair) string { return p.Refresh }, advance: 30 * 24 * time.Hour},
		{name: "empty token", token: func(account.Pair) string { return "" }, wantField: "refresh_token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(appaccount.DefaultPolicy)
			p := register(t, w, phone, "password123")
			w.clock.Advance(tc.advance)
			_, err := w.svc.Refresh(ctx, tc.token(p))
			if tc.wantField != "" {
				wantInvalidField(t, err, tc.wantField)
				return
			}
			wantUnauthenticated(t, err, tc.name)
		})
	}
}

func TestDestroyRevokesTheSession(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	p := register(t, w, phone, "password123")
	other, err := w.svc.Login(ctx, "", phone, "password123")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Destroy(ctx, p.Access); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	_, err = w.svc.Authenticate(ctx, p.Access)
	wantUnauthenticated(t, err, "destroyed access token")
	_, err = w.svc.Refresh(ctx, p.Refresh)
	wantUnauthenticated(t, err, "refresh token of a destroyed session")
	if _, err := w.svc.Authenticate(ctx, other.Access); err != nil {
		t.Fatalf("destroy signed out another session: %v", err)
	}
	wantUnauthenticated(t, w.svc.Destroy(ctx, "no-such-token"), "destroying an unknown token")
}

func TestAuthenticate(t *testing.T) {
	cases := []struct {
		name    string
		token   func(p account.Pair) string
		advance time.Duration
		ok      bool
	}{
		{name: "access token", token: func(p account.Pair) string { return p.Access }, ok: true},
		{name: "access token a second before expiry", token: func(p account.Pair) string { return p.Access }, advance: 7*24*time.Hour - time.Second, ok: true},
		{name: "expired access token", token: func(p account.Pair) string { return p.Access }, advance: 7 * 24 * time.Hour},
		{name: "refresh token", token: func(p account.Pair) string { return p.Refresh }},
		{name: "unknown token", token: func(account.Pair) string { return strings.Repeat("A", 50) }},
		{name: "empty token", token: func(account.Pair) string { return "" }},
		{name: "overlong token", token: func(account.Pair) string { return strings.Repeat("A", 201) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(appaccount.DefaultPolicy)
			p := register(t, w, phone, "password123")
			w.clock.Advance(tc.advance)
			calls := w.hasher.calls.Load()
			principal, err := w.svc.Authenticate(ctx, tc.token(p))
			if tc.ok {
				if err != nil || principal.AccountID == 0 {
					t.Fatalf("Authenticate = %+v, %v", principal, err)
				}
			} else {
				wantUnauthenticated(t, err, tc.name)
			}
			if n := w.hasher.calls.Load() - calls; n != 0 {
				t.Fatalf("Authenticate called the password hasher %d times", n)
			}
		})
	}
}
