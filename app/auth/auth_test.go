package auth

import (
	"context"
	"errors"
	"testing"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

type tokens map[string]Principal

func (ts tokens) Authenticate(_ context.Context, tok string) (Principal, error) {
	p, ok := ts[tok]
	if !ok {
		return Principal{}, shared.ErrUnauthenticated
	}
	return p, nil
}

func TestParseAuthorization(t *testing.T) {
	cases := map[string]string{
		"Token abc":   "abc",
		"token  abc ": "abc",
		"Bearer xyz":  "xyz",
		"bare":        "bare",
		"":            "",
		"Token":       "Token",
	}
	for in, want := range cases {
		if got := ParseAuthorization(in); got != want {
			t.Errorf("ParseAuthorization(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRequire(t *testing.T) {
	ts := tokens{
		"user":    {AccountID: 1, Role: account.RoleUser},
		"manager": {AccountID: 2, Role: account.RoleManager},
	}
	next := func(ctx context.Context, _ any) (any, error) {
		p, err := Caller(ctx)
		return p.AccountID, err
	}
	cases := []struct {
		name        string
		token       string
		managerOnly bool
		wantID      int64
		wantKind    shared.Kind
	}{
		{name: "no token", token: "", wantKind: shared.KindUnauthenticated},
		{name: "unknown token", token: "nope", wantKind: shared.KindUnauthenticated},
		{name: "user", token: "user", wantID: 1},
		{name: "user on manager route", token: "user", managerOnly: true, wantKind: shared.KindForbidden},
		{name: "manager on manager route", token: "manager", managerOnly: true, wantID: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require := RequireUser
			if tc.managerOnly {
				require = RequireManager
			}
			ep := require(ts)(next)
			ctx := context.Background()
			if tc.token != "" {
				ctx = WithToken(ctx, tc.token)
			}
			got, err := ep(ctx, nil)
			if tc.wantKind != 0 || tc.wantID == 0 {
				var e *shared.Error
				if !errors.As(err, &e) || e.Kind != tc.wantKind {
					t.Fatalf("err = %v, want kind %v", err, tc.wantKind)
				}
				return
			}
			if err != nil || got.(int64) != tc.wantID {
				t.Fatalf("got %v, %v; want account %d", got, err, tc.wantID)
			}
		})
	}
}

func TestCallerWithoutPrincipal(t *testing.T) {
	if _, err := Caller(context.Background()); !errors.Is(err, shared.ErrUnauthenticated) {
		t.Fatalf("Caller on a bare context = %v, want unauthenticated", err)
	}
}
