package ports

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/push"
)

// Devices stores push devices; a client id is bound to one row. Create
// returns shared.ErrAlreadyExists for a known client id; lookups return
// shared.ErrNotFound.
type Devices interface {
	Create(ctx context.Context, d *push.Device) error
	ByClientID(ctx context.Context, clientID string) (push.Device, error)
	Update(ctx context.Context, d push.Device) error
	// SwitchedOn returns the devices with the switch on: of every user when
	// userIDs is nil, else of those users.
	SwitchedOn(ctx context.Context, userIDs []int64) ([]push.Device, error)
}

// PushLogs stores pushes, their recipients and each user's cleared mark.
type PushLogs interface {
	// Create inserts p with its recipients and sets its ID.
	Create(ctx context.Context, p *push.Push) error
	ByID(ctx context.Context, id int64) (push.Push, error)
	// Update saves the status, counters and error of p.
	Update(ctx context.Context, p push.Push) error
	// All lists every push, newest first, and counts them.
	All(ctx context.Context, offset, limit int) ([]push.Push, int64, error)
	// Visible lists the pushes addressed to userID that the user has not
	// cleared, newest first, and counts them.
	Visible(ctx context.Context, userID int64, offset, limit int) ([]push.Push, int64, error)
	// VisibleByID returns one push addressed to userID and not cleared, or
	// shared.ErrNotFound.
	VisibleByID(ctx context.Context, userID, id int64) (push.Push, error)
	// CountUnread counts the visible pushes of userID whose ids are not in read.
	CountUnread(ctx context.Context, userID int64, read []int64) (int64, error)
	// ClearThrough hides every push up to id for userID.
	ClearThrough(ctx context.Context, userID, id int64) error
	// MaxID is the highest push id, 0 when there is none.
	MaxID(ctx context.Context) (int64, error)
	// Claim leases a queued push to one dispatcher until until and reports
	// whether this caller got it.
	Claim(ctx context.Context, id int64, now, until time.Time) (bool, error)
	// Due lists the ids of queued pushes whose lease is free at now.
	Due(ctx context.Context, now time.Time, limit int) ([]int64, error)
}

// Deliveries stores the per-device deliveries of pushes.
type Deliveries interface {
	Create(ctx context.Context, ds []push.Delivery) error
	// Queued returns the deliveries of a push still waiting to be sent.
	Queued(ctx context.Context, pushID int64) ([]push.Delivery, error)
	// ForPush lists a push's deliveries by id and counts them.
	ForPush(ctx context.Context, pushID int64, offset, limit int) ([]push.Delivery, int64, error)
	// Update saves the status and detail of each delivery.
	Update(ctx context.Context, ds []push.Delivery) error
}

// PushProvider hands notifications to a push service (Getui, JPush, …).
type PushProvider interface {
	// Send delivers msgs, one per device, and returns one Result per message
	// in the same order. An error means the provider failed as a whole and
	// no message counts as delivered.
	Send(ctx context.Context, msgs []push.Message) ([]push.Result, error)
}

// UnreadReplies counts the managers' replies to a user's feedback that the
// user has not read; the content module implements it for the push module's
// message counter.
type UnreadReplies interface {
	CountUnreadReplies(ctx context.Context, userID int64) (int64, error)
}
