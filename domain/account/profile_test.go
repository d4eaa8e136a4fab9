package account_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/account"
)

func ptr[T any](v T) *T { return &v }

func TestApplyProfile(t *testing.T) {
	now := time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name        string
		change      account.ProfileChange
		wantChanged []string
		wantField   string
		check       func(t *testing.T, p account.Profile)
	}{
		{name: "nothing sent", change: account.ProfileChange{}},
		{name: "same values", change: account.ProfileChange{Gender: ptr(2), Nickname: ptr("")}},
		{name: "every field", change: account.ProfileChange{
			Nickname: ptr("小明"), Avatar: ptr("https://example.com/a.png"), Gender: ptr(1),
			Birthday: ptr("1991-03-08"), Address: ptr("合肥市"),
		}, wantChanged: []string{"nickname", "avatar", "gender", "birthday", "address"},
			check: func(t *testing.T, p account.Profile) {
				want := account.Profile{Nickname: "小明", Avatar: "https://example.com/a.png", Gender: account.GenderMale, Birthday: "1991-03-08", Address: "合肥市"}
				if p != want {
					t.Errorf("profile = %+v, want %+v", p, want)
				}
			}},
		{name: "gender female", change: account.ProfileChange{Gender: ptr(0)}, wantChanged: []string{"gender"}},
		{name: "gender male", change: account.ProfileChange{Gender: ptr(1)}, wantChanged: []string{"gender"}},
		{name: "gender negative", change: account.ProfileChange{Gender: ptr(-1)}, wantField: "gender"},
		{name: "gender three", change: account.ProfileChange{Gender: ptr(3)}, wantField: "gender"},
		{name: "birthday today", change: account.ProfileChange{Birthday: ptr("2026-03-08")}, wantChanged: []string{"birthday"}},
		{name: "birthday tomorrow", change: account.ProfileChange{Birthday: ptr("2026-03-09")}, wantField: "birthday"},
		{name: "birthday without leading zeros", change: account.ProfileChange{Birthday: ptr("1991-3-8")}, wantField: "birthday"},
		{name: "birthday with slashes", change: account.ProfileChange{Birthday: ptr("1991/03/08")}, wantField: "birthday"},
		{name: "birthday impossible date", change: account.ProfileChange{Birthday: ptr("1991-02-30")}, wantField: "birthday"},
		{name: "birthday with time", change: account.ProfileChange{Birthday: ptr("1991-03-08 00:00:00")}, wantField: "birthday"},
		{name: "nickname of 64 characters", change: account.ProfileChange{Nickname: ptr(strings.Repeat("名", 64))}, wantChanged: []string{"nickname"}},
		{name: "nickname of 65 characters", change: account.ProfileChange{Nickname: ptr(strings.Repeat("a", 65))}, wantField: "nickname"},
		{name: "avatar of 513 characters", change: account.ProfileChange{Avatar: ptr(strings.Repeat("a", 513))}, wantField: "avatar"},
		{name: "address of 255 characters", change: account.ProfileChange{Address: ptr(strings.Repeat("路", 255))}, wantChanged: []string{"address"}},
		{name: "address of 256 characters", change: account.ProfileChange{Address: ptr(strings.Repeat("a", 256))}, wantField: "address"},
		{name: "nickname with a NUL", change: account.ProfileChange{Nickname: ptr("a\x00b")}, wantField: "nickname"},
		{name: "nickname with a line break", change: account.ProfileChange{Nickname: ptr("a\nb")}, wantField: "nickname"},
		{name: "avatar with an escape", change: account.ProfileChange{Avatar: ptr("https://x\x1b[31m")}, wantField: "avatar"},
		{name: "address on two lines", change: account.ProfileChange{Address: ptr("合肥市\n蜀山区")}, wantChanged: []string{"address"}},
		{name: "address with a NUL", change: account.ProfileChange{Address: ptr("a\x00")}, wantField: "address"},
		{name: "valid fields with one bad", change: account.ProfileChange{Nickname: ptr("ok"), Gender: ptr(7)}, wantField: "gender"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := account.Account{ID: 8, Profile: account.Profile{Gender: account.GenderSecret}, UpdatedAt: t0}
			before := a.Profile
			changed, err := a.Apply(tc.change, now)
			if tc.wantField != "" {
				wantField(t, err, tc.wantField)
				if a.Profile != before || !a.UpdatedAt.Equal(t0) {
					t.Errorf("a rejected change altered the account: %+v", a)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !slices.Equal(changed, tc.wantChanged) {
				t.Errorf("changed = %v, want %v", changed, tc.wantChanged)
			}
			wantUpdated := t0
			if len(tc.wantChanged) > 0 {
				wantUpdated = now
			}
			if !a.UpdatedAt.Equal(wantUpdated) {
				t.Errorf("UpdatedAt = %v, want %v", a.UpdatedAt, wantUpdated)
			}
			if tc.check != nil {
				tc.check(t, a.Profile)
			}
		})
	}
}

func TestApplyClearsBirthday(t *testing.T) {
	a := account.Account{Profile: account.Profile{Birthday: "1991-03-08"}}
	changed, err := a.Apply(account.ProfileChange{Birthday: ptr("")}, t0)
	if err != nil || !slices.Equal(changed, []string{"birthday"}) || a.Profile.Birthday != "" {
		t.Fatalf("changed %v, err %v, birthday %q", changed, err, a.Profile.Birthday)
	}
}

func TestProfileUpdatedNamesFieldsNotValues(t *testing.T) {
	a := account.Account{ID: 8, UpdatedAt: t0}
	ev := a.ProfileUpdated([]string{"nickname"})
	if ev.FullType() != "campushub.account.profile_updated" || ev.AggregateID != "8" {
		t.Fatalf("event %s for %s", ev.FullType(), ev.AggregateID)
	}
	if !slices.Equal(ev.Payload["fields"].([]string), []string{"nickname"}) {
		t.Errorf("fields = %v", ev.Payload["fields"])
	}
}
