package activityapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// TestJoinRules exercises userInfo's rules — close time, hand closing,
// meeting permission and the information to collect — on the real stack.
func TestJoinRules(t *testing.T) {
	hs := newHarness(t)
	_, org := hs.org("Campus Union")
	uid, user := hs.user("student@example.com")
	_, stranger := hs.user("stranger@example.com")
	meeting := hs.meeting(org, strconv.FormatInt(uid, 10), "invited")
	closedByHand := hs.activity(org, `{"name":"closed","kind":"signin"}`)
	hs.ok(hs.orgDo(org, "POST", fmt.Sprintf("/api/v3/org/activities/%d/close", closedByHand), ""), nil)
	activities := map[string]int64{
		"open":         hs.activity(org, `{"name":"open","kind":"signin"}`),
		"past close":   hs.activity(org, `{"name":"past","kind":"signin","close_time":"2000-01-01 00:00:00"}`),
		"closed":       closedByHand,
		"restricted":   hs.activity(org, fmt.Sprintf(`{"name":"board only","kind":"lottery","permission":"%d"}`, meeting)),
		"collects all": hs.activity(org, `{"name":"register","kind":"message","collect_info":"name,phone"}`),
	}
	cases := []struct {
		name, activity, token, typ, body string
		status                           int
	}{
		{"open activity admits anyone", "open", org, "org", `{"member_id":"m1","member_nickname":"Li"}`, http.StatusOK},
		{"open activity admits a user as themselves", "open", stranger, "user", `{"member_nickname":"Wang"}`, http.StatusOK},
		{"a user may not act as another member", "open", stranger, "user", `{"member_id":"m1"}`, http.StatusForbidden},
		{"an org must name the member", "open", org, "org", `{"member_nickname":"Li"}`, http.StatusBadRequest},
		{"after close_time nobody joins", "past close", org, "org", `{"member_id":"m1"}`, http.StatusForbidden},
		{"closed by hand nobody joins", "closed", org, "org", `{"member_id":"m1"}`, http.StatusForbidden},
		{"restricted admits an authorised member", "restricted", org, "org", `{"member_id":"invited"}`, http.StatusOK},
		{"restricted admits an authorised user", "restricted", user, "user", `{}`, http.StatusOK},
		{"restricted refuses others", "restricted", stranger, "user", `{}`, http.StatusForbidden},
		{"restricted refuses an unknown member", "restricted", org, "org", `{"member_id":"m9"}`, http.StatusForbidden},
		{"collect_info needs the name", "collects all", org, "org", `{"member_id":"m2","member_phone":"13800138000"}`, http.StatusBadRequest},
		{"collect_info needs the phone", "collects all", org, "org", `{"member_id":"m2","member_real_name":"Li Lei"}`, http.StatusBadRequest},
		{"collect_info rejects a bad phone", "collects all", org, "org", `{"member_id":"m2","member_real_name":"Li Lei","member_phone":"call me"}`, http.StatusBadRequest},
		{"collect_info satisfied", "collects all", org, "org", `{"member_id":"m2","member_real_name":"Li Lei","member_phone":"13800138000"}`, http.StatusOK},
		{"an update may rely on stored info", "collects all", org, "org", `{"member_id":"m2","member_nickname":"lei"}`, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/userInfo?access_token=%s&access_type=%s", activities[tc.activity], tc.token, tc.typ)
			r := hs.do("POST", path, tc.body)
			if r.Status != tc.status {
				t.Fatalf("want %d, got %d: %s", tc.status, r.Status, r.Raw)
			}
			if (r.Code == 0) != (tc.status == http.StatusOK) || r.Msg == "" {
				t.Fatalf("want code %v and a msg, got %s", tc.status == http.StatusOK, r.Raw)
			}
		})
	}
	if n, u := hs.events("member_joined"), hs.events("member_updated"); n != 5 || u != 1 {
		t.Fatalf("want 5 member_joined and 1 member_updated events, got %d and %d", n, u)
	}
	var joined int
	hs.ok(hs.do("GET", fmt.Sprintf("/activitys_for_wx/%d/wx/hasJoin?access_token=%s&access_type=user", activities["restricted"], user), ""), &joined)
	if joined != 1 {
		t.Fatalf("the admitted user has joined: want 1, got %d", joined)
	}
}
