package activity

import (
	"context"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports"
)

// ListMembers pages through an activity's members, in join order.
func (s *Service) ListMembers(ctx context.Context, id int64, f ports.MemberFilter, p kit.Page) ([]activity.Member, int64, error) {
	if _, err := s.Activity(ctx, id); err != nil {
		return nil, 0, err
	}
	return s.Members.List(ctx, id, f, p.Offset(), p.Limit())
}

// ExportMembers checks the caller may read the activity and returns a
// function that streams its matching members to fn, for a CSV export.
func (s *Service) ExportMembers(ctx context.Context, id int64, f ports.MemberFilter) (func(ctx context.Context, fn func(activity.Member) error) error, error) {
	if _, err := s.Activity(ctx, id); err != nil {
		return nil, err
	}
	return func(ctx context.Context, fn func(activity.Member) error) error {
		return s.Members.Each(ctx, id, f, fn)
	}, nil
}
