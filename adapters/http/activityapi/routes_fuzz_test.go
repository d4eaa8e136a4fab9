package activityapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/http/activityapi"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
	"github.com/campushub/campushub/adapters/http/server"
	appactivity "github.com/campushub/campushub/app/activity"
)

// stubbedActivity is every activity API route, with its credential
// middleware, in front of stub endpoints.
func stubbedActivity(tb testing.TB) *httpkittest.Harness {
	tb.Helper()
	return httpkittest.NewHarness(tb, activityapi.Family{}, func(d *httpkittest.Decoded) []server.Mounter {
		s := activityapi.NewServer(slog.New(slog.DiscardHandler), httpkit.Clock{Loc: time.UTC})
		return []server.Mounter{
			activityapi.WX{S: s, EP: *httpkittest.Stub(&appactivity.WX{}, d)},
			activityapi.Org{S: s, EP: *httpkittest.Stub(&appactivity.Org{}, d)},
			activityapi.Walls{S: s, EP: *httpkittest.Stub(&appactivity.Walls{}, d)},
			activityapi.Participants{S: s, EP: *httpkittest.Stub(&appactivity.Participants{}, d)},
			activityapi.Manage{S: s, EP: *httpkittest.Stub(&appactivity.Manage{}, d)},
		}
	})
}

const (
	jsonCT  = "application/json; charset=utf-8"
	orgAuth = "access_token=xxx&access_type=org"
)

// activitySeeds are activities-api.txt's samples, verbatim where it gives a
// body (typographic and single quotes included), and the organisation
// API's documented requests.
var activitySeeds = []httpkittest.Seed{
	{Route: "GET /api/v3/activitys_for_wx/{id}/wx/auth_meeting", Arg: "1", Query: "access_token=xxx&access_type=user"},
	{Route: "GET /api/v3/activitys_for_wx/{id}/wx/collect_info", Arg: "1", Query: orgAuth},
	{Route: "GET /api/v3/activitys_for_wx/{id}/wx/hasJoin", Arg: "2", Query: orgAuth},
	{Route: "GET /activitys_for_wx/{id}/wx/hasJoin/{member_id}", Arg: "2", Query: orgAuth},
	{Route: "POST /api/v3/activitys_for_wx/{id}/wx/userInfo", Arg: "1", Query: orgAuth, ContentType: jsonCT,
		Body: "{\n  \"member_icon\": \"xxx\",\n  \"member_nickname\": \"abc”,\n  \"member_id\": “xxxx”\n}"},
	{Route: "POST /api/v3/activitys_for_wx/{id}/exist", Arg: "1", Query: orgAuth},
	{Route: "GET /activitys_for_wx/{id}", Arg: "1", Query: orgAuth},
	{Route: "POST /activitys_for_wx/course/{course_id}/signinInfo", Arg: "1", Query: orgAuth, ContentType: jsonCT,
		Body: "{\n      'member_id':'1',\n      'member_icon':'xxx',\n      'member_nickname':'xxx'\n}"},
	{Route: "POST /activitys_for_wx/course/{course_id}/signinInfo", Arg: "1", ContentType: "application/x-www-form-urlencoded;charset=utf-8",
		Body: "access_token=xxx&access_type=org&member_id=1&member_icon=xxx&member_nickname=xxx"},
	{Route: "POST /api/v3/org/activities", ContentType: jsonCT,
		Body: `{"name":"Spring lottery","kind":"lottery","collect_info":"name,phone","permission":"1,2","close_time":"2026-05-01 18:00:00"}`},
	{Route: "PUT /api/v3/org/activities/{id}", Arg: "1", ContentType: jsonCT, Body: `{"permission":[520],"close_time":""}`},
	{Route: "GET /api/v3/org/activities", Query: "page_no=1&page_size=20"},
	{Route: "GET /api/v3/org/activities/{id}/members", Arg: "1", Query: "page_no=9223372036854775807&q=Li&meeting_id=520"},
	{Route: "GET /api/v3/org/activities/{id}/members/export", Arg: "1", Query: "meeting_id=520"},
	{Route: "POST /api/v3/org/activities/{id}/draws", Arg: "1", ContentType: jsonCT, Body: `{"count":2}`},
	{Route: "POST /activitys_signin", Query: orgAuth, ContentType: jsonCT, Body: `{"activity_name":"Welcome","collect_info":"name"}`},
	{Route: "POST /api/v3/activitys_message", ContentType: jsonCT, Body: `{"name":"Say hi","kind":"message","permission":[520]}`},
	{Route: "GET /api/v3/org/activities/{id}/participants", Arg: "1", Query: "page_no=2&page_size=50"},
	{Route: "GET /api/v3/org/activities/{id}/participants/all", Arg: "1"},
	{Route: "GET /api/v3/org/activities/{id}/participants/template", Arg: "1"},
	{Route: "POST /api/v3/org/activities/{id}/participants/import", Arg: "1", ContentType: "text/plain",
		Body: "\ufeffmember_id,member_nickname,member_phone\r\no7x9AbC,\"Li, Lei\",13800138000\r\n"},
	{Route: "POST /api/v3/org/activities/{id}/participants/import", Arg: "1", ContentType: "multipart/form-data; boundary=x",
		Body: "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n\r\nmember_id\r\nm1\r\n--x--\r\n"},
	{Route: "POST /api/v3/org/meetings", ContentType: jsonCT, Body: `{"name":"Weekly meeting"}`},
	{Route: "POST /api/v3/org/meetings/{id}/users", Arg: "520", ContentType: jsonCT, Body: `{"member_ids":["m1","m2"]}`},
	{Route: "DELETE /api/v3/org/meetings/{id}/users/{member_id}", Arg: "520"},
	{Route: "POST /api/v3/manage/orgs", ContentType: jsonCT, Body: `{"name":"Campus Union"}`},
	{Route: "POST /api/v3/manage/orgs/{org_id}/tokens", Arg: "1", ContentType: jsonCT, Body: `{"label":"ci"}`},
	{Route: "DELETE /api/v3/manage/orgs/{org_id}/tokens/{token_id}", Arg: "1"},
}

// TestActivitySeedsDecode checks the fuzz seeds: each names a route and
// decodes.
func TestActivitySeedsDecode(t *testing.T) {
	stubbedActivity(t).CheckSeeds(t, activitySeeds)
}

// FuzzActivityRoutes sends every activity API route (the WeChat-side
// bodies in JSON, loose JSON or form, the organisation API's JSON bodies,
// ids, pages and filters) what a client could send: nothing panics, and a
// request the decoder refuses answers 4xx in the {code,msg,data} envelope
// with code 1 and a bounded message saying what is wrong.
func FuzzActivityRoutes(f *testing.F) {
	stubbedActivity(f).Fuzz(f, activitySeeds, func(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
		httpkittest.WantCodedRefusal(t, req, rec, "msg", activityapi.CodeFailed)
	})
}
