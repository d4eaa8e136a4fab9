package appapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
	"github.com/campushub/campushub/adapters/http/server"
	appaccount "github.com/campushub/campushub/app/account"
	appcontent "github.com/campushub/campushub/app/content"
	apppush "github.com/campushub/campushub/app/push"
)

// stubbedApp is every app API route in front of stub endpoints.
func stubbedApp(tb testing.TB) *httpkittest.Harness {
	tb.Helper()
	return httpkittest.NewHarness(tb, appapi.Family{}, func(d *httpkittest.Decoded) []server.Mounter {
		s := appapi.NewServer(slog.New(slog.DiscardHandler), httpkit.Clock{Loc: time.UTC})
		pushEP, contentEP := *httpkittest.Stub(&apppush.Endpoints{}, d), *httpkittest.Stub(&appcontent.Endpoints{}, d)
		return []server.Mounter{
			appapi.Account{S: s, EP: *httpkittest.Stub(&appaccount.Endpoints{}, d)},
			appapi.Push{S: s, EP: pushEP}, appapi.ManagePush{S: s, EP: pushEP},
			appapi.Content{S: s, EP: contentEP}, appapi.ManageContent{S: s, EP: contentEP},
		}
	})
}

const jsonCT = "application/json; charset=utf-8"

// appSeeds are app-api.txt's requests, one per route that takes input.
var appSeeds = []httpkittest.Seed{
	{Route: "POST /api/auth/send_code", ContentType: jsonCT, Body: `{"area":"86","account":"18656660930"}`},
	{Route: "POST /api/auth/check_code", ContentType: jsonCT, Body: `{"area":"86","account":"18656660930","code":"123456"}`},
	{Route: "POST /api/auth/register", ContentType: jsonCT, Body: `{"area":"86","account":"18656660930","code":"123456","password":"password123"}`},
	{Route: "POST /api/auth/access_token", ContentType: jsonCT, Body: `{"area":"86","account":"18656660930","password":"password123"}`},
	{Route: "POST /api/auth/refresh_token", ContentType: jsonCT, Body: `{"refresh_token":"aQ4XO33CSez6aSXEaiptgD10NzbWMu42xh3Wvb3YI2pgpD1raD"}`},
	{Route: "PUT /api/personal/info", ContentType: jsonCT, Body: `{"nickname":"n","avatar":"","gender":2,"birthday":"1991-03-08","address":""}`},
	{Route: "POST /api/push/bind", ContentType: jsonCT, Body: `{"client_id":"xxxxxxx","client_type":"android"}`},
	{Route: "GET /api/push/switch/{client_id}", Arg: "xxxxxxx"},
	{Route: "PUT /api/push/switch/{client_id}", Arg: "xxxxxxx", ContentType: jsonCT, Body: `{"switch":false}`},
	{Route: "GET /api/push/log", Query: "page_no=1&page_size=20"},
	{Route: "GET /api/push/log/{id}", Arg: "1"},
	{Route: "GET /api/message/count", Query: "push_ids=[1,2,3]"},
	{Route: "GET /api/message/count", Query: "push_ids=1,2,3&push_ids[]=4"},
	{Route: "GET /api/faq", Query: "page_no=9223372036854775807"},
	{Route: "GET /api/faq/{id}", Arg: "2"},
	{Route: "GET /api/feedback_category", Query: "page_no=1"},
	{Route: "POST /api/feedback", ContentType: jsonCT, Body: `{"feedback_content":"反馈内容","feedback_category_id":1,"contact_phone":"18656660930"}`},
	{Route: "DELETE /api/feedback/{id}", Arg: "3"},
	{Route: "GET /api/feedback/reply/{feedback_id}", Arg: "3"},
}

// TestAppSeedsDecode checks the fuzz seeds: each names a route and
// decodes.
func TestAppSeedsDecode(t *testing.T) {
	stubbedApp(t).CheckSeeds(t, appSeeds)
}

// FuzzAppRoutes sends every app API route (accounts, push, content: the
// JSON bodies, pages, ids and push_ids) what a client could send: nothing
// panics, and a request the decoder refuses answers 4xx in the
// {code,message,data} envelope with the documented "invalid field"
// (10005) or "path not found" (10002) code and a bounded message.
func FuzzAppRoutes(f *testing.F) {
	stubbedApp(f).Fuzz(f, appSeeds, func(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
		httpkittest.WantCodedRefusal(t, req, rec, "message", appapi.CodeInvalidField, appapi.CodePathNotFound)
	})
}
