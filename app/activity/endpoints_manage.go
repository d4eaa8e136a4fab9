package activity

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
)

// Org are the organisation API's endpoints; every one needs an
// organisation token.
type Org struct {
	Me, CreateActivity, ListActivities, GetActivity, UpdateActivity, CloseActivity, DeleteActivity endpoint.Endpoint
	ListMembers, ExportMembers, Draw, Winners                                                      endpoint.Endpoint
	CreateMeeting, ListMeetings, DeleteMeeting, MeetingUsers, AuthoriseUsers, RevokeUser           endpoint.Endpoint
}

// MakeOrg wires the organisation endpoints.
func MakeOrg(s *Service) Org {
	org := RequireCaller(s, true)
	return Org{
		Me:             org(unary(func(ctx context.Context, _ struct{}) (any, error) { return s.OwnOrg(ctx) })),
		CreateActivity: org(unary(func(ctx context.Context, r DraftRequest) (any, error) { return s.CreateActivity(ctx, r.Draft) })),
		ListActivities: org(unary(func(ctx context.Context, p kit.Page) (any, error) {
			items, total, err := s.ListActivities(ctx, p)
			return PageResult{Page: p, Items: items, Total: total}, err
		})),
		GetActivity:    org(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.Activity(ctx, r.ID) })),
		UpdateActivity: org(unary(func(ctx context.Context, r DraftRequest) (any, error) { return s.UpdateActivity(ctx, r.ID, r.Draft) })),
		CloseActivity:  org(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.CloseActivity(ctx, r.ID) })),
		DeleteActivity: org(unary(func(ctx context.Context, r IDRequest) (any, error) { return nil, s.DeleteActivity(ctx, r.ID) })),
		ListMembers: org(unary(func(ctx context.Context, r MembersRequest) (any, error) {
			items, total, err := s.ListMembers(ctx, r.ID, r.Filter, r.Page)
			return PageResult{Page: r.Page, Items: items, Total: total}, err
		})),
		ExportMembers: org(unary(func(ctx context.Context, r MembersRequest) (any, error) { return s.ExportMembers(ctx, r.ID, r.Filter) })),
		Draw:          org(unary(func(ctx context.Context, r DrawRequest) (any, error) { return s.Draw(ctx, r.ID, r.Count) })),
		Winners:       org(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.ListWinners(ctx, r.ID) })),
		CreateMeeting: org(unary(func(ctx context.Context, r NameRequest) (any, error) { return s.CreateMeeting(ctx, r.Name) })),
		ListMeetings:  org(unary(func(ctx context.Context, _ struct{}) (any, error) { return s.ListMeetings(ctx) })),
		DeleteMeeting: org(unary(func(ctx context.Context, r IDRequest) (any, error) { return nil, s.DeleteMeeting(ctx, r.ID) })),
		MeetingUsers:  org(unary(func(ctx context.Context, r IDRequest) (any, error) { return s.MeetingUsers(ctx, r.ID) })),
		AuthoriseUsers: org(unary(func(ctx context.Context, r UsersRequest) (any, error) {
			return s.AuthoriseUsers(ctx, r.ID, r.MemberIDs)
		})),
		RevokeUser: org(unary(func(ctx context.Context, r MemberRequest) (any, error) {
			return nil, s.RevokeUser(ctx, r.ID, r.MemberID)
		})),
	}
}

// Manage are the managers' endpoints for organisations and their tokens.
type Manage struct {
	CreateOrg, ListOrgs, IssueToken, ListTokens, RevokeToken endpoint.Endpoint
}

// MakeManage wires the manager endpoints behind the account module's
// authenticator, manager role required.
func MakeManage(s *Service, accounts auth.Authenticator) Manage {
	mgr := auth.RequireManager(accounts)
	return Manage{
		CreateOrg: mgr(unary(func(ctx context.Context, r NameRequest) (any, error) { return s.CreateOrg(ctx, r.Name) })),
		ListOrgs: mgr(unary(func(ctx context.Context, p kit.Page) (any, error) {
			items, total, err := s.ListOrgs(ctx, p)
			return PageResult{Page: p, Items: items, Total: total}, err
		})),
		IssueToken: mgr(unary(func(ctx context.Context, r TokenRequest) (any, error) { return s.IssueToken(ctx, r.OrgID, r.Label) })),
		ListTokens: mgr(unary(func(ctx context.Context, r TokenRequest) (any, error) { return s.Tokens(ctx, r.OrgID) })),
		RevokeToken: mgr(unary(func(ctx context.Context, r TokenRequest) (any, error) {
			return nil, s.RevokeToken(ctx, r.OrgID, r.TokenID)
		})),
	}
}
