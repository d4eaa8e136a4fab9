package activity

import (
	"context"
	"strings"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// lottery returns a lottery of the calling organisation.
func (s *Service) lottery(ctx context.Context, id int64) (activity.Activity, error) {
	a, err := s.Activity(ctx, id)
	if err != nil {
		return a, err
	}
	if a.Kind != activity.KindLottery {
		return a, activity.ErrNotLottery.WithMessage("activity %d is a %s activity; participant lists belong to lotteries", id, a.Kind)
	}
	return a, nil
}

// ListParticipants pages through a lottery's participants in join order,
// each with the time it was drawn.
func (s *Service) ListParticipants(ctx context.Context, id int64, p kit.Page) ([]activity.Participant, int64, error) {
	if _, err := s.lottery(ctx, id); err != nil {
		return nil, 0, err
	}
	return s.Deps.Participants.List(ctx, id, p.Offset(), p.Limit())
}

// ParticipantStream streams every participant of a lottery to fn, in join
// order.
type ParticipantStream = func(ctx context.Context, fn func(activity.Participant) error) error

// AllParticipants checks the caller may read the lottery and returns a
// function that streams all its participants, for the unpaged list.
func (s *Service) AllParticipants(ctx context.Context, id int64) (ParticipantStream, error) {
	if _, err := s.lottery(ctx, id); err != nil {
		return nil, err
	}
	return func(ctx context.Context, fn func(activity.Participant) error) error {
		return s.Deps.Participants.Each(ctx, id, fn)
	}, nil
}

// ParticipantTemplate returns the lottery whose participant file template
// is asked for; the template's columns follow what the lottery collects.
func (s *Service) ParticipantTemplate(ctx context.Context, id int64) (activity.Activity, error) {
	return s.lottery(ctx, id)
}

// ImportParticipants adds the participants of a file to a lottery of the
// calling organisation, all or nothing: new member ids become members
// (source "imported"), stored ones get the row's non-empty fields. Each
// created or changed member has its event, and the import one summing it
// up, all committed with the change.
func (s *Service) ImportParticipants(ctx context.Context, id int64, rows []activity.ImportRow) (activity.ImportSummary, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return activity.ImportSummary{}, err
	}
	if len(rows) > activity.MaxImportRows {
		return activity.ImportSummary{}, shared.Invalid("file", "the file holds %d participants; one import takes at most %d", len(rows), activity.MaxImportRows)
	}
	var summary activity.ImportSummary
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		a, err := s.load(ctx, c, id)
		if err != nil {
			return err
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = strings.TrimSpace(r.MemberID)
		}
		found, err := s.Deps.Participants.Find(ctx, id, ids)
		if err != nil {
			return err
		}
		stored := make(map[string]activity.Member, len(found))
		for _, m := range found {
			stored[m.MemberID] = m
		}
		now := s.Clock.Now()
		plan, err := activity.PlanImport(a, now, rows, stored)
		if err != nil {
			return err
		}
		if err := s.Deps.Participants.Add(ctx, plan.Create); err != nil {
			return concurrent(err)
		}
		events := make([]shared.Event, 0, len(plan.Create)+len(plan.Update)+1)
		for _, m := range plan.Create {
			events = append(events, m.Joined())
		}
		for _, m := range plan.Update {
			if err := s.Members.Update(ctx, m); err != nil {
				return err
			}
			events = append(events, m.Updated())
		}
		summary = plan.Summary()
		return s.Outbox.Append(ctx, append(events, activity.ParticipantsImported(a, summary, now))...)
	})
	return summary, err
}
