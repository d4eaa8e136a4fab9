package appapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/test/testenv"
)

// The seed's response examples (app-api.txt).
const (
	seedTokens = `{"access_token": "lRnCFDxpK6PhpT44YaaLMwHmvI97GCIQvxazlNSQC4XxjDBCAV","refresh_token": "aQ4XO33CSez6aSXEaiptgD10NzbWMu42xh3Wvb3YI2pgpD1raD","expires_at": "2019-05-29 18:22:30","expires_in": 604800}`
	seedInfo   = `{"id": 8,"area": "86","phone": "18656660930","email": "","openid": "HuTfdXc8mENtNULFPBVt233cN2gzZ9lKqAcoUKed","role": 0,"username": "18656660930","is_active": true,"app_id": "","created_at": "2019-05-22 18:20:45","updated_at": "2019-05-22 18:20:45","nickname": "","avatar": "","gender": 2,"birthday": "","address": ""}`
)

var (
	tokenPattern = regexp.MustCompile(`^[A-Za-z0-9]{50}$`)
	timePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
)

// checkTokens checks a token answer against the seed.
func (h *harness) checkTokens(what string, data json.RawMessage) tokenData {
	h.tb.Helper()
	sameShape(h.tb, what, data, seedTokens)
	tok := h.tokens(data)
	if !tokenPattern.MatchString(tok.AccessToken) || !tokenPattern.MatchString(tok.RefreshToken) || tok.AccessToken == tok.RefreshToken {
		h.tb.Errorf("%s: tokens %q / %q are not two distinct 50-character alphanumeric strings like the seed's", what, tok.AccessToken, tok.RefreshToken)
	}
	if tok.ExpiresIn != 604800 {
		h.tb.Errorf("%s: expires_in = %d, want 604800", what, tok.ExpiresIn)
	}
	exp, err := time.ParseInLocation("2006-01-02 15:04:05", tok.ExpiresAt, h.loc)
	if err != nil {
		h.tb.Fatalf("%s: expires_at %q is not in the seed's format: %v", what, tok.ExpiresAt, err)
	}
	if d := time.Until(exp) - 604800*time.Second; d < -time.Minute || d > time.Minute {
		h.tb.Errorf("%s: expires_at %s (Asia/Shanghai) is not a week from now", what, tok.ExpiresAt)
	}
	return tok
}

func TestAccountRoutesWithSeedExamples(t *testing.T) {
	walkSeedExamples(t, newHarness(t))
}

func TestAccountBadInput(t *testing.T) {
	checkBadInput(t, newHarness(t))
}

// TestAccountRoutesOnEveryBackend repeats the seed walk and the bad-input
// checks on PostgreSQL and MySQL when they are available, where column
// types and text rules differ from SQLite's.
func TestAccountRoutesOnEveryBackend(t *testing.T) {
	testenv.EachBackendURL(t, func(t *testing.T, url string) {
		h := newHarnessOn(t, url)
		walkSeedExamples(t, h)
		checkBadInput(t, h)
	})
}

