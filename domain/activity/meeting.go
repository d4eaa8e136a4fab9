package activity

import (
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Meeting is a group of users of an organisation; activities limited to a
// meeting admit only its authorised users.
type Meeting struct {
	ID        int64
	OrgID     int64
	Name      string
	CreatedAt time.Time
	// ClosedAt is when the organisation closed the meeting; zero while
	// it is open (see meeting_edit.go).
	ClosedAt time.Time
}

// MaxUsersPerCall bounds how many users one call adds to a meeting.
const MaxUsersPerCall = 500

// NewMeeting checks the name and builds a meeting of org.
func NewMeeting(orgID int64, name string, now time.Time) (Meeting, error) {
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return Meeting{}, err
	}
	return Meeting{OrgID: orgID, Name: name, CreatedAt: now}, nil
}

// CheckMemberIDs validates a list of users to authorise, without repeats.
func CheckMemberIDs(ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, shared.Invalid("member_ids", "member_ids is required: a non-empty list")
	}
	if len(ids) > MaxUsersPerCall {
		return nil, shared.Invalid("member_ids", "member_ids holds at most %d ids per call", MaxUsersPerCall)
	}
	return shared.Distinct(ids, func(id string) (string, error) {
		id = strings.TrimSpace(id)
		if err := CheckMemberID(id); err != nil {
			// The rule broken is the member id's; the field is the list.
			e := *err.(*shared.Error)
			e.Field, e.Message = "member_ids", "member_ids: "+e.Message
			return "", &e
		}
		return id, nil
	})
}

// UsersChanged is the event of users authorised for or removed from a meeting.
func (m Meeting) UsersChanged(added, removed []string, now time.Time) shared.Event {
	if added == nil {
		added = []string{}
	}
	if removed == nil {
		removed = []string{}
	}
	return shared.NewEvent(Module, "meeting_users_changed", orgAggregate(m.OrgID), now, map[string]any{
		"meeting_id": m.ID, "org_id": m.OrgID, "added": added, "removed": removed})
}

// CourseSignin is a member's sign-in to a course, synced from a course
// server. One per organisation, course and member: a repeated sync updates
// it.
type CourseSignin struct {
	ID        int64
	OrgID     int64
	CourseID  int64
	MemberID  string
	Icon      string
	Nickname  string
	SignedAt  time.Time
	UpdatedAt time.Time
}

// Synced is the event of a new or changed course sign-in.
func (c CourseSignin) Synced() shared.Event {
	return shared.NewEvent(Module, "course_signin_synced", "course:"+itoa(c.OrgID)+":"+itoa(c.CourseID), c.UpdatedAt, map[string]any{
		"org_id": c.OrgID, "course_id": c.CourseID, "member_id": c.MemberID, "icon": c.Icon, "nickname": c.Nickname})
}

// Winner is a member drawn in a lottery.
type Winner struct {
	ActivityID int64
	MemberID   string
	Nickname   string
	DrawnAt    time.Time
}

// MaxDraw bounds how many winners one draw picks.
const MaxDraw = 1000

// WinnersDrawn is the event of a lottery draw.
func WinnersDrawn(a Activity, winners []Winner, now time.Time) shared.Event {
	ids := make([]string, len(winners))
	for i, w := range winners {
		ids[i] = w.MemberID
	}
	return shared.NewEvent(Module, "winners_drawn", a.AggregateID(), now, map[string]any{
		"activity_id": a.ID, "org_id": a.OrgID, "member_ids": ids})
}
