package activity

import (
	"context"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
)

// memory is an in-memory store for the ports the tests use; the embedded
// interfaces stay nil, so a call to a method a test does not expect panics.
type memory struct {
	ports.Organisations
	activities map[int64]activity.Activity
	members    []activity.Member
	winners    []activity.Winner
	tokens     map[string]activity.OrgToken
	authorised map[string]int64 // member id → meeting
	events     []shared.Event
}

func newMemory() *memory {
	return &memory{activities: map[int64]activity.Activity{}, tokens: map[string]activity.OrgToken{}, authorised: map[string]int64{}}
}

func (m *memory) service(clock ports.Clock, dice ports.Dice) *Service {
	return NewService(Deps{UoW: m, Outbox: m, Organisations: m, Activities: activityStore{m}, Meetings: meetingStore{memory: m},
		Members: memberStore{m}, Winners: winnerStore{m},
		Users: users{}, Clock: clock, Dice: dice})
}

func (m *memory) Do(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

func (m *memory) Append(_ context.Context, es ...shared.Event) error {
	m.events = append(m.events, es...)
	return nil
}

func (m *memory) TokenByHash(_ context.Context, hash string) (activity.OrgToken, error) {
	t, ok := m.tokens[hash]
	if !ok {
		return t, shared.ErrNotFound
	}
	return t, nil
}

// meetingStore answers FirstAuthorising from memory.authorised.
type meetingStore struct {
	ports.Meetings
	*memory
}

func (m meetingStore) FirstAuthorising(_ context.Context, ids []int64, member string) (int64, error) {
	for _, id := range ids {
		if m.authorised[member] == id {
			return id, nil
		}
	}
	return 0, nil
}

type activityStore struct{ *memory }

type memberStore struct{ *memory }

type winnerStore struct{ *memory }

func (m activityStore) Create(_ context.Context, a *activity.Activity) error {
	a.ID = int64(len(m.activities) + 1)
	m.activities[a.ID] = *a
	return nil
}

func (m activityStore) ByID(_ context.Context, id int64) (activity.Activity, error) {
	return portstest.Get(m.activities, id)
}

func (m activityStore) Update(_ context.Context, a activity.Activity) error {
	m.activities[a.ID] = a
	return nil
}

func (m activityStore) Delete(_ context.Context, id int64, _ time.Time) error {
	delete(m.activities, id)
	return nil
}

func (m activityStore) ListByOrg(context.Context, int64, int, int) ([]activity.Activity, int64, error) {
	return nil, 0, nil
}

func (m memberStore) Get(_ context.Context, activityID int64, memberID string) (activity.Member, error) {
	for _, x := range m.members {
		if x.ActivityID == activityID && x.MemberID == memberID {
			return x, nil
		}
	}
	return activity.Member{}, shared.ErrNotFound
}

func (m memberStore) Create(_ context.Context, x *activity.Member) error {
	x.ID = int64(len(m.members) + 1)
	m.members = append(m.members, *x)
	return nil
}

func (m memberStore) Update(_ context.Context, x activity.Member) error {
	for i := range m.members {
		if m.members[i].ID == x.ID {
			m.members[i] = x
		}
	}
	return nil
}

func (m memberStore) List(context.Context, int64, ports.MemberFilter, int, int) ([]activity.Member, int64, error) {
	return m.members, int64(len(m.members)), nil
}

func (m memberStore) Each(_ context.Context, _ int64, _ ports.MemberFilter, fn func(activity.Member) error) error {
	for _, x := range m.members {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (m memberStore) Undrawn(_ context.Context, activityID int64) ([]activity.Member, error) {
	drawn := map[string]bool{}
	for _, w := range m.winners {
		drawn[w.MemberID] = true
	}
	var out []activity.Member
	for _, x := range m.members {
		if x.ActivityID == activityID && !drawn[x.MemberID] {
			out = append(out, x)
		}
	}
	return out, nil
}

func (m winnerStore) Add(_ context.Context, ws ...activity.Winner) error {
	for _, w := range ws {
		for _, have := range m.winners {
			if have.ActivityID == w.ActivityID && have.MemberID == w.MemberID {
				return shared.ErrAlreadyExists
			}
		}
		m.winners = append(m.winners, w)
	}
	return nil
}

// users authenticates "user-<id>" tokens of accounts 1 to 9.
type users struct{}

func (users) Authenticate(_ context.Context, token string) (auth.Principal, error) {
	if len(token) == 6 && token[:5] == "user-" && token[5] >= '1' && token[5] <= '9' {
		return auth.Principal{AccountID: int64(token[5] - '0')}, nil
	}
	return auth.Principal{}, shared.ErrUnauthenticated
}

// scripted returns its numbers in turn.
type scripted struct{ next []int }

func (s *scripted) Intn(n int) int {
	v := s.next[0]
	s.next = s.next[1:]
	return v % n
}

func (m winnerStore) List(_ context.Context, activityID int64) ([]activity.Winner, error) {
	return m.winners, nil
}
