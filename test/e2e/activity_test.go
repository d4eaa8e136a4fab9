package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// activityReply is the activity API's answer.
type activityReply struct {
	Status int
	Code   int             `json:"code"`
	Msg    string          `json:"msg"`
	Data   json.RawMessage `json:"data"`
}

// activityCall sends body as it is (the seed's bodies are not always JSON)
// with an Authorization token when given, and decodes the envelope.
func (s *service) activityCall(t *testing.T, method, path, token, body string) activityReply {
	t.Helper()
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	var r activityReply
	r.Status = request(t, method, s.URL+path, ctype, token, strings.NewReader(body), &r)
	return r
}

// data fails unless the answer is a success and decodes its data.
func (r activityReply) data(t *testing.T, what string, dst any) {
	t.Helper()
	if r.Status != http.StatusOK || r.Code != 0 {
		t.Fatalf("%s: HTTP %d code %d %q", what, r.Status, r.Code, r.Msg)
	}
	if dst != nil {
		if err := json.Unmarshal(r.Data, dst); err != nil {
			t.Fatalf("%s: data %s: %v", what, r.Data, err)
		}
	}
}

// TestActivityJourney: a manager creates an organisation and issues it a
// token; the organisation sets up a meeting and an activity limited to it;
// a WeChat client reads the activity and joins through the seed's routes;
// the organisation lists its members; the token is revoked.
func TestActivityJourney(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "activity.db")
	env := map[string]string{"DATABASE_URL": dbURL, "BCRYPT_COST": "4"}
	if code, out := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", out)
	}
	if code, out := run(t, env, "admin", "create", "--account", "boss@example.com", "--password", "password123"); code != 0 {
		t.Fatalf("admin create: %s", out)
	}
	s := startService(t, env)
	login := s.call(t, "POST", "/api/auth/access_token", "", map[string]string{"account": "boss@example.com", "password": "password123"}).
		want(t, "manager login", 200, 0).tokens(t)

	var org struct{ ID int64 }
	s.activityCall(t, "POST", "/api/v3/manage/orgs", login.AccessToken, `{"name":"Campus Union"}`).data(t, "create org", &org)
	var tok struct {
		ID          int64
		AccessToken string `json:"access_token"`
	}
	s.activityCall(t, "POST", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens", org.ID), login.AccessToken, `{"label":"wall"}`).data(t, "issue token", &tok)

	var meeting struct{ ID int64 }
	s.activityCall(t, "POST", "/api/v3/org/meetings", tok.AccessToken, `{"name":"board"}`).data(t, "create meeting", &meeting)
	s.activityCall(t, "POST", fmt.Sprintf("/api/v3/org/meetings/%d/users", meeting.ID), tok.AccessToken, `{"member_ids":["xxxx"]}`).data(t, "authorise", nil)
	var act struct{ ID int64 }
	s.activityCall(t, "POST", "/api/v3/org/activities", tok.AccessToken,
		fmt.Sprintf(`{"name":"Annual meeting","kind":"signin","collect_info":"name","permission":[%d],"close_time":"2099-01-01 00:00:00"}`, meeting.ID)).
		data(t, "create activity", &act)

	q := "?access_type=org&access_token=" + tok.AccessToken
	var info map[string]string
	s.activityCall(t, "GET", fmt.Sprintf("/activitys_for_wx/%d%s", act.ID, q), "", "").data(t, "activity info", &info)
	if info["permission"] != fmt.Sprint(meeting.ID) || info["collect_info"] != "name" || info["close_time"] != "2099-01-01 00:00:00" {
		t.Fatalf("activity info %v", info)
	}
	var authMeeting int64
	s.activityCall(t, "GET", fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/auth_meeting%s&member_id=xxxx", act.ID, q), "", "").data(t, "auth_meeting", &authMeeting)
	if authMeeting != meeting.ID {
		t.Fatalf("auth_meeting %d, want %d", authMeeting, meeting.ID)
	}
	userInfo := fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/userInfo%s", act.ID, q)
	if r := s.activityCall(t, "POST", userInfo, "", `{"member_id":"xxxx","member_nickname":"abc"}`); r.Status != 400 || r.Code != 1 || !strings.Contains(r.Msg, "member_real_name") {
		t.Fatalf("join without the collected name: HTTP %d %q", r.Status, r.Msg)
	}
	var member string
	s.activityCall(t, "POST", userInfo, "", `{'member_id':'xxxx','member_nickname':'abc','member_real_name':'Li Lei'}`).data(t, "userInfo", &member)
	var joined int
	s.activityCall(t, "GET", fmt.Sprintf("/activitys_for_wx/%d/wx/hasJoin/%s%s", act.ID, member, q), "", "").data(t, "hasJoin", &joined)
	if member != "xxxx" || joined != 1 {
		t.Fatalf("member %q joined %d", member, joined)
	}
	var members struct {
		Total int
		Data  []struct {
			RealName string `json:"member_real_name"`
		}
	}
	s.activityCall(t, "GET", fmt.Sprintf("/api/v3/org/activities/%d/members", act.ID), tok.AccessToken, "").data(t, "members", &members)
	if members.Total != 1 || members.Data[0].RealName != "Li Lei" {
		t.Fatalf("members %+v", members)
	}

	s.activityCall(t, "DELETE", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens/%d", org.ID, tok.ID), login.AccessToken, "").data(t, "revoke", nil)
	if r := s.activityCall(t, "GET", fmt.Sprintf("/activitys_for_wx/%d%s", act.ID, q), "", ""); r.Status != 401 || r.Code != 1 {
		t.Fatalf("revoked token: HTTP %d code %d", r.Status, r.Code)
	}
	if r := s.activityCall(t, "GET", "/activitys_for_wx/nothing/here", "", ""); r.Status != 404 || r.Code != 1 {
		t.Fatalf("unknown path: HTTP %d code %d", r.Status, r.Code)
	}
}
