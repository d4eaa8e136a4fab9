package activity

import (
	"errors"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

func TestAdmit(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	open := Activity{}
	cases := []struct {
		name     string
		activity Activity
		current  Member
		profile  Profile
		meeting  int64
		want     error
		field    string
	}{
		{name: "open to all", activity: open},
		{name: "before close time", activity: Activity{CloseTime: now.Add(time.Minute)}},
		{name: "at close time", activity: Activity{CloseTime: now}, want: ErrClosed},
		{name: "after close time", activity: Activity{CloseTime: now.Add(-time.Minute)}, want: ErrClosed},
		{name: "closed by hand", activity: Activity{ClosedAt: now.Add(-time.Hour)}, want: ErrClosed},
		{name: "restricted, authorised", activity: Activity{Permission: []int64{3}}, meeting: 3},
		{name: "restricted, not authorised", activity: Activity{Permission: []int64{3}}, want: ErrNotPermitted},
		{name: "name collected and given", activity: Activity{CollectInfo: CollectInfo{InfoName}}, profile: Profile{RealName: "Li"}},
		{name: "name collected, missing", activity: Activity{CollectInfo: CollectInfo{InfoName}}, field: "member_real_name"},
		{name: "name collected, stored before", activity: Activity{CollectInfo: CollectInfo{InfoName}}, current: Member{RealName: "Li"}},
		{name: "phone collected, missing", activity: Activity{CollectInfo: CollectInfo{InfoPhone, InfoName}}, profile: Profile{RealName: "Li"}, field: "member_phone"},
		{name: "phone malformed", activity: open, profile: Profile{Phone: "12ab5678"}, field: "member_phone"},
		{name: "phone with country code", activity: Activity{CollectInfo: CollectInfo{InfoPhone}}, profile: Profile{Phone: "+8613800138000"}},
		{name: "closed wins over permission", activity: Activity{ClosedAt: now, Permission: []int64{3}}, want: ErrClosed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.activity.Admit(now, tc.current, tc.profile, tc.meeting)
			switch {
			case tc.field != "":
				var e *shared.Error
				if !errors.As(err, &e) || e.Field != tc.field {
					t.Fatalf("want an error on %s, got %v", tc.field, err)
				}
			case !errors.Is(err, tc.want) || (tc.want == nil && err != nil):
				t.Fatalf("want %v, got %v", tc.want, err)
			}
		})
	}
}

func TestParseCollectInfo(t *testing.T) {
	cases := []struct {
		in, want string
		bad      bool
	}{
		{in: "phone,name", want: "phone,name"},
		{in: " Name , phone,name ", want: "name,phone"},
		{in: "", want: ""},
		{in: "name,,", want: "name"},
		{in: "email", bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			ci, err := ParseCollectInfo(tc.in)
			if (err != nil) != tc.bad || (!tc.bad && ci.String() != tc.want) {
				t.Fatalf("ParseCollectInfo(%q) = %q, %v", tc.in, ci.String(), err)
			}
		})
	}
}

func TestApplyKeepsTheActivityOnError(t *testing.T) {
	now := time.Now()
	name, kind := "wall", "message"
	a, err := NewActivity(1, Draft{Name: &name, Kind: &kind}, now)
	if err != nil {
		t.Fatal(err)
	}
	bad, perm := "quiz", []int64{4, 4, 5}
	if err := a.Apply(Draft{Name: &bad, Kind: &bad}, now); err == nil || a.Name != "wall" || a.Kind != KindMessage {
		t.Fatalf("a failed update changed the activity: %+v, %v", a, err)
	}
	if err := a.Apply(Draft{Permission: &perm}, now); err != nil || a.PermissionString() != "4,5" {
		t.Fatalf("permission: %q, %v", a.PermissionString(), err)
	}
	negative := []int64{0}
	if err := a.Apply(Draft{Permission: &negative}, now); err == nil {
		t.Fatal("a meeting id 0 was accepted")
	}
}
