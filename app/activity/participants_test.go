package activity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
)

// participantStore answers ports.Participants from memory; addFails makes
// Add report a member that another request stored first.
type participantStore struct {
	*memory
	addFails *bool
}

func (p participantStore) List(_ context.Context, activityID int64, offset, limit int) ([]activity.Participant, int64, error) {
	var all []activity.Participant
	_ = p.Each(context.Background(), activityID, func(x activity.Participant) error { all = append(all, x); return nil })
	end := min(offset+limit, len(all))
	if offset > end {
		offset = end
	}
	return all[offset:end], int64(len(all)), nil
}

func (p participantStore) Each(_ context.Context, activityID int64, fn func(activity.Participant) error) error {
	for _, x := range p.members {
		if x.ActivityID != activityID {
			continue
		}
		part := activity.Participant{Member: x}
		for _, w := range p.winners {
			if w.ActivityID == activityID && w.MemberID == x.MemberID {
				part.DrawnAt = w.DrawnAt
			}
		}
		if err := fn(part); err != nil {
			return err
		}
	}
	return nil
}

func (p participantStore) Find(_ context.Context, activityID int64, ids []string) ([]activity.Member, error) {
	var out []activity.Member
	for _, x := range p.members {
		if x.ActivityID == activityID && slices.Contains(ids, x.MemberID) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (p participantStore) Add(_ context.Context, ms []activity.Member) error {
	if p.addFails != nil && *p.addFails {
		return shared.ErrAlreadyExists
	}
	for _, m := range ms {
		m.ID = int64(len(p.members) + 1)
		p.members = append(p.members, m)
	}
	return nil
}

// lotteryService is a service on m with participants, a unit of work that
// restores m's members on failure and an outbox that keeps only committed
// events.
func lotteryService(m *memory, now time.Time, addFails *bool) (*Service, *portstest.Outbox) {
	s := m.service(portstest.NewClock(now), nil)
	out := &portstest.Outbox{}
	s.Deps.Participants = participantStore{memory: m, addFails: addFails}
	s.Deps.Outbox = out
	s.Deps.UoW = portstest.UnitOfWork{Begin: func() func() {
		saved := slices.Clone(m.members)
		return func() { m.members = saved }
	}}
	return s, out
}

func TestImportParticipants(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	m, ctx := lottery(2)
	m.members[0].Nickname = "Li"
	s, out := lotteryService(m, now, nil)
	rows := []activity.ImportRow{
		{Line: 2, MemberID: " new1", Profile: activity.Profile{Nickname: "Zhao", Phone: "13800138000"}},
		{Line: 3, MemberID: "m1", Profile: activity.Profile{Nickname: "Li Lei"}},
		{Line: 4, MemberID: "m2"},
		{Line: 5, MemberID: "new2"},
	}
	got, err := s.ImportParticipants(ctx, 1, rows)
	if err != nil {
		t.Fatal(err)
	}
	if got != (activity.ImportSummary{Created: 2, Updated: 1, Unchanged: 1}) {
		t.Fatalf("summary %+v", got)
	}
	var types []string
	for _, e := range out.Events() {
		types = append(types, e.Type+" "+e.AggregateID)
	}
	want := []string{"member_joined activity:1:member:new1", "member_joined activity:1:member:new2",
		"member_updated activity:1:member:m1", "participants_imported activity:1"}
	if !slices.Equal(types, want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	last := out.Events()[3].Payload
	if last["created"] != 2 || last["updated"] != 1 || last["unchanged"] != 1 || last["org_id"] != int64(1) {
		t.Fatalf("participants_imported payload %v", last)
	}
	if out.Events()[0].Payload["source"] != "imported" {
		t.Fatalf("member_joined of an imported member: %v", out.Events()[0].Payload)
	}
	byID := map[string]activity.Member{}
	for _, x := range m.members {
		byID[x.MemberID] = x
	}
	if x := byID["new1"]; x.Source != activity.SourceImported || x.Phone != "13800138000" || !x.JoinedAt.Equal(now) {
		t.Fatalf("imported member %+v", x)
	}
	if byID["m1"].Nickname != "Li Lei" || len(m.members) != 4 {
		t.Fatalf("members after the import: %+v", m.members)
	}
}

func TestImportParticipantsRefuses(t *testing.T) {
	org1 := Caller{Kind: CallerOrg, OrgID: 1}
	good := []activity.ImportRow{{Line: 2, MemberID: "new"}}
	cases := []struct {
		name     string
		setup    func(m *memory)
		caller   Caller
		rows     []activity.ImportRow
		addFails bool
		want     error
	}{
		{"a user", func(*memory) {}, Caller{Kind: CallerUser, AccountID: 1}, good, false, activity.ErrOrgOnly},
		{"another organisation", func(*memory) {}, Caller{Kind: CallerOrg, OrgID: 2}, good, false, activity.ErrOtherOrg},
		{"a message wall", func(m *memory) { a := m.activities[1]; a.Kind = activity.KindMessage; m.activities[1] = a }, org1, good, false, activity.ErrNotLottery},
		{"a closed lottery", func(m *memory) { a := m.activities[1]; a.ClosedAt = time.Now(); m.activities[1] = a }, org1, good, false, activity.ErrClosed},
		{"an unknown activity", func(m *memory) { delete(m.activities, 1) }, org1, good, false, activity.ErrActivityNotFound},
		{"one wrong row among good ones", func(*memory) {}, org1,
			[]activity.ImportRow{{Line: 2, MemberID: "a"}, {Line: 3, MemberID: "b", Profile: activity.Profile{Phone: "x"}}}, false, activity.ErrImportRows},
		{"too many rows", func(*memory) {}, org1, make([]activity.ImportRow, activity.MaxImportRows+1), false, shared.Invalid("file", "")},
		{"a member stored at the same time", func(*memory) {}, org1, good, true, activity.ErrConcurrent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := lottery(2)
			tc.setup(m)
			fails := tc.addFails
			s, out := lotteryService(m, time.Now().Add(time.Hour), &fails)
			_, err := s.ImportParticipants(WithCaller(context.Background(), tc.caller), 1, tc.rows)
			if !errors.Is(err, tc.want) {
				t.Fatalf("want %v, got %v", tc.want, err)
			}
			if len(m.members) != 2 || len(out.Events()) != 0 {
				t.Fatalf("a refused import left %d members and %d events", len(m.members), len(out.Events()))
			}
		})
	}
}

func TestListParticipants(t *testing.T) {
	m, ctx := lottery(3)
	drawn := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	m.winners = append(m.winners, activity.Winner{ActivityID: 1, MemberID: "m2", DrawnAt: drawn})
	s, _ := lotteryService(m, time.Now(), nil)

	page, total, err := s.ListParticipants(ctx, 1, kit.Page{No: 1, Size: 2})
	if err != nil || total != 3 || len(page) != 2 || page[0].Drawn() || !page[1].DrawnAt.Equal(drawn) {
		t.Fatalf("first page: %+v of %d, %v", page, total, err)
	}
	stream, err := s.AllParticipants(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	if err := stream(ctx, func(p activity.Participant) error { all = append(all, fmt.Sprint(p.MemberID, p.Drawn())); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(all, ",") != "m1false,m2true,m3false" {
		t.Fatalf("all participants: %v", all)
	}

	a := m.activities[1]
	a.Kind = activity.KindSignin
	m.activities[1] = a
	for name, call := range map[string]func() error{
		"page":     func() error { _, _, err := s.ListParticipants(ctx, 1, kit.Page{No: 1, Size: 2}); return err },
		"all":      func() error { _, err := s.AllParticipants(ctx, 1); return err },
		"template": func() error { _, err := s.ParticipantTemplate(ctx, 1); return err },
	} {
		if err := call(); !errors.Is(err, activity.ErrNotLottery) {
			t.Errorf("%s of a sign-in wall: want ErrNotLottery, got %v", name, err)
		}
	}
	other := WithCaller(context.Background(), Caller{Kind: CallerOrg, OrgID: 2})
	if _, _, err := s.ListParticipants(other, 1, kit.Page{No: 1, Size: 2}); !errors.Is(err, activity.ErrOtherOrg) {
		t.Fatalf("another organisation's participants: %v", err)
	}
}

func TestCreateWall(t *testing.T) {
	name, lotteryKind := "Welcome wall", "lottery"
	cases := []struct {
		name   string
		kind   activity.Kind
		draft  activity.Draft
		caller Caller
		want   error
	}{
		{name: "sign-in wall", kind: activity.KindSignin, draft: activity.Draft{Name: &name}, caller: Caller{Kind: CallerOrg, OrgID: 1}},
		{name: "message wall", kind: activity.KindMessage, draft: activity.Draft{Name: &name}, caller: Caller{Kind: CallerOrg, OrgID: 1}},
		{name: "another kind named", kind: activity.KindSignin, draft: activity.Draft{Name: &name, Kind: &lotteryKind},
			caller: Caller{Kind: CallerOrg, OrgID: 1}, want: shared.Invalid("kind", "")},
		{name: "no name", kind: activity.KindMessage, caller: Caller{Kind: CallerOrg, OrgID: 1}, want: shared.Invalid("name", "")},
		{name: "a user", kind: activity.KindSignin, draft: activity.Draft{Name: &name}, caller: Caller{Kind: CallerUser, AccountID: 1}, want: activity.ErrOrgOnly},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMemory()
			s := m.service(portstest.NewClock(time.Now()), nil)
			a, err := s.CreateWall(WithCaller(context.Background(), tc.caller), tc.kind, tc.draft)
			if tc.want != nil {
				if !errors.Is(err, tc.want) || len(m.activities) != 0 || len(m.events) != 0 {
					t.Fatalf("want %v and nothing stored, got %v, %d activities", tc.want, err, len(m.activities))
				}
				return
			}
			if err != nil || a.Kind != tc.kind || a.OrgID != 1 || m.activities[a.ID].Kind != tc.kind {
				t.Fatalf("created %+v, %v", a, err)
			}
			if len(m.events) != 1 || m.events[0].Type != "activity_created" || m.events[0].Payload["kind"] != string(tc.kind) {
				t.Fatalf("events %+v", m.events)
			}
		})
	}
}

var _ ports.Participants = participantStore{}