// walkSeedExamples sends every account route the seed's request example and
// checks the answer against the seed's response.
func walkSeedExamples(t *testing.T, h *harness) {

	r := h.do("POST", "/api/auth/send_code", `{"area": "86","account": "18656660930"}`, "")
	if string(h.ok(r)) != "{}" {
		t.Fatalf("send_code data = %s, want {}", r.Data)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	code := h.codes.code("+86 18656660930")
	if !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
		t.Fatalf("code %q is not 6 digits", code)
	}

	r = h.do("POST", "/api/auth/check_code", `{"area": "86","account": "18656660930","code": "`+code+`"}`, "")
	if string(h.ok(r)) != "{}" {
		t.Fatalf("check_code data = %s, want {}", r.Data)
	}

	r = h.do("POST", "/api/auth/register", `{"area": "86","account": "18656660930","code": "`+code+`","password": "password123"}`, "")
	h.checkTokens("register", h.ok(r))

	r = h.do("POST", "/api/auth/access_token", `{"area": "86","account": "18656660930","password": "password123"}`, "")
	login := h.checkTokens("access_token", h.ok(r))

	info := h.ok(h.do("GET", "/api/personal/info", "", login.AccessToken))
	sameShape(t, "GET /api/personal/info", info, seedInfo)
	var got map[string]any
	_ = json.Unmarshal(info, &got)
	want := map[string]any{"area": "86", "phone": "18656660930", "email": "", "role": 0.0, "username": "18656660930",
		"is_active": true, "app_id": "", "nickname": "", "avatar": "", "gender": 2.0, "birthday": "", "address": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("info %s = %#v, want %#v", k, got[k], v)
		}
	}
	if id, _ := got["id"].(float64); id < 1 {
		t.Errorf("info id = %v", got["id"])
	}
	if openid, _ := got["openid"].(string); len(openid) != 40 {
		t.Errorf("openid %q: want 40 characters like the seed's", openid)
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if s, _ := got[k].(string); !timePattern.MatchString(s) {
			t.Errorf("%s = %q, want the seed's format", k, s)
		}
	}

	put := `{"nickname": "小明","avatar": "https://example.com/avatar.png","gender": 1,"birthday": "1991-03-08","address": "合肥市蜀山区"}`
	updated := h.ok(h.do("PUT", "/api/personal/info", put, login.AccessToken))
	sameShape(t, "PUT /api/personal/info", updated, seedInfo)
	var changed map[string]any
	_ = json.Unmarshal(updated, &changed)
	for k, v := range map[string]any{"nickname": "小明", "avatar": "https://example.com/avatar.png", "gender": 1.0, "birthday": "1991-03-08", "address": "合肥市蜀山区", "id": got["id"]} {
		if changed[k] != v {
			t.Errorf("after PUT %s = %#v, want %#v", k, changed[k], v)
		}
	}
	again := h.ok(h.do("GET", "/api/personal/info", "", login.AccessToken))
	if string(again) != string(updated) {
		t.Errorf("GET after PUT = %s, want %s", again, updated)
	}

	r = h.do("POST", "/api/auth/refresh_token", `{"refresh_token": "`+login.RefreshToken+`"}`, "")
	refreshed := h.checkTokens("refresh_token", h.ok(r))
	h.ok(h.do("GET", "/api/personal/info", "", refreshed.AccessToken))

	r = h.do("POST", "/api/auth/destroy_token", "", refreshed.AccessToken)
	if string(h.ok(r)) != "{}" {
		t.Fatalf("destroy_token data = %s, want {}", r.Data)
	}
	r = h.do("GET", "/api/personal/info", "", refreshed.AccessToken)
	if r.Status != http.StatusUnauthorized || r.Code != 10004 {
		t.Fatalf("destroyed token: HTTP %d code %d, want 401/10004", r.Status, r.Code)
	}
}

func TestAccountBusinessErrors(t *testing.T) {
	h := newHarness(t)
	user := h.register("18656660930", "password123")
	h.register("ann@example.com", "password123")

	cases := []struct {
		name       string
		path, body string
		wantStatus int
		wantCode   int
	}{
		{name: "code again within a minute", path: "/api/auth/send_code", body: `{"account":"18656660930"}`, wantStatus: 429, wantCode: 10010},
		{name: "wrong code", path: "/api/auth/check_code", body: `{"account":"18656660930","code":"000000"}`, wantStatus: 400, wantCode: 10008},
		{name: "code never sent", path: "/api/auth/check_code", body: `{"account":"13800000000","code":"123456"}`, wantStatus: 400, wantCode: 10008},
		{name: "register an existing account", path: "/api/auth/register", body: `{"account":"18656660930","code":"123456","password":"password123"}`, wantStatus: 409, wantCode: 10009},
		{name: "login unknown account", path: "/api/auth/access_token", body: `{"account":"13800000000","password":"password123"}`, wantStatus: 404, wantCode: 10006},
		{name: "login wrong password", path: "/api/auth/access_token", body: `{"account":"ann@example.com","password":"password124"}`, wantStatus: 401, wantCode: 10007},
		{name: "refresh with an unknown token", path: "/api/auth/refresh_token", body: `{"refresh_token":"` + strings.Repeat("A", 50) + `"}`, wantStatus: 401, wantCode: 10004},
		{name: "refresh with an access token", path: "/api/auth/refresh_token", body: `{"refresh_token":"` + user.AccessToken + `"}`, wantStatus: 401, wantCode: 10004},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", tc.path, tc.body, "")
			if r.Status != tc.wantStatus || r.Code != tc.wantCode || string(r.Data) != "{}" || r.Message == "" {
				t.Fatalf("HTTP %d code %d %q data %s, want %d/%d", r.Status, r.Code, r.Message, r.Data, tc.wantStatus, tc.wantCode)
			}
		})
	}
}

