package content

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
)

// Feedback returns one feedback for a manager, with its reply when it has
// one (replied is false otherwise). Reading it changes nothing.
func (s *Service) Feedback(ctx context.Context, id int64) (f content.Feedback, r content.Reply, replied bool, err error) {
	if _, err = auth.CallerID(ctx); err != nil {
		return f, r, false, err
	}
	f, err = s.Feedbacks.ByID(ctx, id)
	if err != nil {
		return f, r, false, shared.NotFoundAs(err, content.ErrFeedbackNotFound)
	}
	r, err = s.Feedbacks.Reply(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return f, content.Reply{}, false, nil
	}
	return f, r, err == nil, err
}
