package activity

import (
	"context"
	"fmt"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports"
)

// Response carries a use case's result; business errors travel inside it
// (endpoint.Failer), while errors of the credential middleware are returned
// as the endpoint's error.
type Response struct {
	Data any
	Err  error
}

// Failed implements endpoint.Failer.
func (r Response) Failed() error { return r.Err }

// PageResult is a page of a list: the page asked for, the total count and
// the items on the page.
type PageResult struct {
	kit.Page
	Items any
	Total int64
}

// unary turns a typed use case call into an endpoint.
func unary[R any](fn func(ctx context.Context, req R) (any, error)) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req, ok := request.(R)
		if !ok {
			return nil, fmt.Errorf("activity endpoint: unexpected request %T", request)
		}
		data, err := fn(ctx, req)
		return Response{Data: data, Err: err}, nil
	}
}

// The requests naming activities, meetings and members.
type (
	// IDRequest names an activity or a meeting by id.
	IDRequest struct{ ID int64 }
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

// WX are the WeChat-side endpoints; every one identifies its caller.
type WX struct {
	Info, Exist, CollectInfo, AuthMeeting, HasJoin, SubmitMember, CourseSignin endpoint.Endpoint
}

// MakeWX wires the WeChat-side endpoints.
func MakeWX(s *Service) WX {
	caller := RequireCaller(s, false)
	return WX{
		Info:        caller(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.Info(ctx, r.ID) })),
		Exist:       caller(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.Exists(ctx, r.ID) })),
		CollectInfo: caller(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.Info(ctx, r.ID) })),
		AuthMeeting: caller(unary(func(ctx context.Context, r MemberRequest) (any, error) { return s.AuthMeeting(ctx, r.ID, r.MemberID) })),
		HasJoin:     caller(unary(func(ctx context.Context, r MemberRequest) (any, error) { return s.HasJoined(ctx, r.ID, r.MemberID) })),
		SubmitMember: caller(unary(func(ctx context.Context, r SubmitMemberRequest) (any, error) {
			return s.SubmitMember(ctx, r.ID, r.MemberID, r.Profile)
		})),
		CourseSignin: caller(unary(func(ctx context.Context, r CourseSigninRequest) (any, error) {
			return s.SyncCourseSignin(ctx, r.CourseID, r.MemberID, r.Icon, r.Nickname)
		})),
	}
}
