package push

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewPush(t *testing.T) {
	now := time.Date(2019, 5, 30, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		draft     Draft
		wantField string
		wantIDs   []int64
	}{
		{name: "everyone", draft: Draft{Title: "推送测试", Body: "推送测试内容", Scope: Everyone}},
		{name: "listed users, duplicates dropped", draft: Draft{Title: "t", Body: "b", Scope: Users, UserIDs: []int64{3, 1, 3}}, wantIDs: []int64{3, 1}},
		{name: "blank title", draft: Draft{Title: "  ", Body: "b"}, wantField: "push_title"},
		{name: "title too long", draft: Draft{Title: strings.Repeat("标", MaxTitleLength+1), Body: "b"}, wantField: "push_title"},
		{name: "no body", draft: Draft{Title: "t"}, wantField: "push_body"},
		{name: "body too long", draft: Draft{Title: "t", Body: strings.Repeat("b", MaxBodyLength+1)}, wantField: "push_body"},
		{name: "unknown scope", draft: Draft{Title: "t", Body: "b", Scope: 7}, wantField: "push_scope"},
		{name: "users without ids", draft: Draft{Title: "t", Body: "b", Scope: Users}, wantField: "user_ids"},
		{name: "everyone with ids", draft: Draft{Title: "t", Body: "b", Scope: Everyone, UserIDs: []int64{1}}, wantField: "user_ids"},
		{name: "non-positive id", draft: Draft{Title: "t", Body: "b", Scope: Users, UserIDs: []int64{-1}}, wantField: "user_ids"},
		{name: "too many ids", draft: Draft{Title: "t", Body: "b", Scope: Users, UserIDs: make([]int64, MaxRecipients+1)}, wantField: "user_ids"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(tc.draft, 9, now)
			if tc.wantField != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantField+":") {
					t.Fatalf("err = %v, want one about %s", err, tc.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != Queued || p.ManagerID != 9 || len(p.Recipients) != len(tc.wantIDs) {
				t.Fatalf("push = %+v", p)
			}
			for i, id := range tc.wantIDs {
				if p.Recipients[i] != id {
					t.Fatalf("recipients = %v, want %v", p.Recipients, tc.wantIDs)
				}
			}
		})
	}
}

func TestSettle(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	down := errors.New("provider down")
	cases := []struct {
		name         string
		attempts     int
		sent, failed int
		err          error
		wantStatus   Status
		wantRetry    bool
	}{
		{name: "all accepted", sent: 2, wantStatus: Sent},
		{name: "some accepted", sent: 1, failed: 1, wantStatus: Sent},
		{name: "all refused", failed: 2, wantStatus: Failed},
		{name: "nobody to reach", wantStatus: Sent},
		{name: "provider down, attempts left", err: down, wantStatus: Queued, wantRetry: true},
		{name: "provider down, last attempt", attempts: MaxAttempts - 1, err: down, wantStatus: Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Push{Status: Queued, Attempts: tc.attempts}
			p.Settle(tc.sent, tc.failed, tc.err, now)
			if p.Status != tc.wantStatus || p.Attempts != tc.attempts+1 {
				t.Fatalf("after settling: status %d attempts %d", p.Status, p.Attempts)
			}
			if got := !p.NextAttempt.IsZero(); got != tc.wantRetry || (tc.wantRetry && !p.NextAttempt.After(now)) {
				t.Fatalf("next attempt = %v", p.NextAttempt)
			}
			if (tc.err != nil) != (p.LastError != "") {
				t.Fatalf("last error = %q", p.LastError)
			}
		})
	}
}

func TestDeviceRebind(t *testing.T) {
	now := time.Now()
	d := NewDevice(1, "cid", Android, now)
	d.SetSwitch(false, now)
	if prev, moved := d.Rebind(1, IOS, now); moved || prev != 1 || d.Switch || d.ClientType != IOS {
		t.Fatalf("rebinding by the owner: %+v moved=%v", d, moved)
	}
	if prev, moved := d.Rebind(2, Android, now); !moved || prev != 1 || !d.Switch || d.UserID != 2 {
		t.Fatalf("moving to another user: %+v", d)
	}
	if err := d.OwnedBy(1); !errors.Is(err, ErrNotYourDevice) {
		t.Fatalf("old owner: %v", err)
	}
}

func TestClientIDAndType(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{{"abc123", true}, {"", false}, {"a b", false}, {"中文", false}, {strings.Repeat("a", MaxClientIDLength), true}, {strings.Repeat("a", MaxClientIDLength+1), false}} {
		if err := CheckClientID(tc.id); (err == nil) != tc.ok {
			t.Errorf("CheckClientID(%q) = %v", tc.id, err)
		}
	}
	for _, tc := range []struct {
		in   string
		want ClientType
	}{{"android", Android}, {"iOS", IOS}, {"windows", ""}, {"", ""}} {
		got, err := ParseClientType(tc.in)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("ParseClientType(%q) = %q, %v", tc.in, got, err)
		}
	}
}
