package activity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
)

// meetingMap keeps meetings and their users in memory; a failed unit of
// work restores them.
type meetingMap struct {
	ports.Meetings
	byID  map[int64]activity.Meeting
	users map[int64][]string
}

func (m *meetingMap) ByID(_ context.Context, id int64) (activity.Meeting, error) {
	x, ok := m.byID[id]
	if !ok {
		return x, shared.ErrNotFound
	}
	return x, nil
}

func (m *meetingMap) Update(_ context.Context, x activity.Meeting) error {
	m.byID[x.ID] = x
	return nil
}

func (m *meetingMap) AddUsers(_ context.Context, id int64, ids []string) ([]string, error) {
	m.users[id] = append(m.users[id], ids...)
	return ids, nil
}

func (m *meetingMap) Users(_ context.Context, id int64) ([]string, error) { return m.users[id], nil }

// meetingService returns a service over meetings 1 (open) and 2 (closed)
// of organisation 1 and meeting 3 of organisation 2.
func meetingService() (*Service, *meetingMap, *portstest.Outbox, *portstest.Clock) {
	closed := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	store := &meetingMap{byID: map[int64]activity.Meeting{
		1: {ID: 1, OrgID: 1, Name: "board"},
		2: {ID: 2, OrgID: 1, Name: "council", ClosedAt: closed},
		3: {ID: 3, OrgID: 2, Name: "elsewhere"},
	}, users: map[int64][]string{}}
	uow := portstest.UnitOfWork{Begin: func() func() {
		saved, users := maps.Clone(store.byID), maps.Clone(store.users)
		return func() { store.byID, store.users = saved, users }
	}}
	outbox := &portstest.Outbox{}
	clock := portstest.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	return NewService(Deps{UoW: uow, Outbox: outbox, Meetings: store, Clock: clock}), store, outbox, clock
}

func asOrg(id int64) context.Context {
	return WithCaller(context.Background(), Caller{Kind: CallerOrg, OrgID: id})
}

func TestRenameMeeting(t *testing.T) {
	cases := []struct {
		name   string
		ctx    context.Context
		id     int64
		to     string
		want   error // nil, a sentinel, or shared.Invalid for any invalid input
		events string
		stored string
	}{
		{name: "renamed", ctx: asOrg(1), id: 1, to: " finance board ", events: "[meeting_renamed]", stored: "finance board"},
		{name: "same name", ctx: asOrg(1), id: 1, to: "board", events: "[]", stored: "board"},
		{name: "closed meeting", ctx: asOrg(1), id: 2, to: "old council", events: "[meeting_renamed]"},
		{name: "empty name", ctx: asOrg(1), id: 1, to: " ", want: shared.Invalid("name", ""), events: "[]", stored: "board"},
		{name: "unknown meeting", ctx: asOrg(1), id: 9, to: "x", want: activity.ErrMeetingNotFound, events: "[]"},
		{name: "another organisation's meeting", ctx: asOrg(1), id: 3, to: "mine", want: activity.ErrOtherOrg, events: "[]"},
		{name: "a user", ctx: WithCaller(context.Background(), Caller{Kind: CallerUser}), id: 1, to: "x", want: activity.ErrOrgOnly, events: "[]", stored: "board"},
		{name: "nobody", ctx: context.Background(), id: 1, to: "x", want: shared.ErrUnauthenticated, events: "[]", stored: "board"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc, store, outbox, _ := meetingService()
			m, err := svc.RenameMeeting(tc.ctx, tc.id, tc.to)
			if tc.want == nil && err != nil {
				t.Fatalf("RenameMeeting: %v", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("RenameMeeting: want %v, got %v", tc.want, err)
			}
			if got := fmt.Sprint(outbox.Types()); got != tc.events {
				t.Fatalf("events %s, want %s", got, tc.events)
			}
			if tc.stored != "" && store.byID[tc.id].Name != tc.stored {
				t.Fatalf("stored name %q, want %q", store.byID[tc.id].Name, tc.stored)
			}
			if err == nil && m.Name != store.byID[tc.id].Name {
				t.Fatalf("answered %q, stored %q", m.Name, store.byID[tc.id].Name)
			}
		})
	}
}

func TestCloseMeeting(t *testing.T) {
	svc, store, outbox, clock := meetingService()
	ctx := asOrg(1)
	m, err := svc.CloseMeeting(ctx, 1)
	if err != nil || !m.ClosedAt.Equal(clock.Now()) || !store.byID[1].Closed() {
		t.Fatalf("CloseMeeting: %+v %v", m, err)
	}
	clock.Advance(time.Hour)
	again, err := svc.CloseMeeting(ctx, 1)
	if err != nil || !again.ClosedAt.Equal(m.ClosedAt) {
		t.Fatalf("closing again: %+v %v", again, err)
	}
	if got := fmt.Sprint(outbox.Types()); got != "[meeting_closed]" {
		t.Fatalf("events %s, want one meeting_closed", got)
	}
	if _, err := svc.CloseMeeting(ctx, 3); !errors.Is(err, activity.ErrOtherOrg) {
		t.Fatalf("closing another organisation's meeting: %v", err)
	}
	if _, err := svc.AuthoriseUsers(ctx, 1, []string{"u1"}); !errors.Is(err, activity.ErrMeetingClosed) {
		t.Fatalf("authorising users of a closed meeting: %v", err)
	}
	if len(store.users[1]) != 0 {
		t.Fatalf("a closed meeting took users: %v", store.users[1])
	}
	if _, err := svc.AuthoriseUsers(asOrg(2), 3, []string{"u1"}); err != nil {
		t.Fatalf("authorising users of an open meeting: %v", err)
	}
}
