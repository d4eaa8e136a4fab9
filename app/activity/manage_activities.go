package activity

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// orgCaller returns the calling organisation's id.
func orgCaller(ctx context.Context) (Caller, error) {
	c, err := CallerFrom(ctx)
	if err != nil {
		return c, err
	}
	if !c.IsOrg() {
		return c, activity.ErrOrgOnly
	}
	return c, nil
}

// checkMeetings insists that every meeting of a permission belongs to org.
func (s *Service) checkMeetings(ctx context.Context, orgID int64, ids []int64) error {
	for _, id := range ids {
		m, err := s.Meetings.ByID(ctx, id)
		if errors.Is(err, shared.ErrNotFound) || (err == nil && m.OrgID != orgID) {
			return shared.Invalid("permission", "permission: meeting %d is not a meeting of this organisation", id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateActivity creates an activity of the calling organisation.
func (s *Service) CreateActivity(ctx context.Context, d activity.Draft) (activity.Activity, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Activity{}, err
	}
	a, err := activity.NewActivity(c.OrgID, d, s.Clock.Now())
	if err != nil {
		return a, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.checkMeetings(ctx, c.OrgID, a.Permission); err != nil {
			return err
		}
		if err := s.Activities.Create(ctx, &a); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, a.Created())
	})
	return a, err
}

// Activity returns an activity of the calling organisation.
func (s *Service) Activity(ctx context.Context, id int64) (activity.Activity, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Activity{}, err
	}
	return s.load(ctx, c, id)
}

// ListActivities pages through the calling organisation's activities,
// newest first.
func (s *Service) ListActivities(ctx context.Context, p kit.Page) ([]activity.Activity, int64, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.Activities.ListByOrg(ctx, c.OrgID, p.Offset(), p.Limit())
}

// UpdateActivity changes the set fields of an activity.
func (s *Service) UpdateActivity(ctx context.Context, id int64, d activity.Draft) (activity.Activity, error) {
	return edit(ctx, s, id, s.load, s.Activities.Update, func(ctx context.Context, c Caller, a *activity.Activity) ([]shared.Event, error) {
		if err := a.Apply(d, s.Clock.Now()); err != nil {
			return nil, err
		}
		if d.Permission != nil {
			if err := s.checkMeetings(ctx, c.OrgID, a.Permission); err != nil {
				return nil, err
			}
		}
		return []shared.Event{a.Updated()}, nil
	})
}

// CloseActivity stops an activity from accepting members; closing it again
// changes nothing.
func (s *Service) CloseActivity(ctx context.Context, id int64) (activity.Activity, error) {
	return edit(ctx, s, id, s.load, s.Activities.Update, func(_ context.Context, _ Caller, a *activity.Activity) ([]shared.Event, error) {
		if !a.Close(s.Clock.Now()) {
			return nil, nil
		}
		return []shared.Event{a.ClosedEvent()}, nil
	})
}

// edit is the shape of every change to a thing the calling organisation
// owns (an activity, a meeting): in one unit of work it loads the thing
// (load refuses another organisation's), lets change alter it and say what
// happened, then stores it and appends those events. A change that reports
// no event stores nothing.
func edit[T any](
	ctx context.Context, s *Service, id int64,
	load func(context.Context, Caller, int64) (T, error),
	store func(context.Context, T) error,
	change func(ctx context.Context, c Caller, v *T) ([]shared.Event, error),
) (T, error) {
	var v T
	c, err := orgCaller(ctx)
	if err != nil {
		return v, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if v, err = load(ctx, c, id); err != nil {
			return err
		}
		events, err := change(ctx, c, &v)
		if err != nil || len(events) == 0 {
			return err
		}
		if err := store(ctx, v); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, events...)
	})
	return v, err
}

// DeleteActivity deletes an activity; its members and winners stay stored
// but can no longer be reached.
func (s *Service) DeleteActivity(ctx context.Context, id int64) error {
	c, err := orgCaller(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		a, err := s.load(ctx, c, id)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if err := s.Activities.Delete(ctx, id, now); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, a.Deleted(now))
	})
}
