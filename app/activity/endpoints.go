package activity

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports"
)

// The requests naming activities, meetings and members.
type (
	// MemberRequest names a member of an activity, or an authorised user
	// of a meeting; MemberID may be empty for a user, who then means
	// themselves.
	MemberRequest struct {
		ID       int64
		MemberID string
	}
	// SubmitMemberRequest creates or updates a member.
	SubmitMemberRequest struct {
		ID       int64
		MemberID string
		Profile  activity.Profile
	}
	// CourseSigninRequest syncs a course sign-in.
	CourseSigninRequest struct {
		CourseID                 int64
		MemberID, Icon, Nickname string
	}
)

// The organisation and manager requests.
type (
	// DraftRequest creates (ID 0) or updates an activity.
	DraftRequest struct {
		ID    int64
		Draft activity.Draft
	}
	// MembersRequest lists an activity's members.
	MembersRequest struct {
		ID     int64
		Filter ports.MemberFilter
		Page   kit.Page
	}
	// DrawRequest draws lottery winners.
	DrawRequest struct {
		ID    int64
		Count int
	}
	// NameRequest creates a named thing (a meeting, an organisation).
	NameRequest struct{ Name string }
	// UsersRequest authorises users for a meeting.
	UsersRequest struct {
		ID        int64
		MemberIDs []string
	}
	// TokenRequest issues (TokenID 0) or revokes an organisation token.
	TokenRequest struct {
		OrgID, TokenID int64
		Label          string
	}
)

// WX are the WeChat-side endpoints; every one identifies its caller, a
// user or an organisation. Activities and meetings are named by a
// kit.IDRequest.
type WX struct {
	Info, Exist, CollectInfo, AuthMeeting, HasJoin, SubmitMember, CourseSignin endpoint.Endpoint
}

// MakeWX wires the WeChat-side endpoints.
func MakeWX(s *Service) WX {
	caller := RequireCaller(s)
	return WX{
		Info:  caller(kit.ByID(s.Info)),
		Exist: caller(kit.ByID(s.Exists)),
		// collect_info answers a part of the activity.
		CollectInfo: caller(kit.ByID(s.Info)),
		AuthMeeting: caller(kit.Unary(func(ctx context.Context, r MemberRequest) (int64, error) {
			return s.AuthMeeting(ctx, r.ID, r.MemberID)
		})),
		HasJoin: caller(kit.Unary(func(ctx context.Context, r MemberRequest) (bool, error) {
			return s.HasJoined(ctx, r.ID, r.MemberID)
		})),
		SubmitMember: caller(kit.Unary(func(ctx context.Context, r SubmitMemberRequest) (string, error) {
			return s.SubmitMember(ctx, r.ID, r.MemberID, r.Profile)
		})),
		CourseSignin: caller(kit.Unary(func(ctx context.Context, r CourseSigninRequest) (string, error) {
			return s.SyncCourseSignin(ctx, r.CourseID, r.MemberID, r.Icon, r.Nickname)
		})),
	}
}
