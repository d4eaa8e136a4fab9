package account

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

// Info returns the caller's own account: the row authentication read for
// this request when it carries one, so an authenticated read costs one
// account lookup, not two.
func (s *Service) Info(ctx context.Context) (account.Account, error) {
	p, err := auth.Caller(ctx)
	if err != nil {
		return account.Account{}, err
	}
	if a, ok := p.LoadedAccount(); ok {
		return a, nil
	}
	a, err := s.Accounts.ByID(ctx, p.AccountID)
	if errors.Is(err, shared.ErrNotFound) {
		return account.Account{}, shared.ErrUnauthenticated
	}
	return a, err
}

// UpdateInfo changes the caller's own profile and returns the account.
func (s *Service) UpdateInfo(ctx context.Context, ch account.ProfileChange) (account.Account, error) {
	p, err := auth.Caller(ctx)
	if err != nil {
		return account.Account{}, err
	}
	var a account.Account
	defer s.principals.forget(p.AccountID) // after the commit: the next request sees the change
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if a, err = s.Accounts.ByID(ctx, p.AccountID); err != nil {
			return err
		}
		changed, err := a.Apply(ch, s.Clock.Now())
		if err != nil || len(changed) == 0 {
			return err
		}
		if err := s.Accounts.Update(ctx, a); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, a.ProfileUpdated(changed))
	})
	return a, err
}
