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
// row lock the account for LockPolicy.LockFor; while locked every attempt,
// right or wrong, gets account.ErrLocked.
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
	a, err := s.Accounts.ByID(ctx, accountID)
	if errors.Is(err, shared.ErrNotFound) {
		return auth.Principal{}, shared.ErrUnauthenticated.WithMessage("the account no longer exists")
	}
	if err != nil {
		return auth.Principal{}, err
	}
	if !a.IsActive {
		return auth.Principal{}, shared.ErrUnauthenticated.WithMessage("the account is disabled")
	}
	return auth.Principal{AccountID: a.ID, Role: a.Role}, nil
}

// checkPassword checks a password, counting wrong ones towards the lockout,
// and on success calls then (when set) in the same transaction.
func (s *Service) checkPassword(ctx context.Context, area, acct, password string, then func(ctx context.Context, a account.Account, now time.Time) error) (account.Account, error) {
	id, err := account.ParseIdentifier(area, acct)
	if err != nil {
		return account.Account{}, err
	}
	if password == "" {
		return account.Account{}, shared.Invalid("password", "password is required")
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
	if now := s.Clock.Now(); a.Locked(now) {
		return account.Account{}, lockedError(a)
	}
	match := s.Hasher.Compare(a.PasswordHash, password)
	var signedIn account.Account
	err = s.withCommittedFailure(ctx, func(ctx context.Context, failAfterCommit func(error) error) error {
		a, err := s.Accounts.ByID(ctx, a.ID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if a.Locked(now) {
			return failAfterCommit(lockedError(a))
		}
		if !match {
			locked := a.LoginFailed(s.policy.Lock, now)
			if err := s.Accounts.Update(ctx, a); err != nil {
				return err
			}
			if locked {
				if err := s.Outbox.Append(ctx, a.LoginLocked(now)); err != nil {
					return err
				}
				return failAfterCommit(lockedError(a))
			}
			return failAfterCommit(account.ErrWrongPassword)
		}
		if a.FailedLogins > 0 || !a.LockedUntil.IsZero() {
			a.LoginSucceeded(now)
			if err := s.Accounts.Update(ctx, a); err != nil {
				return err
			}
		}
		signedIn = a
		if then != nil {
			return then(ctx, a, now)
		}
		return nil
	})
	return signedIn, err
}

func lockedError(a account.Account) error {
	return account.ErrLocked.WithMessage("account is locked after repeated wrong passwords until %s UTC", a.LockedUntil.UTC().Format("2006-01-02 15:04:05"))
}

// Refresh exchanges a refresh token for a new pair in the same family. A
// refresh token works once: presenting a spent one again revokes the whole
// family, since either the client or a thief holds a copy.
func (s *Service) Refresh(ctx context.Context, refresh string) (account.Pair, error) {
	if refresh == "" {
		return account.Pair{}, shared.Invalid("refresh_token", "refresh_token is required")
	}
	var pair account.Pair
	err := s.withCommittedFailure(ctx, func(ctx context.Context, failAfterCommit func(error) error) error {
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
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		t, err := s.Tokens.ByHash(ctx, account.HashToken(accessToken))
		if errors.Is(err, shared.ErrNotFound) {
			return shared.ErrUnauthenticated
		}
		if err != nil {
			return err
		}
		return s.Tokens.RevokeFamily(ctx, t.Family, s.Clock.Now())
	})
}
