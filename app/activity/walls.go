package activity

import (
	"context"

	"github.com/campushub/campushub/domain/activity"
)

// CreateWall creates a sign-in wall (KindSignin) or a message wall
// (KindMessage) of the calling organisation: an activity whose kind the
// route fixes; a draft naming another kind is refused.
func (s *Service) CreateWall(ctx context.Context, kind activity.Kind, d activity.Draft) (activity.Activity, error) {
	if _, err := orgCaller(ctx); err != nil {
		return activity.Activity{}, err
	}
	d, err := d.OfKind(kind)
	if err != nil {
		return activity.Activity{}, err
	}
	return s.CreateActivity(ctx, d)
}
