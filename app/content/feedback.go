package content

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// FeedbackInput is what a user reports.
type FeedbackInput struct {
	Content      string
	CategoryID   int64
	ContactPhone string
}

// CreateFeedback files the caller's feedback.
func (s *Service) CreateFeedback(ctx context.Context, in FeedbackInput) (content.Feedback, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return content.Feedback{}, err
	}
	f, err := content.NewFeedback(uid, in.Content, in.CategoryID, in.ContactPhone, s.Clock.Now())
	if err != nil {
		return f, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if f.CategoryID != 0 {
			if _, err := s.Deps.Categories.ByID(ctx, f.CategoryID); err != nil {
				return shared.NotFoundAs(err, content.ErrUnknownCategory)
			}
		}
		if err := s.Feedbacks.Create(ctx, &f); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, f.Created())
	})
	return f, err
}

// MyFeedback lists the caller's feedback, newest first.
func (s *Service) MyFeedback(ctx context.Context, p kit.Page) ([]content.Feedback, int64, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.Feedbacks.List(ctx, ports.FeedbackFilter{UserID: &uid}, p.Offset(), p.Limit())
}

// ownFeedback loads one of the caller's (uid's) feedback.
func (s *Service) ownFeedback(ctx context.Context, uid, id int64) (content.Feedback, error) {
	f, err := s.Feedbacks.ByID(ctx, id)
	if err != nil {
		return f, shared.NotFoundAs(err, content.ErrFeedbackNotFound)
	}
	return f, f.OwnedBy(uid)
}

// DeleteFeedback deletes one of the caller's feedback and its reply.
func (s *Service) DeleteFeedback(ctx context.Context, id int64) error {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		f, err := s.ownFeedback(ctx, uid, id)
		if err != nil {
			return err
		}
		if err := s.Feedbacks.Delete(ctx, id); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, f.Deleted(s.Clock.Now()))
	})
}

// ReadReply returns the manager's reply to one of the caller's feedback and
// marks it read.
func (s *Service) ReadReply(ctx context.Context, feedbackID int64) (content.Reply, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return content.Reply{}, err
	}
	var r content.Reply
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		f, err := s.ownFeedback(ctx, uid, feedbackID)
		if err != nil {
			return err
		}
		if r, err = s.Feedbacks.Reply(ctx, feedbackID); err != nil {
			return shared.NotFoundAs(err, content.ErrNoReply)
		}
		// The reply is answered as the user saw it: unread this time.
		seen := r
		if !r.MarkRead(s.Clock.Now()) {
			return nil
		}
		if err := s.Feedbacks.SaveReply(ctx, &r); err != nil {
			return err
		}
		event := r.Read(f)
		r = seen
		return s.Outbox.Append(ctx, event)
	})
	return r, err
}

// FeedbackList lists all feedback for managers, newest first, filtered.
func (s *Service) FeedbackList(ctx context.Context, filter ports.FeedbackFilter, p kit.Page) ([]content.Feedback, int64, error) {
	if _, err := auth.CallerID(ctx); err != nil {
		return nil, 0, err
	}
	return s.Feedbacks.List(ctx, filter, p.Offset(), p.Limit())
}

// ReplyInput is a manager's answer; Status defaults to Replied.
type ReplyInput struct {
	Content string
	Status  *content.Status
}

// Reply answers a feedback (managers): it writes or replaces the reply,
// moves the feedback's status and records the manager.
func (s *Service) Reply(ctx context.Context, feedbackID int64, in ReplyInput) (content.Reply, error) {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return content.Reply{}, err
	}
	status := content.Replied
	if in.Status != nil {
		status = *in.Status
	}
	var r content.Reply
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		f, err := s.Feedbacks.ByID(ctx, feedbackID)
		if err != nil {
			return shared.NotFoundAs(err, content.ErrFeedbackNotFound)
		}
		r, err = s.Feedbacks.Reply(ctx, feedbackID)
		if err != nil && !errors.Is(err, shared.ErrNotFound) {
			return err
		}
		if err := content.Answer(&f, &r, mid, in.Content, status, s.Clock.Now()); err != nil {
			return err
		}
		if err := s.Feedbacks.SaveReply(ctx, &r); err != nil {
			return err
		}
		if err := s.Feedbacks.Update(ctx, f); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, r.Replied(f))
	})
	return r, err
}
