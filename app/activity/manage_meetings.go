package activity

import (
	"context"
	"errors"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// meeting returns a meeting of the calling organisation.
func (s *Service) meeting(ctx context.Context, c Caller, id int64) (activity.Meeting, error) {
	m, err := s.Meetings.ByID(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return m, activity.ErrMeetingNotFound.WithMessage("meeting %d not found", id)
	}
	if err == nil && m.OrgID != c.OrgID {
		return m, activity.ErrOtherOrg.WithMessage("meeting %d belongs to another organisation", id)
	}
	return m, err
}

// CreateMeeting creates a meeting of the calling organisation.
func (s *Service) CreateMeeting(ctx context.Context, name string) (activity.Meeting, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.Meeting{}, err
	}
	m, err := activity.NewMeeting(c.OrgID, name, s.Clock.Now())
	if err != nil {
		return m, err
	}
	return m, s.Meetings.Create(ctx, &m)
}

// ListMeetings lists the calling organisation's meetings.
func (s *Service) ListMeetings(ctx context.Context) ([]activity.Meeting, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return nil, err
	}
	return s.Meetings.ListByOrg(ctx, c.OrgID)
}

// DeleteMeeting deletes a meeting and its authorised users. Activities
// limited to it then admit nobody through it.
func (s *Service) DeleteMeeting(ctx context.Context, id int64) error {
	c, err := orgCaller(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := s.meeting(ctx, c, id); err != nil {
			return err
		}
		return s.Meetings.Delete(ctx, id)
	})
}

// MeetingUsers lists the authorised users of a meeting.
func (s *Service) MeetingUsers(ctx context.Context, id int64) ([]string, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.meeting(ctx, c, id); err != nil {
		return nil, err
	}
	return s.Meetings.Users(ctx, id)
}

// AuthoriseUsers adds authorised users to an open meeting and returns the
// users it now has.
func (s *Service) AuthoriseUsers(ctx context.Context, id int64, memberIDs []string) ([]string, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := activity.CheckMemberIDs(memberIDs)
	if err != nil {
		return nil, err
	}
	var users []string
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		m, err := s.meeting(ctx, c, id)
		if err != nil {
			return err
		}
		if err := m.CheckOpen(); err != nil {
			return err
		}
		added, err := s.Meetings.AddUsers(ctx, id, ids)
		if err != nil {
			return err
		}
		if len(added) > 0 {
			if err := s.Outbox.Append(ctx, m.UsersChanged(added, nil, s.Clock.Now())); err != nil {
				return err
			}
		}
		users, err = s.Meetings.Users(ctx, id)
		return err
	})
	return users, err
}

// RevokeUser removes an authorised user from a meeting.
func (s *Service) RevokeUser(ctx context.Context, id int64, memberID string) error {
	c, err := orgCaller(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		m, err := s.meeting(ctx, c, id)
		if err != nil {
			return err
		}
		removed, err := s.Meetings.RemoveUser(ctx, id, memberID)
		if err != nil {
			return err
		}
		if !removed {
			return shared.NotFound("authorised user " + memberID + " of meeting")
		}
		return s.Outbox.Append(ctx, m.UsersChanged(nil, []string{memberID}, s.Clock.Now()))
	})
}
