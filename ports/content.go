package ports

import (
	"context"

	"github.com/campushub/campushub/domain/content"
)

// FAQs stores FAQ entries; lookups return shared.ErrNotFound.
type FAQs interface {
	Create(ctx context.Context, f *content.FAQ) error
	ByID(ctx context.Context, id int64) (content.FAQ, error)
	Update(ctx context.Context, f content.FAQ) error
	Delete(ctx context.Context, id int64) error
	// List returns a page, newest first, and the total.
	List(ctx context.Context, offset, limit int) ([]content.FAQ, int64, error)
}

// Categories stores feedback categories; Create and Update return
// shared.ErrAlreadyExists for a taken name.
type Categories interface {
	Create(ctx context.Context, c *content.Category) error
	ByID(ctx context.Context, id int64) (content.Category, error)
	Update(ctx context.Context, c content.Category) error
	Delete(ctx context.Context, id int64) error
	// List returns a page in id order and the total.
	List(ctx context.Context, offset, limit int) ([]content.Category, int64, error)
}

// FeedbackFilter narrows the managers' feedback list; nil means any.
type FeedbackFilter struct {
	UserID     *int64
	Status     *content.Status
	CategoryID *int64
}

// Feedbacks stores feedback and its replies.
type Feedbacks interface {
	Create(ctx context.Context, f *content.Feedback) error
	ByID(ctx context.Context, id int64) (content.Feedback, error)
	Update(ctx context.Context, f content.Feedback) error
	// Delete removes a feedback and its reply.
	Delete(ctx context.Context, id int64) error
	// List returns a filtered page, newest first, and the total.
	List(ctx context.Context, f FeedbackFilter, offset, limit int) ([]content.Feedback, int64, error)
	// CountByCategory counts the feedback filed under a category.
	CountByCategory(ctx context.Context, categoryID int64) (int64, error)
	// Reply returns the reply to a feedback, or shared.ErrNotFound.
	Reply(ctx context.Context, feedbackID int64) (content.Reply, error)
	// SaveReply inserts (ID 0) or updates a reply.
	SaveReply(ctx context.Context, r *content.Reply) error
	UnreadReplies
}
