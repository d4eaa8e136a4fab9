package activity

import (
	"context"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
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
	return edit(ctx, s, id, s.meeting, s.Meetings.Update, func(_ context.Context, _ Caller, m *activity.Meeting) ([]shared.Event, error) {
		previous := m.Name
		changed, err := m.Rename(name)
		if err != nil || !changed {
			return nil, err
		}
		return []shared.Event{m.Renamed(previous, s.Clock.Now())}, nil
	})
}

// CloseMeeting closes a meeting of the calling organisation: it admits
// nobody to the activities limited to it any more and takes no new
// authorised users, while its users stay listed. Closing it again changes
// nothing.
func (s *Service) CloseMeeting(ctx context.Context, id int64) (activity.Meeting, error) {
	return edit(ctx, s, id, s.meeting, s.Meetings.Update, func(_ context.Context, _ Caller, m *activity.Meeting) ([]shared.Event, error) {
		if !m.Close(s.Clock.Now()) {
			return nil, nil
		}
		return []shared.Event{m.ClosedEvent()}, nil
	})
}
