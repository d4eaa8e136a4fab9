package push

import (
	"context"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
)

// Send records a manager's push, with one queued delivery per switched-on
// device of its audience, and wakes the dispatcher. The provider is called
// after commit, never inside the transaction.
func (s *Service) Send(ctx context.Context, d push.Draft) (push.Push, error) {
	managerID, err := auth.CallerID(ctx)
	if err != nil {
		return push.Push{}, err
	}
	p, err := push.New(d, managerID, s.Clock.Now())
	if err != nil {
		return push.Push{}, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		var audience []int64
		if p.Scope == push.Users {
			audience = p.Recipients
		}
		devices, err := s.Devices.SwitchedOn(ctx, audience)
		if err != nil {
			return err
		}
		p.Targets = len(devices)
		if err := s.Logs.Create(ctx, &p); err != nil {
			return err
		}
		if err := s.Deliveries.Create(ctx, p.Deliveries(devices)); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, p.SentEvent())
	})
	if err != nil {
		return push.Push{}, err
	}
	if s.queued != nil {
		s.queued()
	}
	return p, nil
}

// Pushes lists every push with its delivery summary, newest first.
func (s *Service) Pushes(ctx context.Context, p kit.Page) ([]push.Push, int64, error) {
	if _, err := auth.CallerID(ctx); err != nil {
		return nil, 0, err
	}
	return s.Logs.All(ctx, p.Offset(), p.Limit())
}

// Status returns one push with its delivery summary.
func (s *Service) Status(ctx context.Context, id int64) (push.Push, error) {
	if _, err := auth.CallerID(ctx); err != nil {
		return push.Push{}, err
	}
	p, err := s.Logs.ByID(ctx, id)
	return p, shared.NotFoundAs(err, push.ErrPushNotFound)
}

// PushDeliveries lists the per-device deliveries of one push.
func (s *Service) PushDeliveries(ctx context.Context, id int64, p kit.Page) ([]push.Delivery, int64, error) {
	if _, err := s.Status(ctx, id); err != nil {
		return nil, 0, err
	}
	return s.Deliveries.ForPush(ctx, id, p.Offset(), p.Limit())
}
