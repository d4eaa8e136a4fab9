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

// register sends a code to acct and registers it with pw.
func register(t *testing.T, w *world, acct, pw string) account.Pair {
	t.Helper()
	if err := w.svc.SendCode(ctx, "", acct); err != nil {
		t.Fatalf("send code: %v", err)
	}
	p, err := w.svc.Register(ctx, "", acct, w.sender.last(), pw)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return p
}

func TestRegister(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatal(err)
	}
	code := w.sender.last()
	pair, err := w.svc.Register(ctx, "86", phone, code, "password123")
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if len(pair.Access) != account.TokenLength || len(pair.Refresh) != account.TokenLength || pair.Access == pair.Refresh {
		t.Errorf("pair %+v: want two distinct %d-character tokens", pair, account.TokenLength)
	}
	if pair.ExpiresIn != 7*24*time.Hour || !pair.ExpiresAt.Equal(start.Add(7*24*time.Hour)) {
		t.Errorf("expires in %v at %v", pair.ExpiresIn, pair.ExpiresAt)
	}

	a, ok := w.accountByKey(phoneKey)
	if !ok {
		t.Fatal("account not stored")
	}
	if a.Role != account.RoleUser || a.Phone != phone || a.Area != "86" || a.PasswordHash != "hashed:password123" || a.OpenID == "" {
		t.Errorf("stored account %+v", a)
	}
	if c := w.codesFor(phoneKey)[0]; c.ConsumedAt.IsZero() {
		t.Error("code not consumed")
	}
	if err := w.svc.CheckCode(ctx, "", phone, code); !errors.Is(err, account.ErrInvalidCode) {
		t.Errorf("the used code still checks: %v", err)
	}

	p, err := w.svc.Authenticate(ctx, pair.Access)
	if err != nil || p.AccountID != a.ID || p.Role != account.RoleUser {
		t.Errorf("Authenticate(access) = %+v, %v", p, err)
	}

	evs := w.events("registered")
	if len(evs) != 1 {
		t.Fatalf("%d registered events, want 1", len(evs))
	}
	ev := evs[0]
	if ev.Module != "account" || ev.AggregateID != a.AggregateID() || ev.Payload["account_id"] != a.ID {
		t.Errorf("event %+v", ev)
	}
	body, err := json.Marshal(ev.Payload)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"password123", a.PasswordHash, code, pair.Access, pair.Refresh, account.HashToken(pair.Access)} {
		if strings.Contains(string(body), secret) {
			t.Errorf("registered event holds a secret %q: %s", secret, body)
		}
	}
	for _, k := range []string{"password", "password_hash", "code", "token", "access_token", "refresh_token"} {
		if _, ok := ev.Payload[k]; ok {
			t.Errorf("registered event has a %q field", k)
		}
	}
}

func TestRegisterRejects(t *testing.T) {
	cases := []struct {
		name      string
		existing  bool
		code      func(sent string) string
		password  string
		wantErr   error
		wantField string
	}{
		{name: "existing account", existing: true, code: func(s string) string { return s }, password: "password123", wantErr: account.ErrAlreadyRegistered},
		{name: "existing account with a wrong code", existing: true, code: func(string) string { return "000000" }, password: "password123", wantErr: account.ErrAlreadyRegistered},
		{name: "wrong code", code: func(string) string { return "000000" }, password: "password123", wantErr: account.ErrInvalidCode},
		{name: "missing code", code: func(string) string { return "" }, password: "password123", wantField: "code"},
		{name: "short password", code: func(s string) string { return s }, password: "short", wantField: "password"},
		{name: "missing password", code: func(s string) string { return s }, password: "", wantField: "password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(appaccount.DefaultPolicy)
			if tc.existing {
				register(t, w, phone, "password123")
				w.clock.Advance(time.Minute)
			}
			if err := w.svc.SendCode(ctx, "", phone); err != nil {
				t.Fatal(err)
			}
			before := len(w.events("registered"))
			_, err := w.svc.Register(ctx, "", phone, tc.code(w.sender.last()), tc.password)
			if tc.wantField != "" {
				wantInvalidField(t, err, tc.wantField)
			} else if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got := len(w.events("registered")); got != before {
				t.Errorf("a refused registration appended an event")
			}
			if _, ok := w.accountByKey(phoneKey); ok != tc.existing {
				t.Errorf("account exists = %v after a refused registration", ok)
			}
		})
	}
}

func TestRegisterWrongCodeCountsTheTry(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Register(ctx, "", phone, "000000", "password123"); !errors.Is(err, account.ErrInvalidCode) {
		t.Fatalf("err = %v", err)
	}
	if c := w.codesFor(phoneKey)[0]; c.Attempts != 1 || !c.ConsumedAt.IsZero() {
		t.Fatalf("code after a wrong register: attempts %d, consumed %v", c.Attempts, c.ConsumedAt)
	}
}

func TestCreateManager(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	m, err := w.svc.CreateManager(ctx, "manager@example.com", "password123")
	if err != nil {
		t.Fatalf("CreateManager: %v", err)
	}
	if m.Role != account.RoleManager || m.ID == 0 {
		t.Fatalf("manager %+v", m)
	}
	if _, err := w.svc.CreateManager(ctx, "manager@example.com", "password123"); !errors.Is(err, account.ErrAlreadyRegistered) {
		t.Fatalf("second CreateManager: %v", err)
	}
	pair, err := w.svc.Login(ctx, "", "manager@example.com", "password123")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := w.svc.Authenticate(ctx, pair.Access); err != nil || !p.IsManager() {
		t.Fatalf("manager principal %+v, %v", p, err)
	}
}
