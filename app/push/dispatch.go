package push

import (
	"context"
	"fmt"
	"time"

	"github.com/campushub/campushub/domain/push"
)

// Dispatch timing.
const (
	// PollInterval is how often the dispatcher looks for due pushes when
	// nothing wakes it (pushes of other replicas, retries, leases of a
	// replica that died).
	PollInterval = 5 * time.Second
	// Lease is how long one dispatcher holds a push it is sending.
	Lease = 2 * time.Minute
	// batch is how many due pushes one round takes.
	batch = 20
)

// Dispatcher is the background worker that hands queued pushes to the
// provider: it looks when woken (after a push is queued in this process)
// and every PollInterval otherwise.
type Dispatcher struct {
	svc  *Service
	wake chan struct{}
}

// NewDispatcher returns the dispatcher of svc's pushes; wire its Wake to
// svc.OnQueued.
func NewDispatcher(svc *Service) *Dispatcher {
	return &Dispatcher{svc: svc, wake: make(chan struct{}, 1)}
}

// Wake asks the dispatcher to look for queued pushes now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends queued pushes until ctx ends, then returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		for {
			n, err := d.svc.DispatchDue(ctx)
			if err != nil && ctx.Err() == nil {
				d.svc.Logger.Error("push dispatch failed", "error", err)
			}
			if n < batch || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-t.C:
		}
	}
}

// DispatchDue sends the queued pushes whose lease is free and returns how
// many it looked at.
func (s *Service) DispatchDue(ctx context.Context) (int, error) {
	ids, err := s.Logs.Due(ctx, s.Clock.Now(), batch)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.dispatch(ctx, id); err != nil {
			return len(ids), err
		}
	}
	return len(ids), nil
}

// dispatch claims one push, hands its queued deliveries to the provider
// outside any transaction, then records the outcome and its event in one.
func (s *Service) dispatch(ctx context.Context, id int64) error {
	now := s.Clock.Now()
	got, err := s.Logs.Claim(ctx, id, now, now.Add(Lease))
	if err != nil || !got {
		return err
	}
	p, err := s.Logs.ByID(ctx, id)
	if err != nil {
		return err
	}
	ds, err := s.Deliveries.Queued(ctx, id)
	if err != nil {
		return err
	}
	sent, failed := 0, 0
	var providerErr error
	if len(ds) > 0 {
		msgs := make([]push.Message, len(ds))
		for i, d := range ds {
			msgs[i] = p.Message(d)
		}
		results, err := s.Provider.Send(ctx, msgs)
		if err != nil && ctx.Err() != nil {
			return ctx.Err() // shutting down: the lease expires and another round retries
		}
		if err == nil && len(results) != len(msgs) {
			err = fmt.Errorf("push provider answered %d results for %d messages", len(results), len(msgs))
		}
		providerErr = err
		if err == nil {
			done := s.Clock.Now()
			for i := range ds {
				ds[i].Apply(results[i], done)
				if results[i].Accepted {
					sent++
				} else {
					failed++
				}
			}
		}
	}
	p.Settle(sent, failed, providerErr, s.Clock.Now())
	if providerErr != nil {
		s.Logger.Warn("push provider failed", "push_id", p.ID, "attempt", p.Attempts, "error", providerErr)
	}
	return s.UoW.Do(context.WithoutCancel(ctx), func(ctx context.Context) error {
		if providerErr == nil {
			if err := s.Deliveries.Update(ctx, ds); err != nil {
				return err
			}
		}
		if err := s.Logs.Update(ctx, p); err != nil || p.Status == push.Queued {
			return err // still queued: the next round after p.NextAttempt tries again
		}
		return s.Outbox.Append(ctx, p.DispatchedEvent())
	})
}
