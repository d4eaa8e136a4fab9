package wxapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/http/wxapi"
	appwx "github.com/campushub/campushub/app/wxrelay"
)

// stubbedWX is every 微校 relay route in front of stub endpoints.
func stubbedWX(tb testing.TB) *httpkittest.Harness {
	tb.Helper()
	return httpkittest.NewHarness(tb, wxapi.Family{}, func(d *httpkittest.Decoded) []server.Mounter {
		s := wxapi.NewServer(slog.New(slog.DiscardHandler), httpkit.Clock{Loc: time.UTC})
		ep := *httpkittest.Stub(&appwx.Endpoints{}, d)
		return []server.Mounter{wxapi.Push{S: s, EP: ep}, wxapi.Receive{S: s, EP: ep}}
	})
}

// wxSeeds are wx-relay-api.txt's request examples (its curl lines), and
// the other routes' documented parameters.
var wxSeeds = []httpkittest.Seed{
	{Route: "GET /wx/push/queryPushProject", ContentType: formType},
	{Route: "POST /wx/push/addPushProject", ContentType: formType, Body: "url=www.xn---xn--nw5a-9h6sj467a.org&project=ppuqpx"},
	{Route: "POST /wx/push/addPushProject", ContentType: formType, Query: "url=https%3A%2F%2Fhooks.example.org%2Fa&project=alpha"},
	{Route: "PUT /wx/push/updatePushProject", ContentType: jsonType, Body: "{\n\"id\": 281,\n\"url\": \"www.xn---xn--nw5a-9h6sj467a.org\",\n\"project\": \"36hifl\",\n\"statu\": 907\n}"},
	{Route: "DELETE /wx/push/deletePushProject", ContentType: formType, Query: "id=435"},
	{Route: "POST /wx/push/rotatePushProjectSecret", ContentType: formType, Body: "id=435"},
	{Route: "GET /wx/push/queryDeliveries", Query: "project_id=1&status=failed&page_no=1&page_size=20"},
	{Route: "GET /wx/push/queryDeliveries", Query: "event_id=1&page_no=9223372036854775807"},
	{Route: "GET /wx/push/queryDeliveryAttempts", Query: "id=1"},
	{Route: "POST /wx/push/replayDelivery", ContentType: formType, Body: "id=1"},
	{Route: "POST /wx/push/replayFailedDeliveries", ContentType: formType, Query: "project_id=1"},
	{Route: "POST /wx/wxc/receive", ContentType: jsonType, Body: "{\n\"app_key\": \"3zx9s9\",\n\"school_code\": \"45229\",\n\"event\": \"ebytou\",\n\"raw_data\": \"82izkc\"\n}"},
	{Route: "POST /wx/wxc/receive", ContentType: jsonType, Body: `{"app_key":"abcdefghijklmnop","school_code":"45229","event":"addUser","raw_data":"UoYpaCmfsHSxynVHbrD1AQ=="}`},
}

// TestWXSeedsDecode checks the fuzz seeds: each names a route and decodes.
func TestWXSeedsDecode(t *testing.T) {
	stubbedWX(t).CheckSeeds(t, wxSeeds)
}

// The codes a refused request may carry: format (11001), empty body
// (11002), parameter (11003), method or path (10001).
var wxRefusalCodes = []int{wxapi.CodeFormat, wxapi.CodeEmptyBody, wxapi.CodeParameter, wxapi.CodeMethod}

// FuzzWXRoutes sends every 微校 relay route (the /wx/push form and JSON
// bodies, ids and pages, and the platform's receive body) what a client
// could send: nothing panics, and a request the decoder refuses answers
// 4xx in the route's envelope with a documented bad-input code and a
// bounded message.
func FuzzWXRoutes(f *testing.F) {
	stubbedWX(f).Fuzz(f, wxSeeds, func(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
		var env struct {
			Success *bool           `json:"success"`
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
			Data    json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Code == nil {
			t.Fatalf("%s %s: HTTP %d outside the envelope: %s", req.Method, req.URL, rec.Code, rec.Body.Bytes())
		}
		receive := strings.HasPrefix(req.URL.Path, "/wx/wxc/")
		var code int
		text := strings.Trim(string(env.Code), `"`)
		if err := json.Unmarshal([]byte(text), &code); err != nil ||
			receive != (env.Success == nil) || receive == strings.HasPrefix(string(env.Code), `"`) {
			t.Fatalf("%s %s: not the %s envelope: %s", req.Method, req.URL, map[bool]string{true: "receive", false: "push"}[receive], rec.Body.Bytes())
		}
		if rec.Code < 400 || rec.Code > 499 || !slices.Contains(wxRefusalCodes, code) {
			t.Fatalf("%s %s: HTTP %d code %d (%s); want 4xx with one of %v", req.Method, req.URL, rec.Code, code, env.Message, wxRefusalCodes)
		}
		httpkittest.WantMessage(t, req, env.Message)
	})
}
