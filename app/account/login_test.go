package account_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/domain/account"
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
		if a, _ := w.accountByKey(phoneKey); a.FailedLogins != i {
			t.Fatalf("after %d wrong passwords the stored count is %d", i, a.FailedLogins)
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
	if want := start.Add(15 * time.Minute); !a.LockedUntil.Equal(want) {
		t.Fatalf("locked until %v, want %v", a.LockedUntil, want)
	}
	evs := w.events("login_locked")
	if len(evs) != 1 {
		t.Fatalf("%d login_locked events, want 1", len(evs))
	}
	body, _ := json.Marshal(evs[0].Payload)
	if strings.Contains(string(body), "wrong-password") || strings.Contains(string(body), a.PasswordHash) {
		t.Errorf("login_locked event leaks a secret: %s", body)
	}
	if evs[0].AggregateID != a.AggregateID() || evs[0].Payload["locked_until"] == nil {
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
	if a, _ := w.accountByKey(phoneKey); a.FailedLogins != 0 || !a.LockedUntil.IsZero() {
		t.Fatalf("after a successful login: failures %d, locked until %v", a.FailedLogins, a.LockedUntil)
	}
	if n := len(w.events("login_locked")); n != 1 {
		t.Fatalf("%d login_locked events, want still 1", n)
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
