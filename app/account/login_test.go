package account_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

func TestLogin(t *testing.T) {
	cases := []struct {
		name      string
		account   string
		password  string
		wantErr   error
		wantField string
	}{
		{name: "right password", account: phone, password: "password123"},
		{name: "right password with area", account: phone, password: "password123"},
		{name: "unknown account", account: "13800000000", password: "password123", wantErr: account.ErrNotRegistered},
		{name: "wrong password", account: phone, password: "password124", wantErr: account.ErrWrongPassword},
		{name: "missing password", account: phone, password: "", wantField: "password"},
		{name: "bad account", account: "12", password: "password123", wantField: "account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(appaccount.DefaultPolicy)
			register(t, w, phone, "password123")
			pair, err := w.svc.Login(ctx, "86", tc.account, tc.password)
			switch {
			case tc.wantField != "":
				wantInvalidField(t, err, tc.wantField)
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			default:
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				if _, err := w.svc.Authenticate(ctx, pair.Access); err != nil {
					t.Fatalf("the new access token does not authenticate: %v", err)
				}
			}
		})
	}
}

func TestLoginEmailIgnoresCase(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	register(t, w, "ann@example.com", "password123")
	if _, err := w.svc.Login(ctx, "", "Ann@Example.COM", "password123"); err != nil {
		t.Fatalf("login with the e-mail in another case: %v", err)
	}
}

func TestLoginWrongPasswordIsCounted(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	register(t, w, phone, "password123")
	for i := 1; i <= 3; i++ {
		if _, err := w.svc.Login(ctx, "", phone, "wrong-password"); !errors.Is(err, account.ErrWrongPassword) {
			t.Fatalf("try %d: %v", i, err)
		}
		a, _ := w.accountByKey(phoneKey)
		if c, _ := (loginClients{w.db}).Get(ctx, a.ID, "unknown"); c.Failures != i {
			t.Fatalf("after %d wrong passwords the client's stored count is %d", i, c.Failures)
		}
	}
}

func TestLoginLockout(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	register(t, w, phone, "password123")
	for i := 1; i < 5; i++ {
		if _, err := w.svc.Login(ctx, "", phone, "wrong-password"); !errors.Is(err, account.ErrWrongPassword) {
			t.Fatalf("wrong try %d: %v", i, err)
		}
	}
	_, err := w.svc.Login(ctx, "", phone, "wrong-password")
	if !errors.Is(err, account.ErrLocked) {
		t.Fatalf("fifth wrong try: err = %v, want locked", err)
	}
	a, _ := w.accountByKey(phoneKey)
	if c, _ := (loginClients{w.db}).Get(ctx, a.ID, "unknown"); !c.LockedUntil.Equal(start.Add(15 * time.Minute)) {
		t.Fatalf("client locked until %v, want %v", c.LockedUntil, start.Add(15*time.Minute))
	}
	if a.Locked(start) {
		t.Fatal("one client's wrong passwords locked the whole account")
	}
	evs := w.events("login_locked")
	if len(evs) != 1 {
		t.Fatalf("%d login_locked events, want 1", len(evs))
	}
	body, _ := json.Marshal(evs[0].Payload)
	if strings.Contains(string(body), "wrong-password") || strings.Contains(string(body), a.PasswordHash) {
		t.Errorf("login_locked event leaks a secret: %s", body)
	}
	if evs[0].AggregateID != a.AggregateID() || evs[0].Payload["locked_until"] == nil || evs[0].Payload["scope"] != "client" {
		t.Errorf("login_locked event %+v", evs[0])
	}

	steps := []struct {
		name     string
		advance  time.Duration
		password string
		wantErr  error
	}{
		{name: "right password while locked", password: "password123", wantErr: account.ErrLocked},
		{name: "wrong password while locked", advance: 10 * time.Minute, password: "wrong-password", wantErr: account.ErrLocked},
		{name: "right password a second before the lock ends", advance: 5*time.Minute - time.Second, password: "password123", wantErr: account.ErrLocked},
		{name: "right password when the lock ends", advance: time.Second, password: "password123"},
	}
	for _, s := range steps {
		w.clock.Advance(s.advance)
		_, err := w.svc.Login(ctx, "", phone, s.password)
		if s.wantErr == nil && err != nil || s.wantErr != nil && !errors.Is(err, s.wantErr) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
	}
	if c, _ := (loginClients{w.db}).Get(ctx, a.ID, "unknown"); c.Failures != 0 || !c.LockedUntil.IsZero() || c.LastSuccess.IsZero() {
		t.Fatalf("after a successful login: %+v", c)
	}
	if n := len(w.events("login_locked")); n != 1 {
		t.Fatalf("%d login_locked events, want still 1", n)
	}
}

