package activity

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
)

// Org are the organisation API's endpoints; every one needs an
// organisation token. Activities and meetings are named by a kit.IDRequest,
// lists of the organisation's own by a kit.Page or kit.Empty.
type Org struct {
	Me, CreateActivity, ListActivities, GetActivity, UpdateActivity, CloseActivity, DeleteActivity endpoint.Endpoint
	ListMembers, ExportMembers, Draw, Winners                                                      endpoint.Endpoint
	CreateMeeting, ListMeetings, DeleteMeeting, MeetingUsers, AuthoriseUsers, RevokeUser           endpoint.Endpoint
}

// MakeOrg wires the organisation endpoints.
func MakeOrg(s *Service) Org {
	org := RequireOrg(s)
	return Org{
		Me: org(kit.Nullary(s.OwnOrg)),
		CreateActivity: org(kit.Unary(func(ctx context.Context, r DraftRequest) (activity.Activity, error) {
			return s.CreateActivity(ctx, r.Draft)
		})),
		ListActivities: org(kit.Paged(s.ListActivities)),
		GetActivity:    org(kit.ByID(s.Activity)),
		UpdateActivity: org(kit.Unary(func(ctx context.Context, r DraftRequest) (activity.Activity, error) {
			return s.UpdateActivity(ctx, r.ID, r.Draft)
		})),
		CloseActivity:  org(kit.ByID(s.CloseActivity)),
		DeleteActivity: org(kit.CommandByID(s.DeleteActivity)),
		ListMembers: org(kit.Unary(func(ctx context.Context, r MembersRequest) (kit.List[activity.Member], error) {
			items, total, err := s.ListMembers(ctx, r.ID, r.Filter, r.Page)
			return kit.List[activity.Member]{Page: r.Page, Total: total, Items: items}, err
		})),
		ExportMembers: org(kit.Unary(func(ctx context.Context, r MembersRequest) (MemberStream, error) {
			return s.ExportMembers(ctx, r.ID, r.Filter)
		})),
		Draw: org(kit.Unary(func(ctx context.Context, r DrawRequest) ([]activity.Winner, error) {
			return s.Draw(ctx, r.ID, r.Count)
		})),
		Winners: org(kit.ByID(s.ListWinners)),
		CreateMeeting: org(kit.Unary(func(ctx context.Context, r NameRequest) (activity.Meeting, error) {
			return s.CreateMeeting(ctx, r.Name)
		})),
		ListMeetings:  org(kit.Nullary(s.ListMeetings)),
		DeleteMeeting: org(kit.CommandByID(s.DeleteMeeting)),
		MeetingUsers:  org(kit.ByID(s.MeetingUsers)),
		AuthoriseUsers: org(kit.Unary(func(ctx context.Context, r UsersRequest) ([]string, error) {
			return s.AuthoriseUsers(ctx, r.ID, r.MemberIDs)
		})),
		RevokeUser: org(kit.Command(func(ctx context.Context, r MemberRequest) error {
			return s.RevokeUser(ctx, r.ID, r.MemberID)
		})),
	}
}

// MemberStream is what the members export answers: a function that hands
// the chosen members, in join order, to fn.
type MemberStream = func(ctx context.Context, fn func(activity.Member) error) error

// Manage are the managers' endpoints for organisations and their tokens.
type Manage struct {
	CreateOrg, ListOrgs, IssueToken, ListTokens, RevokeToken endpoint.Endpoint
}

// MakeManage wires the manager endpoints behind the account module's
// authenticator, manager role required.
func MakeManage(s *Service, accounts auth.Authenticator) Manage {
	mgr := auth.RequireManager(accounts)
	return Manage{
		CreateOrg: mgr(kit.Unary(func(ctx context.Context, r NameRequest) (activity.Organisation, error) {
			return s.CreateOrg(ctx, r.Name)
		})),
		ListOrgs: mgr(kit.Paged(s.ListOrgs)),
		IssueToken: mgr(kit.Unary(func(ctx context.Context, r TokenRequest) (IssuedToken, error) {
			return s.IssueToken(ctx, r.OrgID, r.Label)
		})),
		ListTokens: mgr(kit.Unary(func(ctx context.Context, r TokenRequest) ([]activity.OrgToken, error) {
			return s.Tokens(ctx, r.OrgID)
		})),
		RevokeToken: mgr(kit.Command(func(ctx context.Context, r TokenRequest) error {
			return s.RevokeToken(ctx, r.OrgID, r.TokenID)
		})),
	}
}
