package content

import (
	"regexp"
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Status is where a feedback stands; the wire shows it as feedback_status.
type Status int

// The feedback statuses.
const (
	Pending Status = 0 // waiting for a manager
	Replied Status = 1 // a manager answered
	Closed  Status = 2 // a manager closed it
)

// Bounds of feedback and replies.
const (
	MinFeedbackContent = 2
	MaxFeedbackContent = 2000
	MaxReplyContent    = 2000
)

// Feedback is what a user reports.
type Feedback struct {
	ID           int64
	AppID        string
	Content      string
	Status       Status
	CategoryID   int64 // 0 when the user picked none
	ContactPhone string
	UserID       int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// The feedback errors.
var (
	ErrFeedbackNotFound = shared.NewError(shared.KindNotFound, "content.feedback_not_found", "feedback not found")
	ErrNotYourFeedback  = shared.NewError(shared.KindForbidden, "content.feedback_not_owned", "this feedback belongs to another user")
	ErrNoReply          = shared.NewError(shared.KindNotFound, "content.reply_not_found", "this feedback has no reply yet")
	ErrUnknownCategory  = shared.Invalid("feedback_category_id", "feedback_category_id names no feedback category")
)

// phonePattern accepts an optional "+" and 5 to 20 digits, with single
// spaces or hyphens between digit groups.
var phonePattern = regexp.MustCompile(`^\+?[0-9]+([ -][0-9]+)*$`)

// CheckPhone validates an optional contact phone.
func CheckPhone(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if !phonePattern.MatchString(v) || digits < 5 || digits > 20 {
		return "", shared.Invalid("contact_phone", "contact_phone must be a phone number: digits, optionally a leading + and spaces or hyphens")
	}
	return v, nil
}

// NewFeedback checks a user's feedback. The caller checks that the category
// exists.
func NewFeedback(userID int64, content string, categoryID int64, phone string, now time.Time) (Feedback, error) {
	c, err := text("feedback_content", content, true, MaxFeedbackContent)
	if err != nil {
		return Feedback{}, err
	}
	if len([]rune(c)) < MinFeedbackContent {
		return Feedback{}, shared.Invalid("feedback_content", "feedback_content is too short (at least %d characters)", MinFeedbackContent)
	}
	if categoryID < 0 {
		return Feedback{}, ErrUnknownCategory
	}
	p, err := CheckPhone(phone)
	if err != nil {
		return Feedback{}, err
	}
	return Feedback{Content: c, Status: Pending, CategoryID: categoryID, ContactPhone: p, UserID: userID, CreatedAt: now, UpdatedAt: now}, nil
}

// OwnedBy checks that the feedback is userID's.
func (f Feedback) OwnedBy(userID int64) error {
	if f.UserID != userID {
		return ErrNotYourFeedback
	}
	return nil
}

// ParseStatus reads a feedback status number.
func ParseStatus(n int) (Status, error) {
	if n < int(Pending) || n > int(Closed) {
		return 0, shared.Invalid("feedback_status", "feedback_status must be 0 (pending), 1 (replied) or 2 (closed)")
	}
	return Status(n), nil
}

// Created is the event of new feedback. The contact phone stays out of it.
func (f Feedback) Created() shared.Event {
	return shared.NewEvent(Module, "feedback_created", idString(f.ID), f.CreatedAt, map[string]any{
		"feedback_id": f.ID, "user_id": f.UserID, "feedback_category_id": f.CategoryID, "feedback_status": int(f.Status),
	})
}

// Deleted is the event of feedback deleted by its author.
func (f Feedback) Deleted(at time.Time) shared.Event {
	return shared.NewEvent(Module, "feedback_deleted", idString(f.ID), at, map[string]any{
		"feedback_id": f.ID, "user_id": f.UserID,
	})
}
