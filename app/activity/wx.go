package activity

import (
	"context"
	"errors"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// load returns activity id as the caller may see it: any activity for a
// user, only its own for an organisation.
func (s *Service) load(ctx context.Context, c Caller, id int64) (activity.Activity, error) {
	a, err := s.Activities.ByID(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return a, activity.ErrActivityNotFound.WithMessage("activity %d not found", id)
	}
	if err != nil {
		return a, err
	}
	if c.IsOrg() && a.OrgID != c.OrgID {
		return a, activity.ErrOtherOrg.WithMessage("activity %d belongs to another organisation", id)
	}
	return a, nil
}

// Info returns an activity.
func (s *Service) Info(ctx context.Context, id int64) (activity.Activity, error) {
	c, err := CallerFrom(ctx)
	if err != nil {
		return activity.Activity{}, err
	}
	return s.load(ctx, c, id)
}

// Exists reports whether an activity exists; another organisation's
// activity is an error, like every other read of it.
func (s *Service) Exists(ctx context.Context, id int64) (bool, error) {
	_, err := s.Info(ctx, id)
	if errors.Is(err, activity.ErrActivityNotFound) {
		return false, nil
	}
	return err == nil, err
}

// AuthMeeting returns the first meeting of the activity's permission that
// authorises the member, 0 when none does or the activity is open to all.
func (s *Service) AuthMeeting(ctx context.Context, id int64, memberID string) (int64, error) {
	c, err := CallerFrom(ctx)
	if err != nil {
		return 0, err
	}
	a, err := s.load(ctx, c, id)
	if err != nil {
		return 0, err
	}
	if memberID, err = memberOf(c, memberID); err != nil {
		return 0, err
	}
	return s.authorising(ctx, a, memberID)
}

func (s *Service) authorising(ctx context.Context, a activity.Activity, memberID string) (int64, error) {
	if !a.Restricted() {
		return 0, nil
	}
	return s.Meetings.FirstAuthorising(ctx, a.Permission, memberID)
}

// HasJoined reports whether the member has joined the activity.
func (s *Service) HasJoined(ctx context.Context, id int64, memberID string) (bool, error) {
	c, err := CallerFrom(ctx)
	if err != nil {
		return false, err
	}
	if _, err := s.load(ctx, c, id); err != nil {
		return false, err
	}
	if memberID, err = memberOf(c, memberID); err != nil {
		return false, err
	}
	_, err = s.Members.Get(ctx, id, memberID)
	if errors.Is(err, shared.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SubmitMember creates or updates the member of an activity with the
// WeChat profile and the collected information, under the activity's join
// rules, and returns the member id.
func (s *Service) SubmitMember(ctx context.Context, id int64, memberID string, p activity.Profile) (string, error) {
	c, err := CallerFrom(ctx)
	if err != nil {
		return "", err
	}
	if memberID, err = memberOf(c, memberID); err != nil {
		return "", err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		a, err := s.load(ctx, c, id)
		if err != nil {
			return err
		}
		current, err := s.Members.Get(ctx, id, memberID)
		isNew := errors.Is(err, shared.ErrNotFound)
		if err != nil && !isNew {
			return err
		}
		meeting, err := s.authorising(ctx, a, memberID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if err := a.Admit(now, current, p, meeting); err != nil {
			return err
		}
		if isNew {
			m := activity.Member{ActivityID: id, MemberID: memberID, MeetingID: meeting, Source: activity.SourceJoined, JoinedAt: now}
			m.Merge(p, now)
			m.UpdatedAt = now
			if err := s.Members.Create(ctx, &m); err != nil {
				return concurrent(err)
			}
			return s.Outbox.Append(ctx, m.Joined())
		}
		moved := current.MeetingID != meeting
		current.MeetingID = meeting
		if !current.Merge(p, now) && !moved {
			return nil
		}
		current.UpdatedAt = now
		if err := s.Members.Update(ctx, current); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, current.Updated())
	})
	return memberID, err
}

// SyncCourseSignin records that a member signed in to a course of the
// calling organisation. Repeating it is harmless: the sign-in is stored
// once and updated (with an event) only when the profile changed.
func (s *Service) SyncCourseSignin(ctx context.Context, courseID int64, memberID, icon, nickname string) (string, error) {
	c, err := CallerFrom(ctx)
	if err != nil {
		return "", err
	}
	if !c.IsOrg() {
		return "", activity.ErrOrgOnly
	}
	if err := activity.CheckMemberID(memberID); err != nil {
		return "", err
	}
	if err := (activity.Profile{Icon: icon, Nickname: nickname}).Check(); err != nil {
		return "", err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		now := s.Clock.Now()
		cur, err := s.Signins.Get(ctx, c.OrgID, courseID, memberID)
		if errors.Is(err, shared.ErrNotFound) {
			cs := activity.CourseSignin{OrgID: c.OrgID, CourseID: courseID, MemberID: memberID, Icon: icon, Nickname: nickname, SignedAt: now, UpdatedAt: now}
			if err := s.Signins.Create(ctx, &cs); err != nil {
				return concurrent(err)
			}
			return s.Outbox.Append(ctx, cs.Synced())
		}
		if err != nil {
			return err
		}
		if (icon == "" || icon == cur.Icon) && (nickname == "" || nickname == cur.Nickname) {
			return nil
		}
		if icon != "" {
			cur.Icon = icon
		}
		if nickname != "" {
			cur.Nickname = nickname
		}
		cur.UpdatedAt = now
		if err := s.Signins.Update(ctx, cur); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, cur.Synced())
	})
	return memberID, err
}

// concurrent turns the unique-key violation of a row another request
// inserted first into a conflict the caller can retry.
func concurrent(err error) error {
	if errors.Is(err, shared.ErrAlreadyExists) {
		return activity.ErrConcurrent
	}
	return err
}
