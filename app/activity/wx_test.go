package activity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports/portstest"
)

func TestIdentify(t *testing.T) {
	m := newMemory()
	m.tokens[activity.HashToken("org_good")] = activity.OrgToken{OrgID: 7}
	m.tokens[activity.HashToken("org_revoked")] = activity.OrgToken{OrgID: 7, RevokedAt: time.Now()}
	s := m.service(nil, nil)
	cases := []struct {
		name string
		cred Credential
		want Caller
		kind shared.Kind
	}{
		{"user", Credential{Type: "user", Token: "user-3"}, Caller{Kind: CallerUser, AccountID: 3}, 0},
		{"org", Credential{Type: "org", Token: "org_good"}, Caller{Kind: CallerOrg, OrgID: 7}, 0},
		{"type in capitals", Credential{Type: " ORG ", Token: "org_good"}, Caller{Kind: CallerOrg, OrgID: 7}, 0},
		{"no token", Credential{Type: "org"}, Caller{}, shared.KindUnauthenticated},
		{"no type", Credential{Token: "org_good"}, Caller{}, shared.KindInvalid},
		{"unknown type", Credential{Type: "admin", Token: "org_good"}, Caller{}, shared.KindInvalid},
		{"revoked org token", Credential{Type: "org", Token: "org_revoked"}, Caller{}, shared.KindUnauthenticated},
		{"org token as user", Credential{Type: "user", Token: "org_good"}, Caller{}, shared.KindUnauthenticated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Identify(context.Background(), tc.cred)
			if tc.kind != 0 {
				if err == nil || shared.KindOf(err) != tc.kind {
					t.Fatalf("want an error of kind %v, got %v", tc.kind, err)
				}
				return
			}
			if err != nil || c != tc.want {
				t.Fatalf("want %+v, got %+v, %v", tc.want, c, err)
			}
		})
	}
}

// TestSubmitMemberJoinRules applies the join rules at a fixed time.
func TestSubmitMemberJoinRules(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	org := Caller{Kind: CallerOrg, OrgID: 1}
	cases := []struct {
		name     string
		activity activity.Activity
		caller   Caller
		member   string
		profile  activity.Profile
		want     error
		meeting  int64
	}{
		{name: "open", activity: activity.Activity{}, caller: org, member: "m1"},
		{name: "one second before close", activity: activity.Activity{CloseTime: now.Add(time.Second)}, caller: org, member: "m1"},
		{name: "at close time", activity: activity.Activity{CloseTime: now}, caller: org, member: "m1", want: activity.ErrClosed},
		{name: "authorised user", activity: activity.Activity{Permission: []int64{5, 9}}, caller: Caller{Kind: CallerUser, AccountID: 4}, meeting: 9},
		{name: "unauthorised user", activity: activity.Activity{Permission: []int64{5}}, caller: Caller{Kind: CallerUser, AccountID: 3}, want: activity.ErrNotPermitted},
		{name: "user posing as another", activity: activity.Activity{}, caller: Caller{Kind: CallerUser, AccountID: 3}, member: "4", want: activity.ErrMemberIsCaller},
		{name: "phone collected", activity: activity.Activity{CollectInfo: activity.CollectInfo{activity.InfoPhone}}, caller: org, member: "m1",
			profile: activity.Profile{Phone: "13800138000"}},
		{name: "another organisation", activity: activity.Activity{OrgID: 2}, caller: org, member: "m1", want: activity.ErrOtherOrg},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newMemory()
			m.authorised["4"] = 9
			tc.activity.ID = 1
			if tc.activity.OrgID == 0 {
				tc.activity.OrgID = 1
			}
			m.activities[1] = tc.activity
			ctx := WithCaller(context.Background(), tc.caller)
			id, err := m.service(portstest.NewClock(now), nil).SubmitMember(ctx, 1, tc.member, tc.profile)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("want %v, got %v", tc.want, err)
			}
			if tc.want != nil {
				if len(m.members) != 0 || len(m.events) != 0 {
					t.Fatal("a refused join wrote a member or an event")
				}
				return
			}
			if len(m.members) != 1 || m.members[0].MemberID != id || m.members[0].MeetingID != tc.meeting || m.members[0].JoinedAt != now {
				t.Fatalf("stored %+v for member %q", m.members, id)
			}
			if len(m.events) != 1 || m.events[0].Type != "member_joined" {
				t.Fatalf("want a member_joined event, got %+v", m.events)
			}
		})
	}
}
