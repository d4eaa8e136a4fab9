package wxrelay

import (
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

// Delivery states.
const (
	DeliveryPending   DeliveryStatus = "pending"   // waiting for its next attempt
	DeliverySucceeded DeliveryStatus = "succeeded" // a 2xx answer was received
	DeliveryFailed    DeliveryStatus = "failed"    // failed for good; a manager may replay it
	// DeliveryHeld waits, unattempted, while its project is disabled; it is
	// released when the project is enabled again, or fails once it is
	// older than the hold retention.
	DeliveryHeld DeliveryStatus = "held"
)

// ParseDeliveryStatus checks a status filter.
func ParseDeliveryStatus(s string) (DeliveryStatus, bool) {
	switch st := DeliveryStatus(s); st {
	case DeliveryPending, DeliverySucceeded, DeliveryFailed, DeliveryHeld:
		return st, true
	}
	return "", false
}

// Delivery carries one event to one project.
type Delivery struct {
	ID        int64
	EventID   int64
	ProjectID int64
	Status    DeliveryStatus
	// Attempts counts the attempts of the current run (since creation or
	// the last replay).
	Attempts      int
	NextAttemptAt time.Time
	// RunStartedAt is when the current run began; the retry budget's age is
	// measured from it.
	RunStartedAt time.Time
	LastError    string
	// OrderKey is the event's ordering key for a project with ordered
	// delivery, "" otherwise.
	OrderKey    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt time.Time
}

// Attempt is one HTTP try of a delivery.
type Attempt struct {
	ID         int64
	DeliveryID int64
	ProjectID  int64
	At         time.Time
	StatusCode int // 0 when no answer came
	Latency    time.Duration
	Error      string // why it failed, "" on success
	Response   string // the first bytes of the answer
	// InFlight: recorded before its request left, outcome not yet known.
	InFlight bool
}

// OutcomeUnknown is the error of an attempt whose request may have left
// but whose outcome was never recorded: the process stopped.
const OutcomeUnknown = "outcome unknown: the process stopped"

// Succeeded reports whether the attempt got a 2xx answer.
func (a Attempt) Succeeded() bool {
	return !a.InFlight && a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300
}

// RetryPolicy decides when a failed delivery is tried again.
type RetryPolicy struct {
	MaxAttempts int           // attempts per run before failing for good
	MaxAge      time.Duration // no retry is scheduled past RunStartedAt+MaxAge
	Base        time.Duration // first retry delay
	Cap         time.Duration // longest retry delay
}

// Backoff is the delay before retry n (1 for the first retry), on the
// service's shared schedule: Base·2^(n-1) capped at Cap, scaled by jitter
// in [0,1) to between half and the whole of it ("equal jitter"), so
// retries of many deliveries spread out.
func (p RetryPolicy) Backoff(n int, jitter float64) time.Duration {
	return shared.Backoff{Base: p.Base, Cap: p.Cap, Multiplier: 2, Jitter: 0.5}.Delay(n, jitter)
}

// Record applies an attempt's outcome to d: success completes it; a failure
// schedules a retry, or fails it for good when the run is out of attempts
// or the next try would come after the maximum age.
func (d Delivery) Record(a Attempt, p RetryPolicy, jitter float64) Delivery {
	d.Attempts++
	d.UpdatedAt = a.At
	if a.Succeeded() {
		d.Status, d.LastError, d.CompletedAt = DeliverySucceeded, "", a.At
		return d
	}
	d.LastError = a.Error
	next := a.At.Add(p.Backoff(d.Attempts, jitter))
	if d.Attempts >= p.MaxAttempts || (p.MaxAge > 0 && next.After(d.RunStartedAt.Add(p.MaxAge))) {
		d.Status, d.CompletedAt = DeliveryFailed, a.At
		return d
	}
	d.Status, d.NextAttemptAt = DeliveryPending, next
	return d
}

// Abandon fails d for good without an attempt, e.g. when its project was
// disabled or deleted.
func (d Delivery) Abandon(reason string, now time.Time) Delivery {
	d.Status, d.LastError, d.UpdatedAt, d.CompletedAt = DeliveryFailed, reason, now, now
	return d
}

// Replay starts a new run of d: pending, due now, with a fresh attempt
// budget.
func (d Delivery) Replay(now time.Time) Delivery {
	d.Status, d.Attempts, d.NextAttemptAt, d.RunStartedAt = DeliveryPending, 0, now, now
	d.LastError, d.UpdatedAt, d.CompletedAt = "", now, time.Time{}
	return d
}

// Hold sets d aside, unattempted, while its project is invalid.
func (d Delivery) Hold(now time.Time) Delivery {
	d.Status, d.UpdatedAt = DeliveryHeld, now
	return d
}