func TestLoginOwnerGetsInWhileAnotherClientIsLockedOut(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	register(t, w, phone, "password123")
	attacker := auth.WithClient(ctx, "203.0.113.7")
	owner := auth.WithClient(ctx, "198.51.100.1")
	for i := range 5 {
		_, err := w.svc.Login(attacker, "", phone, "guess")
		if i < 4 && !errors.Is(err, account.ErrWrongPassword) || i == 4 && !errors.Is(err, account.ErrLocked) {
			t.Fatalf("attacker's try %d: %v", i+1, err)
		}
	}
	if _, err := w.svc.Login(attacker, "", phone, "password123"); !errors.Is(err, account.ErrLocked) || shared.RetryAfterOf(err) <= 0 {
		t.Fatalf("the locked-out client with the right password: %v, want locked with a wait", err)
	}
	if _, err := w.svc.Login(owner, "", phone, "password123"); err != nil {
		t.Fatalf("the owner from another client: %v", err)
	}
}

func TestLoginAccountLockSparesKnownClients(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy) // MaxClients 3
	register(t, w, phone, "password123")
	owner := auth.WithClient(ctx, "198.51.100.1")
	if _, err := w.svc.Login(owner, "", phone, "password123"); err != nil {
		t.Fatal(err)
	}
	for n := range 3 {
		bot := auth.WithClient(ctx, fmt.Sprintf("203.0.113.%d", n+1))
		for range 5 {
			_, _ = w.svc.Login(bot, "", phone, "guess")
		}
	}
	a, _ := w.accountByKey(phoneKey)
	if !a.Locked(w.clock.Now()) {
		t.Fatal("three clients locked out did not lock the account")
	}
	var scopes []any
	for _, e := range w.events("login_locked") {
		scopes = append(scopes, e.Payload["scope"])
	}
	if len(scopes) != 4 || scopes[3] != "account" {
		t.Fatalf("login_locked scopes %v, want three client locks and one account lock", scopes)
	}
	if _, err := w.svc.Login(auth.WithClient(ctx, "192.0.2.9"), "", phone, "password123"); !errors.Is(err, account.ErrLocked) {
		t.Errorf("a client the account does not know got in during the account lock: %v", err)
	}
	if _, err := w.svc.Login(owner, "", phone, "password123"); err != nil {
		t.Errorf("the owner's known client was refused during the account lock: %v", err)
	}
}

func TestLoginSuccessResetsTheFailureCount(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	register(t, w, phone, "password123")
	for round := 0; round < 3; round++ {
		for i := 0; i < 4; i++ {
			if _, err := w.svc.Login(ctx, "", phone, "wrong-password"); !errors.Is(err, account.ErrWrongPassword) {
				t.Fatalf("round %d try %d: %v", round, i+1, err)
			}
		}
		if _, err := w.svc.Login(ctx, "", phone, "password123"); err != nil {
			t.Fatalf("round %d: right password: %v", round, err)
		}
	}
}

func TestLoginInactiveAccount(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	pair := register(t, w, phone, "password123")
	a, _ := w.accountByKey(phoneKey)
	a.IsActive = false
	if err := (accounts{w.db}).Update(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Login(ctx, "", phone, "password123"); !errors.Is(err, account.ErrInactive) {
		t.Fatalf("login of a disabled account: %v", err)
	}
	if _, err := w.svc.Authenticate(ctx, pair.Access); err == nil {
		t.Fatal("a disabled account's token still authenticates")
	}
}
