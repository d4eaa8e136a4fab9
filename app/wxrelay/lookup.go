package wxrelay

import (
	"context"

	"github.com/campushub/campushub/domain/wxrelay"
)

// Project returns one push project (managers; the signing secret is for
// the caller to keep hidden).
func (s *Service) Project(ctx context.Context, id int64) (wxrelay.Project, error) {
	return s.projectByID(ctx, id)
}

// Delivery returns one delivery.
func (s *Service) Delivery(ctx context.Context, id int64) (wxrelay.Delivery, error) {
	return s.deliveryByID(ctx, id)
}
