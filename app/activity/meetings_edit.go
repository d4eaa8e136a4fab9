package activity

import (
	"context"

	"github.com/campushub/campushub/domain/activity"
)

// Meeting returns one meeting of the calling organisation.
func (s *Service) Meeting(ctx context.Context, id int64) (activity.Meeting, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Meeting{}, err
	}
	return s.meeting(ctx, c, id)
}

// RenameMeeting gives a meeting of the calling organisation a new name;
// the same name again changes nothing and records no event.
func (s *Service) RenameMeeting(ctx context.Context, id int64, name string) (activity.Meeting, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Meeting{}, err
	}
	var m activity.Meeting
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if m, err = s.meeting(ctx, c, id); err != nil {
			return err
		}
		previous := m.Name
		changed, err := m.Rename(name)
		if err != nil || !changed {
			return err
		}
		if err := s.Meetings.Update(ctx, m); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, m.Renamed(previous, s.Clock.Now()))
	})
	return m, err
}

// CloseMeeting closes a meeting of the calling organisation: it admits
// nobody to the activities limited to it any more and takes no new
// authorised users, while its users stay listed. Closing it again changes
// nothing.
func (s *Service) CloseMeeting(ctx context.Context, id int64) (activity.Meeting, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Meeting{}, err
	}
	var m activity.Meeting
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if m, err = s.meeting(ctx, c, id); err != nil {
			return err
		}
		if !m.Close(s.Clock.Now()) {
			return nil
		}
		if err := s.Meetings.Update(ctx, m); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, m.ClosedEvent())
	})
	return m, err
}
