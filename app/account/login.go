package account

import (
	"context"
	"errors"
	"time"

	"github.com/campushub/campushub/app/auth"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

// Login signs in with a password. LockPolicy.MaxFailures wrong passwords in a
// row from one client lock that client out of the account for
// LockPolicy.LockFor; while locked its every attempt, right or wrong, gets
// account.ErrLocked, and other clients — the owner's — are unaffected (see
// account.LockPolicy for the account-wide lock).
func (s *Service) Login(ctx context.Context, area, acct, password string) (account.Pair, error) {
	var pair account.Pair
	_, err := s.checkPassword(ctx, area, acct, password, func(ctx context.Context, a account.Account, now time.Time) (err error) {
		pair, err = s.issue(ctx, a.ID, "", now)
		return err
	})
	return pair, err
}

// CheckPassword signs in with a password like Login — the same lockout
// counts and applies — but issues no API tokens: the web console keeps its
// own session. It returns the signed-in account's principal.
func (s *Service) CheckPassword(ctx context.Context, area, acct, password string) (auth.Principal, error) {
	a, err := s.checkPassword(ctx, area, acct, password, nil)
	if err != nil {
		return auth.Principal{}, err
	}
	return auth.Principal{AccountID: a.ID, Role: a.Role}, nil
}

// Principal returns the principal of an active account, for a session that
// remembers only the account id; a missing or disabled account is
// shared.ErrUnauthenticated.
func (s *Service) Principal(ctx context.Context, accountID int64) (auth.Principal, error) {
	return s.activePrincipal(ctx, accountID, errSessionAccountGone, errSessionAccountDisabled)
}

// Why a session or a token no longer authenticates its account.
var (
	errSessionAccountGone     = shared.ErrUnauthenticated.WithMessage("the account no longer exists")
	errSessionAccountDisabled = shared.ErrUnauthenticated.WithMessage("the account is disabled")
	errTokenAccountGone       = shared.ErrUnauthenticated.WithMessage("invalid token: the account no longer exists")
	errTokenAccountDisabled   = shared.ErrUnauthenticated.WithMessage("invalid token: the account is disabled")
)

// activePrincipal is the principal of the account with id while it exists
// and is active; otherwise it answers gone or disabled.
func (s *Service) activePrincipal(ctx context.Context, id int64, gone, disabled error) (auth.Principal, error) {
	a, err := s.Accounts.ByID(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return auth.Principal{}, gone
	}
	if err != nil {
		return auth.Principal{}, err
	}
	if !a.IsActive {
		return auth.Principal{}, disabled
	}
	return auth.Principal{AccountID: a.ID, Role: a.Role, Account: &a}, nil
}

// checkPassword checks a password, counting wrong ones per account and
// client towards the lockout (account.LockPolicy), and on success calls then
// (when set) in the same transaction. The client is the caller's address
// from auth.ClientFrom.
func (s *Service) checkPassword(ctx context.Context, area, acct, password string, then func(ctx context.Context, a account.Account, now time.Time) error) (account.Account, error) {
	id, err := account.ParseIdentifier(area, acct)
	if err != nil {
		return account.Account{}, err
	}
	if password == "" {
		return account.Account{}, shared.Invalid("password", "password is required")
	}
	client := auth.ClientFrom(ctx)
	if client == "" {
		client = "unknown"
	}
	a, err := s.Accounts.ByKey(ctx, id.Key())
	if errors.Is(err, shared.ErrNotFound) {
		return account.Account{}, account.ErrNotRegistered
	}
	if err != nil {
		return account.Account{}, err
	}
	if !a.IsActive {
		return account.Account{}, account.ErrInactive
	}
	// Refuse a locked-out client before spending a password hash on it.
	c, err := s.LoginClients.Get(ctx, a.ID, client)
	if err != nil {
		return account.Account{}, err
	}
	if err := s.policy.Lock.Refuse(a, c, s.Clock.Now()); err != nil {
		return account.Account{}, err
	}
	match := s.Hasher.Compare(a.PasswordHash, password)
	if !match {
		defer s.principals.forget(a.ID) // a wrong password may lock the account
	}
	var signedIn account.Account
	err = s.withCommittedFailure(ctx, func(ctx context.Context, failAfterCommit func(error) error) error {
		a, err := s.Accounts.ByID(ctx, a.ID) // locks the account: its clients' counts change in turn
		if err != nil {
			return err
		}
		c, err := s.LoginClients.Get(ctx, a.ID, client)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if err := s.policy.Lock.Refuse(a, c, now); err != nil {
			return failAfterCommit(err)
		}
		if !match {
			answer, err := s.loginFailed(ctx, a, c, now)
			if err != nil {
				return err
			}
			return failAfterCommit(answer)
		}
		c.Succeeded(now)
		if err := s.LoginClients.Save(ctx, c); err != nil {
			return err
		}
		signedIn = a
		if then != nil {
			return then(ctx, a, now)
		}
		return nil
	})
	return signedIn, err
}

// loginFailed records a wrong password from c and returns the answer: a
// wrong password, or the lock it just set. err is a failure of the store,
// which rolls the transaction back.
func (s *Service) loginFailed(ctx context.Context, a account.Account, c account.LoginClient, now time.Time) (answer, err error) {
	others, err := s.LoginClients.CountLocked(ctx, a.ID, now)
	if err != nil {
		return nil, err
	}
	wasLocked := a.Locked(now)
	events := s.policy.Lock.Failed(&a, &c, others, now)
	if err := s.LoginClients.Save(ctx, c); err != nil {
		return nil, err
	}
	if a.Locked(now) && !wasLocked {
		if err := s.Accounts.Update(ctx, a); err != nil {
			return nil, err
		}
	}
	if len(events) > 0 {
		if err := s.Outbox.Append(ctx, events...); err != nil {
			return nil, err
		}
	}
	if refused := s.policy.Lock.Refuse(a, c, now); refused != nil {
		return refused, nil
	}
	return account.ErrWrongPassword, nil
}

// Refresh exchanges a refresh token for a new pair in the same family. A
// refresh token works once: presenting a spent one again revokes the whole
// family, since either the client or a thief holds a copy.
func (s *Service) Refresh(ctx context.Context, refresh string) (account.Pair, error) {
	if refresh == "" {
		return account.Pair{}, shared.Invalid("refresh_token", "refresh_token is required")
	}
	var pair account.Pair
	var revoked int64 // the account whose token family was revoked
	defer func() {
		if revoked != 0 {
			s.principals.forget(revoked) // after the commit, before the answer
		}
	}()
	err := s.withCommittedFailure(ctx, func(ctx context.Context, failAfterCommit func(error) error) error {
		revoked = 0
		t, err := s.Tokens.ByHash(ctx, account.HashToken(refresh))
		if errors.Is(err, shared.ErrNotFound) || (err == nil && t.Kind != account.RefreshToken) {
			return failAfterCommit(shared.ErrUnauthenticated.WithMessage("invalid refresh token"))
		}
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
			return failAfterCommit(shared.ErrUnauthenticated.WithMessage("refresh token has expired or was revoked; sign in again"))
		}
		won, err := s.Tokens.MarkUsed(ctx, t.Hash, now)
		if err != nil {
			return err
		}
		if !won {
			revoked = t.AccountID
			if err := s.Tokens.RevokeFamily(ctx, t.Family, now); err != nil {
				return err
			}
			return failAfterCommit(shared.ErrUnauthenticated.WithMessage("refresh token was already used; every token of this sign-in is now revoked"))
		}
		pair, err = s.issue(ctx, t.AccountID, t.Family, now)
		return err
	})
	return pair, err
}

// Destroy revokes the presented access token together with its refresh
// token and every token refreshed from them (signs this session out).
func (s *Service) Destroy(ctx context.Context, accessToken string) error {
	var accountID int64
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		t, err := s.Tokens.ByHash(ctx, account.HashToken(accessToken))
		if errors.Is(err, shared.ErrNotFound) {
			return shared.ErrUnauthenticated
		}
		if err != nil {
			return err
		}
		accountID = t.AccountID
		return s.Tokens.RevokeFamily(ctx, t.Family, s.Clock.Now())
	})
	if accountID != 0 {
		s.principals.forget(accountID) // after the commit, before the answer
	}
	return err
}
