package account_test

import (
	"testing"
	"time"

	"github.com/campushub/campushub/domain/account"
)

func TestTokenValid(t *testing.T) {
	exp := t0.Add(time.Hour)
	cases := []struct {
		name  string
		token account.Token
		at    time.Time
		want  bool
	}{
		{name: "fresh access token", token: account.Token{Kind: account.AccessToken, ExpiresAt: exp}, at: t0, want: true},
		{name: "access token a second before expiry", token: account.Token{Kind: account.AccessToken, ExpiresAt: exp}, at: exp.Add(-time.Second), want: true},
		{name: "access token at expiry", token: account.Token{Kind: account.AccessToken, ExpiresAt: exp}, at: exp, want: false},
		{name: "revoked access token", token: account.Token{Kind: account.AccessToken, ExpiresAt: exp, RevokedAt: t0}, at: t0, want: false},
		{name: "fresh refresh token", token: account.Token{Kind: account.RefreshToken, ExpiresAt: exp}, at: t0, want: true},
		{name: "used refresh token", token: account.Token{Kind: account.RefreshToken, ExpiresAt: exp, UsedAt: t0}, at: t0, want: false},
		{name: "revoked refresh token", token: account.Token{Kind: account.RefreshToken, ExpiresAt: exp, RevokedAt: t0}, at: t0, want: false},
		{name: "expired refresh token", token: account.Token{Kind: account.RefreshToken, ExpiresAt: exp}, at: exp.Add(time.Second), want: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.token.Valid(tc.at); got != tc.want {
				t.Errorf("Valid = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	const tok = "lRnCFDxpK6PhpT44YaaLMwHmvI97GCIQvxazlNSQC4XxjDBCAV"
	h := account.HashToken(tok)
	if len(h) != 64 || h == tok || h != account.HashToken(tok) || h == account.HashToken(tok+"x") {
		t.Fatalf("HashToken(%q) = %q: want a stable 64-hex digest distinct per token", tok, h)
	}
}
