// Package auth carries who is calling through a request's context and offers
// go-kit endpoint middleware that authenticates the raw token the transport
// found and enforces a role. Every module's endpoints use it.
package auth

import (
	"context"
	"strings"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

// Principal is an authenticated caller.
type Principal struct {
	AccountID int64
	Role      account.Role
	// Account is the caller's account row as authentication read it for
	// this request, nil when the authenticator did not load it. A use case
	// that only reads the caller's own account uses it instead of reading
	// the row a second time; one that changes the account reads it again
	// inside its unit of work.
	Account *account.Account
}

// LoadedAccount returns the account authentication read for this request,
// false when there is none (or it is not the principal's).
func (p Principal) LoadedAccount() (account.Account, bool) {
	if p.Account == nil || p.Account.ID != p.AccountID {
		return account.Account{}, false
	}
	return *p.Account, true
}

// IsManager reports whether the caller has the manager role.
func (p Principal) IsManager() bool { return p.Role == account.RoleManager }

// Authenticator resolves an access token to its principal; it returns
// shared.ErrUnauthenticated (or a copy with a better message) for a bad one.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (Principal, error)
}

type tokenKey struct{}
type principalKey struct{}

// WithToken stores the raw credential the transport found.
func WithToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, tokenKey{}, token)
}

// TokenFrom returns the raw credential, "" when none was sent.
func TokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(tokenKey{}).(string)
	return t
}

// WithPrincipal stores the authenticated caller.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the authenticated caller.
func From(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ErrMissingToken is returned when a protected endpoint gets no token.
var ErrMissingToken = shared.ErrUnauthenticated.WithMessage("missing token: send Authorization: Token <access_token>")

// ErrNotManager is returned when a manager endpoint is called by a user.
var ErrNotManager = shared.Forbidden("this operation needs the manager role")

// ParseAuthorization extracts the token from an Authorization header value:
// "Token <t>", and for convenience "Bearer <t>" or the bare token.
func ParseAuthorization(h string) string {
	h = strings.TrimSpace(h)
	for _, scheme := range []string{"Token ", "Bearer "} {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			return strings.TrimSpace(h[len(scheme):])
		}
	}
	return h
}

// RequireUser returns endpoint middleware that authenticates the request's
// token: any signed-in account passes; only then does it answer a request
// the transport could not decode (kit.BadInput). Failures are returned as
// errors for the transport's error encoder.
func RequireUser(a Authenticator) endpoint.Middleware {
	return require(a, func(Principal) error { return nil })
}

// RequireManager is RequireUser that also insists on the manager role.
func RequireManager(a Authenticator) endpoint.Middleware {
	return require(a, func(p Principal) error {
		if !p.IsManager() {
			return ErrNotManager
		}
		return nil
	})
}

// require authenticates the request's token, checks the principal with
// allowed, and stores the principal in the context for the endpoint; only
// then is the request's input checked (kit.Require).
func require(a Authenticator, allowed func(Principal) error) endpoint.Middleware {
	return kit.Require(func(ctx context.Context) (Principal, error) {
		tok := TokenFrom(ctx)
		if tok == "" {
			return Principal{}, ErrMissingToken
		}
		return a.Authenticate(ctx, tok)
	}, allowed, WithPrincipal)
}

// Caller returns the principal RequireUser or RequireManager stored; use
// cases behind them can rely on it.
func Caller(ctx context.Context) (Principal, error) {
	p, ok := From(ctx)
	if !ok {
		return Principal{}, ErrMissingToken
	}
	return p, nil
}

// CallerID returns the authenticated caller's account id.
func CallerID(ctx context.Context) (int64, error) {
	p, err := Caller(ctx)
	return p.AccountID, err
}

type clientKey struct{}

// WithClient stores the address the request came from, as the transport
// determined it (the connection's address, or the one a trusted proxy
// reported). Login counts wrong passwords per account and client.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// ClientFrom returns the caller's address, "" when the transport did not
// say.
func ClientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}
