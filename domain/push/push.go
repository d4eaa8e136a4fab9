package push

import (
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Scope says who a push is addressed to; the wire shows it as push_scope.
type Scope int

// The scopes.
const (
	Everyone Scope = 0 // every user, including users who register later
	Users    Scope = 1 // the listed user ids only
)

// Status is where a push, or one delivery of it, stands; the wire shows it
// as push_status.
type Status int

// The statuses.
const (
	Queued Status = 0 // recorded, not yet handed to the provider
	Sent   Status = 1 // handed to the provider (for a push: at least one device accepted, or none to reach)
	Failed Status = 2 // the provider refused it (for a push: every device, or every attempt)
)

// Bounds of a push.
const (
	MaxTitleLength = 100
	MaxBodyLength  = 1000
	MaxRecipients  = 1000
	// MaxAttempts is how often the provider is tried when it fails as a whole.
	MaxAttempts = 3
)

// Push is one message a manager sent, its log entry and its delivery summary.
type Push struct {
	ID         int64
	AppID      string
	Title      string
	Body       string
	Scope      Scope
	Recipients []int64 // the user ids when Scope is Users
	ManagerID  int64
	Status     Status
	Targets    int // switched-on devices when it was sent
	SentCount  int
	FailCount  int
	Attempts   int
	LastError  string
	// NextAttempt is when a push still queued after a failed attempt may be
	// tried again; zero when it is due now.
	NextAttempt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Draft is what a manager asks to send.
type Draft struct {
	Title   string
	Body    string
	Scope   Scope
	UserIDs []int64
}

// New checks d and returns the queued push.
func New(d Draft, managerID int64, now time.Time) (Push, error) {
	title, body := strings.TrimSpace(d.Title), strings.TrimSpace(d.Body)
	switch {
	case title == "":
		return Push{}, shared.Invalid("push_title", "push_title is required")
	case len([]rune(title)) > MaxTitleLength:
		return Push{}, shared.Invalid("push_title", "push_title is too long (at most %d characters)", MaxTitleLength)
	case body == "":
		return Push{}, shared.Invalid("push_body", "push_body is required")
	case len([]rune(body)) > MaxBodyLength:
		return Push{}, shared.Invalid("push_body", "push_body is too long (at most %d characters)", MaxBodyLength)
	}
	p := Push{Title: title, Body: body, Scope: d.Scope, ManagerID: managerID, Status: Queued, CreatedAt: now, UpdatedAt: now}
	switch d.Scope {
	case Everyone:
		if len(d.UserIDs) > 0 {
			return Push{}, shared.Invalid("user_ids", "user_ids must be empty when push_scope is 0 (everyone)")
		}
	case Users:
		ids, err := uniqueIDs(d.UserIDs)
		if err != nil {
			return Push{}, err
		}
		p.Recipients = ids
	default:
		return Push{}, shared.Invalid("push_scope", "push_scope must be 0 (everyone) or 1 (listed users)")
	}
	return p, nil
}

func uniqueIDs(in []int64) ([]int64, error) {
	if len(in) == 0 {
		return nil, shared.Invalid("user_ids", "user_ids is required when push_scope is 1")
	}
	if len(in) > MaxRecipients {
		return nil, shared.Invalid("user_ids", "user_ids holds more than %d ids", MaxRecipients)
	}
	return shared.Distinct(in, func(id int64) (int64, error) {
		if id <= 0 {
			return 0, shared.Invalid("user_ids", "user ids must be positive, got %d", id)
		}
		return id, nil
	})
}

// ErrPushNotFound is returned for a push that does not exist or is not
// addressed to the caller.
var ErrPushNotFound = shared.NewError(shared.KindNotFound, "push.not_found", "push not found")

// Settle records the outcome of one dispatch attempt: per-device results
// when the provider answered, or the provider's failure as a whole.
func (p *Push) Settle(sent, failed int, providerErr error, now time.Time) {
	p.Attempts++
	p.UpdatedAt = now
	if providerErr != nil {
		p.LastError = truncate(providerErr.Error(), 500)
		if p.Attempts >= MaxAttempts {
			p.Status, p.NextAttempt = Failed, time.Time{}
		} else {
			p.NextAttempt = now.Add(p.retry())
		}
		return
	}
	p.NextAttempt = time.Time{}
	p.SentCount += sent
	p.FailCount += failed
	p.LastError = ""
	if p.SentCount == 0 && p.FailCount > 0 {
		p.Status = Failed
	} else {
		p.Status = Sent
	}
}

// RetrySchedule is the wait after a failed attempt of a push: 10 s after
// the first, 40 s after the second (the third is the last).
var RetrySchedule = shared.Backoff{Base: 10 * time.Second, Multiplier: 4}

// retry is how long to wait after the failed attempt number p.Attempts.
func (p Push) retry() time.Duration { return RetrySchedule.Delay(p.Attempts, 0) }

// AggregateID keys the push's events.
func (p Push) AggregateID() string { return idString(p.ID) }

// SentEvent is the event of a manager sending a push.
func (p Push) SentEvent() shared.Event {
	return shared.NewEvent(Module, "push_sent", p.AggregateID(), p.CreatedAt, map[string]any{
		"push_id": p.ID, "manager_id": p.ManagerID, "push_title": p.Title, "push_scope": int(p.Scope),
		"user_ids": p.Recipients, "targets": p.Targets,
	})
}

// DispatchedEvent is the event of a push's delivery finishing.
func (p Push) DispatchedEvent() shared.Event {
	return shared.NewEvent(Module, "push_dispatched", p.AggregateID(), p.UpdatedAt, map[string]any{
		"push_id": p.ID, "push_status": int(p.Status), "targets": p.Targets, "sent": p.SentCount,
		"failed": p.FailCount, "attempts": p.Attempts, "error": p.LastError,
	})
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
