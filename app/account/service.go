// Package account holds the account use cases — verification codes,
// registration, password login, token refresh and revocation, personal
// information — and the go-kit endpoints that wrap them.
package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// Policy gathers the account rules' numbers.
type Policy struct {
	Codes  account.CodePolicy
	Lock   account.LockPolicy
	Tokens account.TokenPolicy
	// PrincipalTTL is how long Authenticate keeps what it found for an
	// access token (see principalCache): the longest another replica's
	// sign-out or account change takes to reach this one. Zero looks every
	// request up.
	PrincipalTTL time.Duration
}

// principalCacheSize bounds how many access tokens the principal cache
// holds at once (about 64 MB at most).
const principalCacheSize = 100_000

// DefaultPolicy is the policy the service runs with unless configured.
var DefaultPolicy = Policy{
	Codes:  account.CodePolicy{TTL: 5 * time.Minute, Interval: time.Minute, DailyLimit: 10},
	Lock:   account.LockPolicy{MaxFailures: 5, LockFor: 15 * time.Minute, MaxClients: 3},
	Tokens: account.TokenPolicy{AccessTTL: 7 * 24 * time.Hour, RefreshTTL: 30 * 24 * time.Hour},
}

// Deps are the ports the account service needs.
type Deps struct {
	UoW      ports.UnitOfWork
	Outbox   ports.Outbox
	Accounts ports.Accounts
	Codes    ports.Codes
	Tokens   ports.Tokens
	// LoginClients counts wrong passwords per account and client.
	LoginClients ports.LoginClients
	Sender       ports.CodeSender
	Hasher       ports.PasswordHasher
	Random       ports.Random
	Clock        ports.Clock
}

// Service runs the account use cases.
type Service struct {
	Deps
	policy     Policy
	principals *principalCache
}

// NewService returns the account service.
func NewService(d Deps, p Policy) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{Deps: d, policy: p, principals: newPrincipalCache(p.PrincipalTTL, principalCacheSize)}
}

var _ auth.Authenticator = (*Service)(nil)

// withCommittedFailure runs fn in a unit of work. When fn returns
// failAfterCommit(err), what fn wrote (a counted wrong guess, a revoked token
// family) is committed all the same and err is returned after the commit;
// any other error rolls the work back.
func (s *Service) withCommittedFailure(ctx context.Context, fn func(ctx context.Context, failAfterCommit func(error) error) error) error {
	var failure error
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		failure = nil // the unit of work may run fn again
		return fn(ctx, func(e error) error { failure = e; return nil })
	})
	if err != nil {
		return err
	}
	return failure
}

// Authenticate resolves an access token. It is a hash lookup, never a
// password-hash computation; with Policy.PrincipalTTL set, a token
// presented again within it is answered from memory (see principalCache).
func (s *Service) Authenticate(ctx context.Context, token string) (auth.Principal, error) {
	if len(token) == 0 || len(token) > 200 {
		return auth.Principal{}, shared.ErrUnauthenticated
	}
	hash := account.HashToken(token)
	now := s.Clock.Now()
	if p, ok := s.principals.get(hash, now); ok {
		return p, nil
	}
	gen := s.principals.generation()
	t, err := s.Tokens.ByHash(ctx, hash)
	if errors.Is(err, shared.ErrNotFound) || (err == nil && t.Kind != account.AccessToken) {
		return auth.Principal{}, shared.ErrUnauthenticated
	}
	if err != nil {
		return auth.Principal{}, err
	}
	if !t.Valid(now) {
		return auth.Principal{}, shared.ErrUnauthenticated.WithMessage("invalid token: it has expired or was revoked")
	}
	p, err := s.activePrincipal(ctx, t.AccountID, errTokenAccountGone, errTokenAccountDisabled)
	if err != nil {
		return p, err
	}
	s.principals.put(gen, hash, p, now, t.ExpiresAt)
	return p, nil
}

// issue creates a token pair in family (a new family when empty).
func (s *Service) issue(ctx context.Context, accountID int64, family string, now time.Time) (account.Pair, error) {
	if family == "" {
		family = s.Random.Token(32)
	}
	access, refresh := s.Random.Token(account.TokenLength), s.Random.Token(account.TokenLength)
	p := s.policy.Tokens
	err := s.Tokens.Create(ctx,
		account.Token{Hash: account.HashToken(access), Kind: account.AccessToken, AccountID: accountID, Family: family, IssuedAt: now, ExpiresAt: now.Add(p.AccessTTL)},
		account.Token{Hash: account.HashToken(refresh), Kind: account.RefreshToken, AccountID: accountID, Family: family, IssuedAt: now, ExpiresAt: now.Add(p.RefreshTTL)},
	)
	if err != nil {
		return account.Pair{}, fmt.Errorf("store tokens: %w", err)
	}
	return account.Pair{Access: access, Refresh: refresh, ExpiresAt: now.Add(p.AccessTTL), ExpiresIn: p.AccessTTL}, nil
}
