package push

import (
	"context"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
)

// MaxReadIDs bounds the push ids a client may send to the message counter.
const MaxReadIDs = 1000

// Log lists the pushes addressed to the caller, newest first.
func (s *Service) Log(ctx context.Context, p kit.Page) ([]push.Push, int64, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.Logs.Visible(ctx, uid, p.Offset(), p.Limit())
}

// LogEntry returns one push addressed to the caller.
func (s *Service) LogEntry(ctx context.Context, id int64) (push.Push, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return push.Push{}, err
	}
	p, err := s.Logs.VisibleByID(ctx, uid, id)
	return p, shared.NotFoundAs(err, push.ErrPushNotFound)
}

// ClearLog hides every push sent so far from the caller's list; other users
// and later pushes are not affected.
func (s *Service) ClearLog(ctx context.Context) error {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		max, err := s.Logs.MaxID(ctx)
		if err != nil || max == 0 {
			return err
		}
		return s.Logs.ClearThrough(ctx, uid, max)
	})
}

// Counts are the caller's unread numbers.
type Counts struct {
	Pushes   int64
	Feedback int64
}

// Count counts the pushes addressed to the caller that are neither in read
// nor cleared, and the managers' replies the caller has not read.
func (s *Service) Count(ctx context.Context, read []int64) (Counts, error) {
	uid, err := auth.CallerID(ctx)
	if err != nil {
		return Counts{}, err
	}
	if len(read) > MaxReadIDs {
		return Counts{}, shared.Invalid("push_ids", "push_ids holds more than %d ids", MaxReadIDs)
	}
	pushes, err := s.Logs.CountUnread(ctx, uid, read)
	if err != nil {
		return Counts{}, err
	}
	replies, err := s.Replies.CountUnreadReplies(ctx, uid)
	return Counts{Pushes: pushes, Feedback: replies}, err
}
