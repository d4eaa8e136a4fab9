package content

import (
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Reply is a manager's answer to a feedback; a feedback has at most one, and
// answering again replaces it.
type Reply struct {
	ID         int64
	AppID      string
	FeedbackID int64
	ManagerID  int64
	Content    string
	IsRead     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Answer writes the manager's reply to f (new when r.ID is 0) and moves f to
// status (Replied unless the manager closes it). The reply becomes unread.
func Answer(f *Feedback, r *Reply, managerID int64, content string, status Status, now time.Time) error {
	c, err := text("reply_content", content, true, MaxReplyContent)
	if err != nil {
		return err
	}
	if status == Pending {
		return shared.Invalid("feedback_status", "a reply sets feedback_status to 1 (replied) or 2 (closed)")
	}
	if r.ID == 0 {
		r.CreatedAt = now
	}
	r.FeedbackID, r.ManagerID, r.Content, r.IsRead, r.UpdatedAt = f.ID, managerID, c, false, now
	f.Status, f.UpdatedAt = status, now
	return nil
}

// MarkRead marks the reply read and reports whether it was unread.
func (r *Reply) MarkRead(now time.Time) bool {
	if r.IsRead {
		return false
	}
	r.IsRead, r.UpdatedAt = true, now
	return true
}

// Replied is the event of a manager answering feedback f.
func (r Reply) Replied(f Feedback) shared.Event {
	return shared.NewEvent(Module, "feedback_replied", idString(f.ID), r.UpdatedAt, map[string]any{
		"feedback_id": f.ID, "reply_id": r.ID, "manager_id": r.ManagerID, "user_id": f.UserID, "feedback_status": int(f.Status),
	})
}

// Read is the event of a user reading the reply to feedback f.
func (r Reply) Read(f Feedback) shared.Event {
	return shared.NewEvent(Module, "reply_read", idString(f.ID), r.UpdatedAt, map[string]any{
		"feedback_id": f.ID, "reply_id": r.ID, "user_id": f.UserID,
	})
}
