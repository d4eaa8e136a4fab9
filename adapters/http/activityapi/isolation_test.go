package activityapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCrossOrganisationIsolation checks that an organisation reaches none
// of another organisation's activities or meetings, on either API.
func TestCrossOrganisationIsolation(t *testing.T) {
	hs := newHarness(t)
	_, orgA := hs.org("A")
	_, orgB := hs.org("B")
	meetingA := hs.meeting(orgA, "m1")
	id := hs.activity(orgA, `{"name":"A's lottery","kind":"lottery"}`)
	hs.ok(hs.do("POST", fmt.Sprintf("/activitys_for_wx/%d/wx/userInfo?access_token=%s&access_type=org", id, orgA), `{"member_id":"m1"}`), nil)
	wx := func(path string) string {
		return fmt.Sprintf("/api/v3/activitys_for_wx/%d%s?access_token=%s&access_type=org&member_id=m1", id, path, orgB)
	}
	cases := []struct {
		name, method, path, body string
		org                      bool
		status                   int
	}{
		{"info", "GET", wx(""), "", false, http.StatusForbidden},
		{"exist", "POST", wx("/exist"), "", false, http.StatusForbidden},
		{"collect_info", "GET", wx("/wx/collect_info"), "", false, http.StatusForbidden},
		{"auth_meeting", "GET", wx("/wx/auth_meeting"), "", false, http.StatusForbidden},
		{"hasJoin", "GET", wx("/wx/hasJoin"), "", false, http.StatusForbidden},
		{"userInfo", "POST", wx("/wx/userInfo"), `{"member_id":"m2"}`, false, http.StatusForbidden},
		{"org get", "GET", fmt.Sprintf("/api/v3/org/activities/%d", id), "", true, http.StatusForbidden},
		{"org update", "PUT", fmt.Sprintf("/api/v3/org/activities/%d", id), `{"name":"mine"}`, true, http.StatusForbidden},
		{"org close", "POST", fmt.Sprintf("/api/v3/org/activities/%d/close", id), "", true, http.StatusForbidden},
		{"org delete", "DELETE", fmt.Sprintf("/api/v3/org/activities/%d", id), "", true, http.StatusForbidden},
		{"org members", "GET", fmt.Sprintf("/api/v3/org/activities/%d/members", id), "", true, http.StatusForbidden},
		{"org export", "GET", fmt.Sprintf("/api/v3/org/activities/%d/members/export", id), "", true, http.StatusForbidden},
		{"org draw", "POST", fmt.Sprintf("/api/v3/org/activities/%d/draws", id), `{"count":1}`, true, http.StatusForbidden},
		{"org meeting users", "GET", fmt.Sprintf("/api/v3/org/meetings/%d/users", meetingA), "", true, http.StatusForbidden},
		{"org authorise", "POST", fmt.Sprintf("/api/v3/org/meetings/%d/users", meetingA), `{"member_ids":["x"]}`, true, http.StatusForbidden},
		{"org delete meeting", "DELETE", fmt.Sprintf("/api/v3/org/meetings/%d", meetingA), "", true, http.StatusForbidden},
		{"permission with another org's meeting", "POST", "/api/v3/org/activities",
			fmt.Sprintf(`{"name":"x","kind":"signin","permission":[%d]}`, meetingA), true, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r reply
			if tc.org {
				r = hs.orgDo(orgB, tc.method, tc.path, tc.body)
			} else {
				r = hs.do(tc.method, tc.path, tc.body)
			}
			if r.Status != tc.status || r.Code != 1 || r.Msg == "" {
				t.Fatalf("want %d with code 1 and a msg, got %d: %s", tc.status, r.Status, r.Raw)
			}
			if strings.Contains(r.Msg, "malformed JSON") && strings.HasPrefix(tc.body, "{\"") && json.Valid([]byte(tc.body)) {
				t.Errorf("a well-formed body is reported as malformed: %s", r.Msg)
			}
		})
	}
	var members struct{ Total int }
	hs.ok(hs.orgDo(orgA, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members", id), ""), &members)
	if members.Total != 1 {
		t.Fatalf("organisation B changed A's members: %d", members.Total)
	}
	var list struct{ Total int }
	hs.ok(hs.orgDo(orgB, "GET", "/api/v3/org/activities", ""), &list)
	if list.Total != 0 {
		t.Fatalf("organisation B lists A's activities: %d", list.Total)
	}
}

// TestBadInput checks that malformed, missing, wrong and over-long input
// gets code 1, a message and a 4xx — never a 500.
func TestBadInput(t *testing.T) {
	hs := newHarness(t)
	orgID, org := hs.org("A")
	_, user := hs.user("student@example.com")
	id := hs.activity(org, `{"name":"wall","kind":"message"}`)
	ok := "?access_token=" + org + "&access_type=org"
	userInfo := fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/userInfo%s", id, ok)
	cases := []struct {
		name, method, path, body string
		header                   []string
		status                   int
	}{
		{"no token", "GET", fmt.Sprintf("/activitys_for_wx/%d", id), "", nil, http.StatusUnauthorized},
		{"no access_type", "GET", fmt.Sprintf("/activitys_for_wx/%d?access_token=%s", id, org), "", nil, http.StatusBadRequest},
		{"unknown access_type", "GET", fmt.Sprintf("/activitys_for_wx/%d?access_token=%s&access_type=admin", id, org), "", nil, http.StatusBadRequest},
		{"wrong org token", "GET", fmt.Sprintf("/activitys_for_wx/%d?access_token=nope&access_type=org", id), "", nil, http.StatusUnauthorized},
		{"org token as a user token", "GET", fmt.Sprintf("/activitys_for_wx/%d?access_token=%s&access_type=user", id, org), "", nil, http.StatusUnauthorized},
		{"user token as an org token", "GET", fmt.Sprintf("/activitys_for_wx/%d?access_token=%s&access_type=org", id, user), "", nil, http.StatusUnauthorized},
		{"non-numeric id", "GET", "/activitys_for_wx/abc" + ok, "", nil, http.StatusBadRequest},
		{"negative id", "GET", "/activitys_for_wx/-1" + ok, "", nil, http.StatusBadRequest},
		{"huge id", "GET", "/activitys_for_wx/99999999999999999999" + ok, "", nil, http.StatusBadRequest},
		{"unknown id", "GET", "/activitys_for_wx/424242" + ok, "", nil, http.StatusNotFound},
		{"unknown id on userInfo", "POST", "/activitys_for_wx/424242/wx/userInfo" + ok, `{"member_id":"a"}`, nil, http.StatusNotFound},
		{"malformed JSON", "POST", userInfo, `{"member_id":`, nil, http.StatusBadRequest},
		{"JSON array", "POST", userInfo, `["member_id"]`, []string{"Content-Type", "application/json"}, http.StatusBadRequest},
		{"object value", "POST", userInfo, `{"member_id":{"a":1}}`, nil, http.StatusBadRequest},
		{"unknown field", "POST", userInfo, `{"member_id":"a","admin":true}`, nil, http.StatusBadRequest},
		{"repeated form field", "POST", userInfo, "member_id=a&member_id=b", []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusBadRequest},
		{"over-long nickname", "POST", userInfo, `{"member_id":"a","member_nickname":"` + strings.Repeat("x", 101) + `"}`, nil, http.StatusBadRequest},
		{"member id with spaces", "POST", userInfo, `{"member_id":"a b"}`, nil, http.StatusBadRequest},
		{"body over the limit", "POST", userInfo, `{"member_id":"` + strings.Repeat("x", 1<<20) + `"}`, nil, http.StatusRequestEntityTooLarge},
		{"user syncs a course", "POST", "/activitys_for_wx/course/1/signinInfo?access_type=user&access_token=" + user, `{"member_id":"1"}`, nil, http.StatusForbidden},
		{"non-numeric course", "POST", "/activitys_for_wx/course/x/signinInfo" + ok, `{"member_id":"1"}`, nil, http.StatusBadRequest},
		{"course sync without member", "POST", "/activitys_for_wx/course/1/signinInfo" + ok, `{}`, nil, http.StatusBadRequest},
		{"wrong method", "DELETE", fmt.Sprintf("/activitys_for_wx/%d%s", id, ok), "", nil, http.StatusMethodNotAllowed},
		{"unknown path", "GET", "/api/v3/no/such/thing", "", nil, http.StatusNotFound},
		{"org API without token", "GET", "/api/v3/org/activities", "", nil, http.StatusUnauthorized},
		{"org API with a user token", "GET", "/api/v3/org/activities", "", []string{"Authorization", "Token " + user}, http.StatusUnauthorized},
		{"unknown kind", "POST", "/api/v3/org/activities", `{"name":"x","kind":"quiz"}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"missing name", "POST", "/api/v3/org/activities", `{"kind":"signin"}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"bad collect_info", "POST", "/api/v3/org/activities", `{"name":"x","kind":"signin","collect_info":"email"}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"bad close_time", "POST", "/api/v3/org/activities", `{"name":"x","kind":"signin","close_time":"tomorrow"}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"bad permission", "POST", "/api/v3/org/activities", `{"name":"x","kind":"signin","permission":"1,a"}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"permission of the wrong type", "POST", "/api/v3/org/activities", `{"name":"x","kind":"signin","permission":[true]}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"null close_time", "POST", "/api/v3/org/activities", `{"name":"x","kind":"signin","close_time":null}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"empty meeting filter", "GET", fmt.Sprintf("/api/v3/org/activities/%d/members?meeting_id=", id), "", []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"wrong type", "POST", "/api/v3/org/activities", `{"name":5,"kind":"signin"}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"draw on a message wall", "POST", fmt.Sprintf("/api/v3/org/activities/%d/draws", id), `{"count":1}`, []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"bad page size", "GET", fmt.Sprintf("/api/v3/org/activities/%d/members?page_size=1000", id), "", []string{"Authorization", "Token " + org}, http.StatusBadRequest},
		{"manager API with a user token", "POST", "/api/v3/manage/orgs", `{"name":"x"}`, []string{"Authorization", "Token " + user}, http.StatusForbidden},
		{"manager API without token", "GET", "/api/v3/manage/orgs", "", nil, http.StatusUnauthorized},
		{"token of an unknown org", "POST", "/api/v3/manage/orgs/999/tokens", `{}`, []string{"Authorization", "Token " + hs.manager}, http.StatusNotFound},
		{"revoke an unknown token", "DELETE", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens/999", orgID), "", []string{"Authorization", "Token " + hs.manager}, http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := hs.do(tc.method, tc.path, tc.body, tc.header...)
			if r.Status != tc.status || r.Code != 1 || r.Msg == "" {
				t.Fatalf("want %d with code 1 and a msg, got %d: %s", tc.status, r.Status, r.Raw)
			}
			if strings.Contains(r.Msg, "malformed JSON") && strings.HasPrefix(tc.body, "{\"") && json.Valid([]byte(tc.body)) {
				t.Errorf("a well-formed body is reported as malformed: %s", r.Msg)
			}
		})
	}
	if n := hs.events("member_joined"); n != 0 {
		t.Fatalf("bad input wrote %d members", n)
	}
}
