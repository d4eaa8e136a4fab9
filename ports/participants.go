package ports

import (
	"context"

	"github.com/campushub/campushub/domain/activity"
)

// Participants stores the participant lists of lotteries: the members of
// an activity with the time each was drawn, and imports into them.
type Participants interface {
	// List pages through an activity's participants in join order.
	List(ctx context.Context, activityID int64, offset, limit int) ([]activity.Participant, int64, error)
	// Each calls fn for every participant of an activity, in join order.
	Each(ctx context.Context, activityID int64, fn func(activity.Participant) error) error
	// Find returns the stored members of an activity among memberIDs.
	Find(ctx context.Context, activityID int64, memberIDs []string) ([]activity.Member, error)
	// Add inserts members; shared.ErrAlreadyExists when one exists.
	Add(ctx context.Context, ms []activity.Member) error
}
