package ports

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/activity"
)

// Organisations stores organisations and their tokens. Lookups return
// shared.ErrNotFound.
type Organisations interface {
	Create(ctx context.Context, o *activity.Organisation) error
	ByID(ctx context.Context, id int64) (activity.Organisation, error)
	List(ctx context.Context, offset, limit int) ([]activity.Organisation, int64, error)
	CreateToken(ctx context.Context, t *activity.OrgToken) error
	TokenByHash(ctx context.Context, hash string) (activity.OrgToken, error)
	Tokens(ctx context.Context, orgID int64) ([]activity.OrgToken, error)
	// RevokeToken sets revoked_at on an active token of org and reports
	// whether it did.
	RevokeToken(ctx context.Context, orgID, tokenID int64, at time.Time) (bool, error)
}

// Activities stores activities; deleted ones are gone for every lookup.
type Activities interface {
	Create(ctx context.Context, a *activity.Activity) error
	ByID(ctx context.Context, id int64) (activity.Activity, error)
	Update(ctx context.Context, a activity.Activity) error
	Delete(ctx context.Context, id int64, at time.Time) error
	ListByOrg(ctx context.Context, orgID int64, offset, limit int) ([]activity.Activity, int64, error)
}

// Meetings stores meetings and their authorised users.
type Meetings interface {
	Create(ctx context.Context, m *activity.Meeting) error
	ByID(ctx context.Context, id int64) (activity.Meeting, error)
	ListByOrg(ctx context.Context, orgID int64) ([]activity.Meeting, error)
	// Update stores a meeting's name and closing time.
	Update(ctx context.Context, m activity.Meeting) error
	Delete(ctx context.Context, id int64) error
	// AddUsers authorises member ids (already authorised ones are kept)
	// and returns those that were new.
	AddUsers(ctx context.Context, meetingID int64, memberIDs []string) ([]string, error)
	// RemoveUser reports whether the user was authorised.
	RemoveUser(ctx context.Context, meetingID int64, memberID string) (bool, error)
	Users(ctx context.Context, meetingID int64) ([]string, error)
	// FirstAuthorising returns the first of meetingIDs, in their order, that
	// is open and authorises memberID, or 0.
	FirstAuthorising(ctx context.Context, meetingIDs []int64, memberID string) (int64, error)
}

// MemberFilter narrows a member listing.
type MemberFilter struct {
	// Query matches member id, nickname, real name or phone (substring).
	Query string
	// MeetingID keeps members admitted through one meeting; 0: all.
	MeetingID int64
}

// Members stores activity members.
type Members interface {
	// Get returns the member or shared.ErrNotFound.
	Get(ctx context.Context, activityID int64, memberID string) (activity.Member, error)
	// Create returns shared.ErrAlreadyExists when the member exists.
	Create(ctx context.Context, m *activity.Member) error
	Update(ctx context.Context, m activity.Member) error
	List(ctx context.Context, activityID int64, f MemberFilter, offset, limit int) ([]activity.Member, int64, error)
	// Each calls fn for every member matching f, in join order.
	Each(ctx context.Context, activityID int64, f MemberFilter, fn func(activity.Member) error) error
	// Undrawn lists the members of a lottery not yet drawn.
	Undrawn(ctx context.Context, activityID int64) ([]activity.Member, error)
}

// CourseSignins stores course sign-ins synced from course servers.
type CourseSignins interface {
	Get(ctx context.Context, orgID, courseID int64, memberID string) (activity.CourseSignin, error)
	// Create returns shared.ErrAlreadyExists when the sign-in exists.
	Create(ctx context.Context, c *activity.CourseSignin) error
	Update(ctx context.Context, c activity.CourseSignin) error
}

// Winners stores lottery results; a member is drawn at most once per
// activity (Add returns shared.ErrAlreadyExists otherwise).
type Winners interface {
	Add(ctx context.Context, ws ...activity.Winner) error
	List(ctx context.Context, activityID int64) ([]activity.Winner, error)
}

// Dice draws fair random numbers for lotteries.
type Dice interface {
	// Intn returns a uniform number in [0, n).
	Intn(n int) int
}
