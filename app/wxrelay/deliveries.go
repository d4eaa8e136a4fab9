package wxrelay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// ErrProjectInactive refuses to replay deliveries of an invalid project.
var ErrProjectInactive = shared.Conflict("wxrelay.project_inactive", "the push project is invalid (statu 1); set statu 0 before replaying")

// ListDeliveries lists deliveries, newest first, for an event and/or a
// project, and returns the total that match.
func (s *Service) ListDeliveries(ctx context.Context, f ports.DeliveryFilter) ([]wxrelay.Delivery, int64, error) {
	if f.EventID == 0 && f.ProjectID == 0 {
		return nil, 0, shared.Invalid("event_id", "event_id or project_id is required")
	}
	if _, ok := wxrelay.ParseDeliveryStatus(string(f.Status)); !ok && f.Status != "" {
		return nil, 0, shared.Invalid("status", "status must be pending, held, succeeded or failed")
	}
	return s.Deliveries.List(ctx, f)
}

// Attempts lists a delivery's attempts, oldest first.
func (s *Service) Attempts(ctx context.Context, deliveryID int64) ([]wxrelay.Attempt, error) {
	if _, err := s.deliveryByID(ctx, deliveryID); err != nil {
		return nil, err
	}
	return s.Deliveries.Attempts(ctx, deliveryID)
}

// Replay starts a delivery again with a fresh attempt budget, whatever its
// state; the project must be valid.
func (s *Service) Replay(ctx context.Context, id int64) (wxrelay.Delivery, error) {
	var out wxrelay.Delivery
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		d, err := s.deliveryByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireActive(ctx, d.ProjectID); err != nil {
			return err
		}
		out = d.Replay(s.Clock.Now())
		return s.Deliveries.Update(ctx, out)
	})
	if err == nil {
		s.wake()
	}
	return out, err
}

// ReplayFailed restarts every failed delivery of a project and returns how
// many it restarted.
func (s *Service) ReplayFailed(ctx context.Context, projectID int64) (int, error) {
	var n int
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.requireActive(ctx, projectID); err != nil {
			return err
		}
		var err error
		n, err = s.Deliveries.ReplayFailed(ctx, projectID, s.Clock.Now())
		return err
	})
	if err == nil && n > 0 {
		s.wake()
	}
	return n, err
}

func (s *Service) requireActive(ctx context.Context, projectID int64) error {
	p, err := s.projectByID(ctx, projectID)
	if err != nil {
		return err
	}
	if !p.Active() {
		return ErrProjectInactive
	}
	return nil
}

func (s *Service) deliveryByID(ctx context.Context, id int64) (wxrelay.Delivery, error) {
	d, err := s.Deliveries.ByID(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return d, wxrelay.ErrDeliveryNotFound.WithMessage("delivery %d not found", id)
	}
	return d, err
}

// eventChunk bounds how many events one outbox append carries.
const eventChunk = 500

// abandon fails every pending delivery of a project, for why (detail is
// the last_error they keep), and publishes delivery_failed for each, in
// the transaction carried by ctx.
func (s *Service) abandon(ctx context.Context, projectID int64, why wxrelay.FailureReason, detail string, now time.Time) error {
	ds, err := s.Deliveries.AbandonPending(ctx, projectID, detail, now)
	if err != nil {
		return fmt.Errorf("abandon deliveries of project %d: %w", projectID, err)
	}
	for start := 0; start < len(ds); start += eventChunk {
		if err := s.Outbox.Append(ctx, wxrelay.FailedEvents(ds[start:min(start+eventChunk, len(ds))], why)...); err != nil {
			return err
		}
	}
	return nil
}

// release expires a re-enabled project's held deliveries older than the
// hold retention and makes the others pending, due now, in the
// transaction carried by ctx. Claims take due deliveries in id order,
// which is the order of receipt.
func (s *Service) release(ctx context.Context, projectID int64, now time.Time) error {
	if err := s.expire(ctx, projectID, now); err != nil {
		return err
	}
	if _, err := s.Deliveries.ReleaseHeld(ctx, projectID, now); err != nil {
		return fmt.Errorf("release deliveries of project %d: %w", projectID, err)
	}
	return nil
}

// expireChunk bounds the deliveries one expiry statement fails.
const expireChunk = 500

// expire fails the held deliveries (of one project, or of all when
// projectID is 0) created before the hold retention, publishing
// delivery_failed with reason hold_expired for each.
func (s *Service) expire(ctx context.Context, projectID int64, now time.Time) error {
	before := now.Add(-s.cfg.HoldRetention)
	reason := fmt.Sprintf("held for longer than the hold retention (%s) while the project was invalid", s.cfg.HoldRetention)
	for {
		ds, err := s.Deliveries.ExpireHeld(ctx, projectID, before, now, reason, expireChunk)
		if err != nil {
			return fmt.Errorf("expire held deliveries: %w", err)
		}
		if err := s.Outbox.Append(ctx, wxrelay.FailedEvents(ds, wxrelay.FailedHoldExpired)...); err != nil {
			return err
		}
		if len(ds) < expireChunk {
			return nil
		}
	}
}

// ExpireHeld fails every held delivery older than the hold retention, in
// one transaction per chunk, and returns how many it failed.
func (s *Service) ExpireHeld(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := s.UoW.Do(ctx, func(ctx context.Context) error {
			now := s.Clock.Now()
			reason := fmt.Sprintf("held for longer than the hold retention (%s) while the project was invalid", s.cfg.HoldRetention)
			ds, err := s.Deliveries.ExpireHeld(ctx, 0, now.Add(-s.cfg.HoldRetention), now, reason, expireChunk)
			if err != nil {
				return err
			}
			n = len(ds)
			return s.Outbox.Append(ctx, wxrelay.FailedEvents(ds, wxrelay.FailedHoldExpired)...)
		})
		total += n
		if err != nil || n < expireChunk {
			return total, err
		}
	}
}

// ReplaySince makes a project receive every event received at or after
// since that it has not received: failed deliveries start again, held ones
// are released, and deliveries that never existed (events received before
// the project was added, or while no delivery was made for it) are
// created. The project must be valid. It returns how many deliveries it
// restarted and how many it created.
func (s *Service) ReplaySince(ctx context.Context, projectID int64, since time.Time) (replayed, created int, err error) {
	if since.After(s.Clock.Now()) {
		return 0, 0, shared.Invalid("since", "since is in the future")
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.requireActive(ctx, projectID); err != nil {
			return err
		}
		var err error
		replayed, created, err = s.Deliveries.ReplaySince(ctx, projectID, since, s.Clock.Now())
		return err
	})
	if err == nil && replayed+created > 0 {
		s.wake()
	}
	return replayed, created, err
}
