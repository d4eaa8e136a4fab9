package activity

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports/portstest"
)

// lottery returns a store with a lottery of org 1 holding n members, and a
// context calling as org 1.
func lottery(n int) (*memory, context.Context) {
	m := newMemory()
	m.activities[1] = activity.Activity{ID: 1, OrgID: 1, Kind: activity.KindLottery}
	for i := 1; i <= n; i++ {
		m.members = append(m.members, activity.Member{ID: int64(i), ActivityID: 1, MemberID: fmt.Sprintf("m%d", i)})
	}
	return m, WithCaller(context.Background(), Caller{Kind: CallerOrg, OrgID: 1})
}

func TestDrawFollowsTheDice(t *testing.T) {
	cases := []struct {
		name  string
		dice  []int
		count int
		want  []string
	}{
		{"first pick", []int{0}, 1, []string{"m1"}},
		{"last pick", []int{3}, 1, []string{"m4"}},
		{"swap keeps the rest drawable", []int{3, 2}, 2, []string{"m4", "m1"}},
		{"more than the members", []int{0, 0, 0, 0}, 9, []string{"m1", "m2", "m3", "m4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, ctx := lottery(4)
			ws, err := m.service(portstest.NewClock(time.Now()), &scripted{next: tc.dice}).Draw(ctx, 1, tc.count)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.MemberID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || len(m.events) != 1 {
				t.Fatalf("want %v and one event, got %v and %d", tc.want, got, len(m.events))
			}
		})
	}
}

// TestDrawIsFair draws one winner of three many times with crypto/rand and
// checks each member wins about a third of the time (the bounds are more
// than ten standard deviations wide).
func TestDrawIsFair(t *testing.T) {
	const rounds = 6000
	wins := map[string]int{}
	for i := 0; i < rounds; i++ {
		m, ctx := lottery(3)
		ws, err := m.service(portstest.NewClock(time.Now()), nil).Draw(ctx, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		wins[ws[0].MemberID]++
	}
	for _, id := range []string{"m1", "m2", "m3"} {
		if n := wins[id]; n < 1600 || n > 2400 {
			t.Fatalf("member %s won %d of %d draws: %v", id, n, rounds, wins)
		}
	}
}

func TestDrawRefuses(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(m *memory)
		caller Caller
		count  int
		want   error
	}{
		{"a message wall", func(m *memory) { a := m.activities[1]; a.Kind = activity.KindMessage; m.activities[1] = a },
			Caller{Kind: CallerOrg, OrgID: 1}, 1, activity.ErrNotLottery},
		{"another organisation", func(*memory) {}, Caller{Kind: CallerOrg, OrgID: 2}, 1, activity.ErrOtherOrg},
		{"a user", func(*memory) {}, Caller{Kind: CallerUser, AccountID: 1}, 1, activity.ErrOrgOnly},
		{"everyone drawn", func(m *memory) {
			for _, x := range m.members {
				m.winners = append(m.winners, activity.Winner{ActivityID: 1, MemberID: x.MemberID})
			}
		}, Caller{Kind: CallerOrg, OrgID: 1}, 1, activity.ErrNoCandidates},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := lottery(2)
			tc.setup(m)
			ctx := WithCaller(context.Background(), tc.caller)
			if _, err := m.service(portstest.NewClock(time.Now()), nil).Draw(ctx, 1, tc.count); !errors.Is(err, tc.want) {
				t.Fatalf("want %v, got %v", tc.want, err)
			}
			if len(m.events) != 0 {
				t.Fatalf("a refused draw wrote %d events", len(m.events))
			}
		})
	}
}
