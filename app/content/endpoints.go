package content

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/ports"
)

// Endpoints are the content use cases as go-kit endpoints. Business errors
// travel inside the responses (endpoint.Failer).
type Endpoints struct {
	FAQs           endpoint.Endpoint
	FAQ            endpoint.Endpoint
	Categories     endpoint.Endpoint
	CreateFeedback endpoint.Endpoint
	MyFeedback     endpoint.Endpoint
	DeleteFeedback endpoint.Endpoint
	ReadReply      endpoint.Endpoint

	CreateFAQ      endpoint.Endpoint
	UpdateFAQ      endpoint.Endpoint
	DeleteFAQ      endpoint.Endpoint
	CreateCategory endpoint.Endpoint
	UpdateCategory endpoint.Endpoint
	DeleteCategory endpoint.Endpoint
	FeedbackList   endpoint.Endpoint
	Reply          endpoint.Endpoint
}

// MakeEndpoints wires every endpoint to s behind a: the users' endpoints
// need a valid token, the managers' the manager role. The lists take a
// kit.Page, the reads and deletions of one entry a kit.IDRequest.
func MakeEndpoints(s *Service, a auth.Authenticator) Endpoints {
	user, manager := auth.RequireUser(a), auth.RequireManager(a)
	saveFAQ := kit.Unary(func(ctx context.Context, r SaveFAQRequest) (content.FAQ, error) {
		if r.ID == 0 {
			return s.CreateFAQ(ctx, r.Input)
		}
		return s.UpdateFAQ(ctx, r.ID, r.Input)
	})
	saveCategory := kit.Unary(func(ctx context.Context, r SaveCategoryRequest) (content.Category, error) {
		if r.ID == 0 {
			return s.CreateCategory(ctx, r.Name, r.Description)
		}
		return s.UpdateCategory(ctx, r.ID, r.Name, r.Description)
	})
	return Endpoints{
		FAQs:       user(kit.Paged(s.FAQs)),
		FAQ:        user(kit.ByID(s.FAQ)),
		Categories: user(kit.Paged(s.Categories)),
		CreateFeedback: user(kit.Unary(func(ctx context.Context, r CreateFeedbackRequest) (content.Feedback, error) {
			return s.CreateFeedback(ctx, r.Input)
		})),
		MyFeedback:     user(kit.Paged(s.MyFeedback)),
		DeleteFeedback: user(kit.CommandByID(s.DeleteFeedback)),
		ReadReply:      user(kit.ByID(s.ReadReply)),

		CreateFAQ:      manager(saveFAQ),
		UpdateFAQ:      manager(saveFAQ),
		DeleteFAQ:      manager(kit.CommandByID(s.DeleteFAQ)),
		CreateCategory: manager(saveCategory),
		UpdateCategory: manager(saveCategory),
		DeleteCategory: manager(kit.CommandByID(s.DeleteCategory)),
		FeedbackList: manager(kit.Unary(func(ctx context.Context, r FeedbackListRequest) (kit.List[content.Feedback], error) {
			items, total, err := s.FeedbackList(ctx, r.Filter, r.Page)
			return kit.List[content.Feedback]{Page: r.Page, Total: total, Items: items}, err
		})),
		Reply: manager(kit.Unary(func(ctx context.Context, r ReplyRequest) (content.Reply, error) {
			return s.Reply(ctx, r.FeedbackID, r.Input)
		})),
	}
}

// SaveFAQRequest creates (ID 0) or updates a FAQ entry.
type SaveFAQRequest struct {
	ID    int64
	Input content.FAQInput
}

// SaveCategoryRequest creates (ID 0) or updates a category.
type SaveCategoryRequest struct {
	ID                int64
	Name, Description string
}

// CreateFeedbackRequest files feedback.
type CreateFeedbackRequest struct{ Input FeedbackInput }

// FeedbackListRequest asks managers' feedback list.
type FeedbackListRequest struct {
	Filter ports.FeedbackFilter
	Page   kit.Page
}

// ReplyRequest answers a feedback.
type ReplyRequest struct {
	FeedbackID int64
	Input      ReplyInput
}
