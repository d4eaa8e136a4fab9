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
	switch f.Status {
	case "", wxrelay.DeliveryPending, wxrelay.DeliverySucceeded, wxrelay.DeliveryFailed:
	default:
		return nil, 0, shared.Invalid("status", "status must be pending, succeeded or failed")
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
	if err == nil && s.notify != nil {
		s.notify()
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
	if err == nil && n > 0 && s.notify != nil {
		s.notify()
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
