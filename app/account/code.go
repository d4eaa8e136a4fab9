package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

// SendCode issues a verification code to an account and delivers it. The
// code is stored only as a hash; a code that could not be delivered is
// withdrawn so it does not count against the sending limits.
func (s *Service) SendCode(ctx context.Context, area, acct string) error {
	id, err := account.ParseIdentifier(area, acct)
	if err != nil {
		return err
	}
	if err := s.policy.Codes.CheckArea(id); err != nil {
		return err
	}
	plain := s.Random.Digits(account.CodeLength)
	now := s.Clock.Now()
	var code account.Code
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		var lastSent time.Time
		latest, err := s.Codes.Latest(ctx, id.Key())
		switch {
		case err == nil:
			lastSent = latest.CreatedAt
		case !errors.Is(err, shared.ErrNotFound):
			return err
		}
		sent, err := s.Codes.SentSince(ctx, id.Key(), now.Add(-account.DailyWindow))
		if err != nil {
			return err
		}
		code, err = account.NewCode(s.policy.Codes, id.Key(), plain, now, lastSent, sent)
		if err != nil {
			return err
		}
		return s.Codes.Create(ctx, &code)
	})
	if err != nil {
		return err
	}
	if err := s.Sender.SendCode(ctx, id, plain); err != nil {
		if derr := s.Codes.Delete(context.WithoutCancel(ctx), code.ID); derr != nil {
			return fmt.Errorf("withdraw undelivered code: %v (after send error: %w)", derr, err)
		}
		return err
	}
	return nil
}

// CheckCode verifies a code without consuming it. Wrong guesses count.
func (s *Service) CheckCode(ctx context.Context, area, acct, guess string) error {
	id, err := account.ParseIdentifier(area, acct)
	if err != nil {
		return err
	}
	if guess == "" {
		return shared.Invalid("code", "code is required")
	}
	return s.withCommittedFailure(ctx, func(ctx context.Context, failAfterCommit func(error) error) error {
		return failAfterCommit(s.verifyCode(ctx, id, guess, false))
	})
}

// verifyCode checks guess against the latest code of id inside the current
// transaction, saving the attempt count; consume marks it used on success.
func (s *Service) verifyCode(ctx context.Context, id account.Identifier, guess string, consume bool) error {
	code, err := s.Codes.Latest(ctx, id.Key())
	if errors.Is(err, shared.ErrNotFound) {
		return account.ErrInvalidCode.WithMessage("no verification code was sent to this account; request one first")
	}
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	verr := code.Verify(now, guess)
	if verr == nil && consume {
		code.Consume(now)
	}
	if verr == nil && !consume {
		return nil
	}
	if err := s.Codes.Update(ctx, code); err != nil {
		return err
	}
	return verr
}