func TestRefreshReuseRevokesTheFamilyOverHTTP(t *testing.T) {
	h := newHarness(t)
	first := h.register("18656660930", "password123")
	second := h.tokens(h.ok(h.do("POST", "/api/auth/refresh_token", `{"refresh_token":"`+first.RefreshToken+`"}`, "")))
	h.ok(h.do("GET", "/api/personal/info", "", second.AccessToken))

	r := h.do("POST", "/api/auth/refresh_token", `{"refresh_token":"`+first.RefreshToken+`"}`, "")
	if r.Status != 401 || r.Code != 10004 {
		t.Fatalf("replayed refresh token: HTTP %d code %d", r.Status, r.Code)
	}
	for name, tok := range map[string]string{"new access token": second.AccessToken, "first access token": first.AccessToken} {
		if r := h.do("GET", "/api/personal/info", "", tok); r.Code != 10004 {
			t.Errorf("%s after the replay: code %d, want 10004", name, r.Code)
		}
	}
	if r := h.do("POST", "/api/auth/refresh_token", `{"refresh_token":"`+second.RefreshToken+`"}`, ""); r.Code != 10004 {
		t.Errorf("new refresh token after the replay: code %d, want 10004", r.Code)
	}
}

func TestLoginLockoutOverHTTP(t *testing.T) {
	h := newHarness(t)
	h.register("ann@example.com", "password123")
	wrong := `{"account":"ann@example.com","password":"wrong-password"}`
	for i := 1; i < 5; i++ {
		if r := h.do("POST", "/api/auth/access_token", wrong, ""); r.Code != 10007 {
			t.Fatalf("wrong try %d: code %d", i, r.Code)
		}
	}
	for _, body := range []string{wrong, `{"account":"ann@example.com","password":"password123"}`} {
		r := h.do("POST", "/api/auth/access_token", body, "")
		if r.Status != http.StatusLocked || r.Code != 10003 || !strings.Contains(r.Message, "locked") {
			t.Fatalf("locked account: HTTP %d code %d %q, want 423/10003", r.Status, r.Code, r.Message)
		}
	}
}

