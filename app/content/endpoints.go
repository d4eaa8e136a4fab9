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
// need a valid token, the managers' the manager role.
func MakeEndpoints(s *Service, a auth.Authenticator) Endpoints {
	user, manager := auth.RequireUser(a), auth.RequireManager(a)
	return Endpoints{
		FAQs:           user(listEndpoint(s.FAQs)),
		FAQ:            user(MakeFAQEndpoint(s)),
		Categories:     user(listEndpoint(s.Categories)),
		CreateFeedback: user(MakeCreateFeedbackEndpoint(s)),
		MyFeedback:     user(listEndpoint(s.MyFeedback)),
		DeleteFeedback: user(idEndpoint(s.DeleteFeedback)),
		ReadReply:      user(MakeReadReplyEndpoint(s)),

		CreateFAQ:      manager(MakeSaveFAQEndpoint(s)),
		UpdateFAQ:      manager(MakeSaveFAQEndpoint(s)),
		DeleteFAQ:      manager(idEndpoint(s.DeleteFAQ)),
		CreateCategory: manager(MakeSaveCategoryEndpoint(s)),
		UpdateCategory: manager(MakeSaveCategoryEndpoint(s)),
		DeleteCategory: manager(idEndpoint(s.DeleteCategory)),
		FeedbackList:   manager(MakeFeedbackListEndpoint(s)),
		Reply:          manager(MakeReplyEndpoint(s)),
	}
}

// PageRequest asks for a page of a list.
type PageRequest struct{ Page kit.Page }

// IDRequest names a FAQ entry, a category or a feedback.
type IDRequest struct{ ID int64 }

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

// EmptyResponse answers use cases with no data.
type EmptyResponse struct{ Err error }

// Failed implements endpoint.Failer.
func (r EmptyResponse) Failed() error { return r.Err }

// ListResponse carries a page of FAQ entries, categories or feedback.
type ListResponse[T any] struct {
	Page  kit.Page
	Total int64
	Items []T
	Err   error
}

// Failed implements endpoint.Failer.
func (r ListResponse[T]) Failed() error { return r.Err }

// FAQResponse carries a FAQ entry.
type FAQResponse struct {
	FAQ content.FAQ
	Err error
}

// Failed implements endpoint.Failer.
func (r FAQResponse) Failed() error { return r.Err }

// CategoryResponse carries a category.
type CategoryResponse struct {
	Category content.Category
	Err      error
}

// Failed implements endpoint.Failer.
func (r CategoryResponse) Failed() error { return r.Err }

// FeedbackResponse carries a feedback.
type FeedbackResponse struct {
	Feedback content.Feedback
	Err      error
}

// Failed implements endpoint.Failer.
func (r FeedbackResponse) Failed() error { return r.Err }

// ReplyResponse carries a reply.
type ReplyResponse struct {
	Reply content.Reply
	Err   error
}

// Failed implements endpoint.Failer.
func (r ReplyResponse) Failed() error { return r.Err }

func listEndpoint[T any](list func(context.Context, kit.Page) ([]T, int64, error)) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		p := request.(PageRequest).Page
		items, total, err := list(ctx, p)
		return ListResponse[T]{Page: p, Total: total, Items: items, Err: err}, nil
	}
}

// idEndpoint wraps a use case that acts on one id and answers nothing.
func idEndpoint(do func(context.Context, int64) error) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		return EmptyResponse{Err: do(ctx, request.(IDRequest).ID)}, nil
	}
}

// MakeFAQEndpoint wraps Service.FAQ.
func MakeFAQEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		f, err := s.FAQ(ctx, request.(IDRequest).ID)
		return FAQResponse{FAQ: f, Err: err}, nil
	}
}

// MakeReadReplyEndpoint wraps Service.ReadReply.
func MakeReadReplyEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		r, err := s.ReadReply(ctx, request.(IDRequest).ID)
		return ReplyResponse{Reply: r, Err: err}, nil
	}
}

// MakeCreateFeedbackEndpoint wraps Service.CreateFeedback.
func MakeCreateFeedbackEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		f, err := s.CreateFeedback(ctx, request.(CreateFeedbackRequest).Input)
		return FeedbackResponse{Feedback: f, Err: err}, nil
	}
}

// MakeSaveFAQEndpoint wraps Service.CreateFAQ and Service.UpdateFAQ.
func MakeSaveFAQEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(SaveFAQRequest)
		if req.ID == 0 {
			f, err := s.CreateFAQ(ctx, req.Input)
			return FAQResponse{FAQ: f, Err: err}, nil
		}
		f, err := s.UpdateFAQ(ctx, req.ID, req.Input)
		return FAQResponse{FAQ: f, Err: err}, nil
	}
}

// MakeSaveCategoryEndpoint wraps Service.CreateCategory and Service.UpdateCategory.
func MakeSaveCategoryEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(SaveCategoryRequest)
		if req.ID == 0 {
			c, err := s.CreateCategory(ctx, req.Name, req.Description)
			return CategoryResponse{Category: c, Err: err}, nil
		}
		c, err := s.UpdateCategory(ctx, req.ID, req.Name, req.Description)
		return CategoryResponse{Category: c, Err: err}, nil
	}
}

// MakeFeedbackListEndpoint wraps Service.FeedbackList.
func MakeFeedbackListEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(FeedbackListRequest)
		items, total, err := s.FeedbackList(ctx, req.Filter, req.Page)
		return ListResponse[content.Feedback]{Page: req.Page, Total: total, Items: items, Err: err}, nil
	}
}

// MakeReplyEndpoint wraps Service.Reply.
func MakeReplyEndpoint(s *Service) endpoint.Endpoint {
	return func(ctx context.Context, request any) (any, error) {
		req := request.(ReplyRequest)
		r, err := s.Reply(ctx, req.FeedbackID, req.Input)
		return ReplyResponse{Reply: r, Err: err}, nil
	}
}
