package account_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/campushub/campushub/domain/account"
)

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		name    string
		pw      string
		wantErr string // part of the message; empty for a valid password
	}{
		{name: "eight characters", pw: "abcdefgh"},
		{name: "long passphrase", pw: "correct horse battery staple"},
		{name: "eight Chinese characters", pw: "密码密码密码密码"},
		{name: "72 bytes", pw: strings.Repeat("a", 72)},
		{name: "empty", pw: "", wantErr: "required"},
		{name: "seven characters", pw: "abcdefg", wantErr: "at least 8"},
		{name: "73 bytes", pw: strings.Repeat("a", 73), wantErr: "at most 72"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := account.CheckPassword(tc.pw)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckPassword: %v", err)
				}
				return
			}
			wantField(t, err, "password")
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("message %q does not say %q", err.Error(), tc.wantErr)
			}
		})
	}
}

func TestNewAccount(t *testing.T) {
	cases := []struct {
		name         string
		area, acct   string
		wantPhone    string
		wantEmail    string
		wantUsername string
		wantChannel  string
	}{
		{name: "phone", acct: "18656660930", wantPhone: "18656660930", wantUsername: "18656660930", wantChannel: "phone"},
		{name: "e-mail", acct: "Ann@Example.com", wantEmail: "ann@example.com", wantUsername: "ann@example.com", wantChannel: "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := account.ParseIdentifier(tc.area, tc.acct)
			if err != nil {
				t.Fatal(err)
			}
			a := account.New(id, account.RoleUser, "$2a$hash", "openid", t0)
			a.ID = 8
			if a.Phone != tc.wantPhone || a.Email != tc.wantEmail || a.Username != tc.wantUsername {
				t.Errorf("phone %q email %q username %q", a.Phone, a.Email, a.Username)
			}
			if !a.IsActive || a.Profile.Gender != account.GenderSecret || a.Key != id.Key() {
				t.Errorf("new account %+v: want active, gender secret, key %q", a, id.Key())
			}
			ev := a.Registered()
			if ev.FullType() != "campushub.account.registered" || ev.Topic() != "campushub.account.v1" || ev.AggregateID != "8" {
				t.Errorf("event %s on %s for %s", ev.FullType(), ev.Topic(), ev.AggregateID)
			}
			if ev.Payload["channel"] != tc.wantChannel {
				t.Errorf("channel = %v, want %s", ev.Payload["channel"], tc.wantChannel)
			}
			body, _ := json.Marshal(ev.Payload)
			if strings.Contains(string(body), "$2a$hash") || strings.Contains(string(body), "password") {
				t.Errorf("registered event leaks the password hash: %s", body)
			}
		})
	}
}
