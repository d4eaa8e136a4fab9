package activity

import (
	"context"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// Draw picks count winners among the members of a lottery not drawn before,
// uniformly at random (a partial Fisher–Yates shuffle on the Dice), records
// them and returns them. Fewer members than asked: all of them win.
func (s *Service) Draw(ctx context.Context, id int64, count int) ([]activity.Winner, error) {
	c, err := orgCaller(ctx)
	if err != nil {
		return nil, err
	}
	if count < 1 || count > activity.MaxDraw {
		return nil, shared.Invalid("count", "count must be a whole number from 1 to %d", activity.MaxDraw)
	}
	var winners []activity.Winner
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		a, err := s.load(ctx, c, id)
		if err != nil {
			return err
		}
		if a.Kind != activity.KindLottery {
			return activity.ErrNotLottery
		}
		pool, err := s.Members.Undrawn(ctx, id)
		if err != nil {
			return err
		}
		if len(pool) == 0 {
			return activity.ErrNoCandidates
		}
		now := s.Clock.Now()
		winners = make([]activity.Winner, 0, min(count, len(pool)))
		for i := 0; i < count && i < len(pool); i++ {
			j := i + s.Dice.Intn(len(pool)-i)
			pool[i], pool[j] = pool[j], pool[i]
			winners = append(winners, activity.Winner{ActivityID: id, MemberID: pool[i].MemberID, Nickname: pool[i].Nickname, DrawnAt: now})
		}
		if err := s.Winners.Add(ctx, winners...); err != nil {
			return concurrent(err)
		}
		return s.Outbox.Append(ctx, activity.WinnersDrawn(a, winners, now))
	})
	return winners, err
}

// ListWinners lists the winners drawn so far, in draw order.
func (s *Service) ListWinners(ctx context.Context, id int64) ([]activity.Winner, error) {
	if _, err := s.Activity(ctx, id); err != nil {
		return nil, err
	}
	return s.Winners.List(ctx, id)
}