// checkBadInput sends bad input to every account route: each answer is a
// 4xx with 10005 naming the field, and nothing is written.
func checkBadInput(t *testing.T, h *harness) {
	user := h.register("ann@example.com", "password123")
	huge := `{"account":"` + strings.Repeat("1", bodyLimit) + `"}`
	cases := []struct {
		name       string
		method     string
		path       string
		body       string
		auth       bool
		wantStatus int
		wantField  string // the message must name it
	}{
		{name: "send_code malformed JSON", method: "POST", path: "/api/auth/send_code", body: `{"account":`, wantField: "JSON"},
		{name: "send_code trailing garbage", method: "POST", path: "/api/auth/send_code", body: `{"account":"18656660930"} x`, wantField: "body"},
		{name: "send_code empty body", method: "POST", path: "/api/auth/send_code", body: ``, wantField: "body"},
		{name: "send_code array body", method: "POST", path: "/api/auth/send_code", body: `[]`, wantField: "body"},
		{name: "send_code account as number", method: "POST", path: "/api/auth/send_code", body: `{"account":18656660930}`, wantField: "account"},
		{name: "send_code area as number", method: "POST", path: "/api/auth/send_code", body: `{"area":86,"account":"18656660930"}`, wantField: "area"},
		{name: "send_code missing account", method: "POST", path: "/api/auth/send_code", body: `{"area":"86"}`, wantField: "account"},
		{name: "send_code over-long account", method: "POST", path: "/api/auth/send_code", body: `{"account":"` + strings.Repeat("1", 300) + `"}`, wantField: "account"},
		{name: "send_code over-long area", method: "POST", path: "/api/auth/send_code", body: `{"area":"123456789","account":"18656660930"}`, wantField: "area"},
		{name: "send_code bad phone", method: "POST", path: "/api/auth/send_code", body: `{"account":"186"}`, wantField: "account"},
		{name: "send_code bad e-mail", method: "POST", path: "/api/auth/send_code", body: `{"account":"ann@"}`, wantField: "account"},
		{name: "send_code misspelt field", method: "POST", path: "/api/auth/send_code", body: `{"acount":"18656660930"}`, wantField: "acount"},
		{name: "send_code another route's field", method: "POST", path: "/api/auth/send_code", body: `{"account":"18656660930","password":"password123"}`, wantField: "password"},
		{name: "send_code body over the limit", method: "POST", path: "/api/auth/send_code", body: huge, wantStatus: http.StatusRequestEntityTooLarge, wantField: "body"},
		{name: "check_code missing code", method: "POST", path: "/api/auth/check_code", body: `{"account":"18656660930"}`, wantField: "code"},
		{name: "check_code code as number", method: "POST", path: "/api/auth/check_code", body: `{"account":"18656660930","code":123456}`, wantField: "code"},
		{name: "check_code over-long code", method: "POST", path: "/api/auth/check_code", body: `{"account":"18656660930","code":"12345678901234567"}`, wantField: "code"},
		{name: "register missing password", method: "POST", path: "/api/auth/register", body: `{"account":"13900000000","code":"123456"}`, wantField: "password"},
		{name: "register missing code", method: "POST", path: "/api/auth/register", body: `{"account":"13900000000","password":"password123"}`, wantField: "code"},
		{name: "register short password", method: "POST", path: "/api/auth/register", body: `{"account":"13900000000","code":"123456","password":"short"}`, wantField: "password"},
		{name: "register over-long password", method: "POST", path: "/api/auth/register", body: `{"account":"13900000000","code":"123456","password":"` + strings.Repeat("p", 73) + `"}`, wantField: "password"},
		{name: "register password as boolean", method: "POST", path: "/api/auth/register", body: `{"account":"13900000000","code":"123456","password":true}`, wantField: "password"},
		{name: "access_token missing password", method: "POST", path: "/api/auth/access_token", body: `{"account":"ann@example.com"}`, wantField: "password"},
		{name: "access_token with a code", method: "POST", path: "/api/auth/access_token", body: `{"account":"ann@example.com","password":"password123","code":"1"}`, wantField: "code"},
		{name: "access_token empty object", method: "POST", path: "/api/auth/access_token", body: `{}`, wantField: "account"},
		{name: "refresh_token missing token", method: "POST", path: "/api/auth/refresh_token", body: `{}`, wantField: "refresh_token"},
		{name: "refresh_token as number", method: "POST", path: "/api/auth/refresh_token", body: `{"refresh_token":1}`, wantField: "refresh_token"},
		{name: "refresh_token over-long", method: "POST", path: "/api/auth/refresh_token", body: `{"refresh_token":"` + strings.Repeat("a", 201) + `"}`, wantField: "refresh_token"},
		{name: "refresh_token unknown field", method: "POST", path: "/api/auth/refresh_token", body: `{"refresh":"x"}`, wantField: "refresh"},
		{name: "destroy_token unknown field", method: "POST", path: "/api/auth/destroy_token", body: `{"token":"x"}`, auth: true, wantField: "token"},
		{name: "destroy_token malformed JSON", method: "POST", path: "/api/auth/destroy_token", body: `{`, auth: true, wantField: "JSON"},
		{name: "info empty body", method: "PUT", path: "/api/personal/info", body: ``, auth: true, wantField: "body"},
		{name: "info malformed JSON", method: "PUT", path: "/api/personal/info", body: `{"nickname":"x",}`, auth: true, wantField: "JSON"},
		{name: "info gender as string", method: "PUT", path: "/api/personal/info", body: `{"gender":"1"}`, auth: true, wantField: "gender"},
		{name: "info gender as fraction", method: "PUT", path: "/api/personal/info", body: `{"gender":1.5}`, auth: true, wantField: "gender"},
		{name: "info gender out of range", method: "PUT", path: "/api/personal/info", body: `{"gender":3}`, auth: true, wantField: "gender"},
		{name: "info birthday format", method: "PUT", path: "/api/personal/info", body: `{"birthday":"1991/03/08"}`, auth: true, wantField: "birthday"},
		{name: "info birthday in the future", method: "PUT", path: "/api/personal/info", body: `{"birthday":"2999-01-01"}`, auth: true, wantField: "birthday"},
		{name: "info over-long nickname", method: "PUT", path: "/api/personal/info", body: `{"nickname":"` + strings.Repeat("名", 65) + `"}`, auth: true, wantField: "nickname"},
		{name: "info over-long avatar", method: "PUT", path: "/api/personal/info", body: `{"avatar":"` + strings.Repeat("a", 513) + `"}`, auth: true, wantField: "avatar"},
		{name: "info over-long address", method: "PUT", path: "/api/personal/info", body: `{"address":"` + strings.Repeat("a", 256) + `"}`, auth: true, wantField: "address"},
		{name: "info nickname with a NUL", method: "PUT", path: "/api/personal/info", body: `{"nickname":"a\u0000b"}`, auth: true, wantField: "nickname"},
		{name: "info read-only field", method: "PUT", path: "/api/personal/info", body: `{"role":1}`, auth: true, wantField: "role"},
		{name: "info nickname as object", method: "PUT", path: "/api/personal/info", body: `{"nickname":{}}`, auth: true, wantField: "nickname"},
		{name: "info body over the limit", method: "PUT", path: "/api/personal/info", body: `{"nickname":"` + strings.Repeat("a", bodyLimit) + `"}`, auth: true, wantStatus: http.StatusRequestEntityTooLarge, wantField: "body"},
	}
	before := h.ok(h.do("GET", "/api/personal/info", "", user.AccessToken))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := ""
			if tc.auth {
				tok = user.AccessToken
			}
			r := h.do(tc.method, tc.path, tc.body, tok)
			want := tc.wantStatus
			if want == 0 {
				want = http.StatusBadRequest
			}
			if r.Status != want || r.Code != 10005 {
				t.Fatalf("HTTP %d code %d %q, want %d/10005", r.Status, r.Code, r.Message, want)
			}
			if !strings.Contains(r.Message, tc.wantField) {
				t.Errorf("message %q does not name %q", r.Message, tc.wantField)
			}
		})
	}
	if after := h.ok(h.do("GET", "/api/personal/info", "", user.AccessToken)); string(after) != string(before) {
		t.Errorf("rejected requests changed the profile:\n before %s\n after  %s", before, after)
	}
	if r := h.do("POST", "/api/auth/access_token", `{"account":"13900000000","password":"password123"}`, ""); r.Code != 10006 {
		t.Errorf("a rejected register created the account: login code %d", r.Code)
	}
}

