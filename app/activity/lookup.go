package activity

import (
	"context"

	"github.com/campushub/campushub/domain/activity"
)

// Org returns one organisation (managers).
func (s *Service) Org(ctx context.Context, id int64) (activity.Organisation, error) {
	if err := manager(ctx); err != nil {
		return activity.Organisation{}, err
	}
	return s.org(ctx, id)
}
