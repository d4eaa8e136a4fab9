package account

import (
	"context"
	"errors"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

// Register creates a user from an account, a code sent to it and a password,
// and signs the user in.
func (s *Service) Register(ctx context.Context, area, acct, code, password string) (account.Pair, error) {
	id, err := account.ParseIdentifier(area, acct)
	if err != nil {
		return account.Pair{}, err
	}
	if code == "" {
		return account.Pair{}, shared.Invalid("code", "code is required")
	}
	if err := account.CheckPassword(password); err != nil {
		return account.Pair{}, err
	}
	switch _, err := s.Accounts.ByKey(ctx, id.Key()); {
	case err == nil:
		return account.Pair{}, account.ErrAlreadyRegistered
	case !errors.Is(err, shared.ErrNotFound):
		return account.Pair{}, err
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return account.Pair{}, err
	}
	var pair account.Pair
	err = s.withCommittedFailure(ctx, func(ctx context.Context, failAfterCommit func(error) error) error {
		if err := s.verifyCode(ctx, id, code, true); err != nil {
			return failAfterCommit(err)
		}
		now := s.Clock.Now()
		a := account.New(id, account.RoleUser, hash, s.Random.Token(40), now)
		if err := s.Accounts.Create(ctx, &a); err != nil {
			if errors.Is(err, shared.ErrAlreadyExists) {
				return account.ErrAlreadyRegistered
			}
			return err
		}
		if pair, err = s.issue(ctx, a.ID, "", now); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, a.Registered())
	})
	return pair, err
}

// CreateManager creates a manager account with a password, without a code;
// it is how the first manager comes to be (`campushub admin create`).
func (s *Service) CreateManager(ctx context.Context, acct, password string) (account.Account, error) {
	id, err := account.ParseIdentifier("", acct)
	if err != nil {
		return account.Account{}, err
	}
	if err := account.CheckPassword(password); err != nil {
		return account.Account{}, err
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return account.Account{}, err
	}
	a := account.New(id, account.RoleManager, hash, s.Random.Token(40), s.Clock.Now())
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Accounts.Create(ctx, &a); err != nil {
			if errors.Is(err, shared.ErrAlreadyExists) {
				return account.ErrAlreadyRegistered
			}
			return err
		}
		return s.Outbox.Append(ctx, a.Registered())
	})
	return a, err
}