func TestRoutingErrors(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name       string
		method     string
		path       string
		wantStatus int
	}{
		{name: "unknown path", method: "GET", path: "/api/nope", wantStatus: 404},
		{name: "unknown auth route", method: "POST", path: "/api/auth/logout", wantStatus: 404},
		{name: "path with trailing slash", method: "POST", path: "/api/auth/send_code/", wantStatus: 404},
		{name: "GET on send_code", method: "GET", path: "/api/auth/send_code", wantStatus: 405},
		{name: "PUT on access_token", method: "PUT", path: "/api/auth/access_token", wantStatus: 405},
		{name: "DELETE on personal info", method: "DELETE", path: "/api/personal/info", wantStatus: 405},
		{name: "POST on personal info", method: "POST", path: "/api/personal/info", wantStatus: 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(tc.method, tc.path, `{}`, "")
			if r.Status != tc.wantStatus || r.Code != 10002 || !strings.Contains(r.Message, tc.path) {
				t.Fatalf("HTTP %d code %d %q, want %d/10002 naming the path", r.Status, r.Code, r.Message, tc.wantStatus)
			}
		})
	}
}

func TestProtectedRoutesNeedAValidToken(t *testing.T) {
	h := newHarness(t)
	live := h.register("ann@example.com", "password123")
	revoked := h.register("18656660930", "password123")
	h.ok(h.do("POST", "/api/auth/destroy_token", "", revoked.AccessToken))

	routes := []struct{ method, path, body string }{
		{"GET", "/api/personal/info", ""},
		{"PUT", "/api/personal/info", `{"nickname":"x"}`},
		{"POST", "/api/auth/destroy_token", ""},
	}
	tokens := []struct {
		name   string
		header string
	}{
		{name: "no token"},
		{name: "wrong token", header: "Token " + strings.Repeat("A", 50)},
		{name: "garbage header", header: "Token"},
		{name: "revoked token", header: "Token " + revoked.AccessToken},
		{name: "refresh token", header: "Token " + live.RefreshToken},
		{name: "over-long token", header: "Token " + strings.Repeat("A", 5000)},
	}
	for _, rt := range routes {
		for _, tk := range tokens {
			t.Run(rt.method+" "+rt.path+" "+tk.name, func(t *testing.T) {
				req := newRequest(rt.method, rt.path, rt.body)
				if tk.header != "" {
					req.Header.Set("Authorization", tk.header)
				}
				r := h.send(req)
				if r.Status != http.StatusUnauthorized || r.Code != 10004 {
					t.Fatalf("HTTP %d code %d %q, want 401/10004", r.Status, r.Code, r.Message)
				}
			})
		}
	}
	for _, scheme := range []string{"Token ", "Bearer ", "token ", ""} {
		req := newRequest("GET", "/api/personal/info", "")
		req.Header.Set("Authorization", scheme+live.AccessToken)
		if r := h.send(req); r.Code != 0 {
			t.Errorf("Authorization %q…: code %d", scheme, r.Code)
		}
	}
	if r := h.do("PUT", "/api/personal/info", `{"nickname":"x"}`, revoked.AccessToken); r.Code != 10004 {
		t.Fatalf("revoked token changed a profile: code %d", r.Code)
	}
}

func TestUsersSeeOnlyTheirOwnInfo(t *testing.T) {
	h := newHarness(t)
	ann := h.register("ann@example.com", "password123")
	bob := h.register("18656660930", "password123")
	h.ok(h.do("PUT", "/api/personal/info", `{"nickname":"Ann"}`, ann.AccessToken))
	var a, b struct {
		ID       int64  `json:"id"`
		Email    string `json:"email"`
		Nickname string `json:"nickname"`
	}
	_ = json.Unmarshal(h.ok(h.do("GET", "/api/personal/info", "", ann.AccessToken)), &a)
	_ = json.Unmarshal(h.ok(h.do("GET", "/api/personal/info", "", bob.AccessToken)), &b)
	if a.Email != "ann@example.com" || a.Nickname != "Ann" || b.Email != "" || b.Nickname != "" || a.ID == b.ID {
		t.Fatalf("ann %+v, bob %+v", a, b)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	h := newHarness(t, server.MountFunc(func(r chi.Router) {
		r.Get("/api/boom", func(http.ResponseWriter, *http.Request) { panic(fmt.Sprintf("boom %d", 42)) })
	}))
	rec := newRecorder(h, newRequest("GET", "/api/boom", ""))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("HTTP %d, want 500", rec.Code)
	}
	var env struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Code != 10000 || string(env.Data) != "{}" {
		t.Fatalf("answer %s: want code 10000", rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("the panic value leaked to the client: %s", rec.Body.String())
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "boom 42") || !strings.Contains(logs, "goroutine") || !strings.Contains(logs, "account_test.go") {
		t.Errorf("the log does not hold the panic with its stack:\n%s", logs)
	}
	h.ok(h.do("POST", "/api/auth/send_code", `{"account":"ann@example.com"}`, ""))
}

// TestConcurrentWritesSucceed sends writes at once, as clients would: every
// one must succeed (SQLite queues writers instead of failing them).
func TestConcurrentWritesSucceed(t *testing.T) {
	h := newHarness(t)
	tok := h.register("ann@example.com", "password123").AccessToken
	const n = 24
	errs := make(chan string, 2*n)
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			reqs := []*http.Request{
				newRequest("POST", "/api/auth/send_code", fmt.Sprintf(`{"account":"user%d@example.com"}`, i)),
				newRequest("PUT", "/api/personal/info", fmt.Sprintf(`{"nickname":"ann %d"}`, i)),
			}
			reqs[1].Header.Set("Authorization", "Token "+tok)
			for _, req := range reqs {
				rec := newRecorder(h, req)
				if rec.Code != http.StatusOK {
					errs <- fmt.Sprintf("%s %s: HTTP %d %s", req.Method, req.URL.Path, rec.Code, rec.Body.String())
				}
			}
		}()
	}
	for range n {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
