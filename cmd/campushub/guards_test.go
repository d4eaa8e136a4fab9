package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/account"
)

// guardServer is the full handler behind a real HTTP server with the four
// kinds of caller the API knows.
type guardServer struct {
	url                string
	manager, user, org string
	routes             []string // "METHOD /pattern", sorted
	methodsByPattern   map[string][]string
}

func newGuardServer(t *testing.T) *guardServer {
	t.Helper()
	h, db, cfg := testHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	gs := &guardServer{url: srv.URL, methodsByPattern: map[string][]string{}}
	gs.routes = registeredRoutes(t)
	for _, r := range gs.routes {
		method, pattern, _ := strings.Cut(r, " ")
		gs.methodsByPattern[pattern] = append(gs.methodsByPattern[pattern], method)
	}

	ctx := context.Background()
	accounts := accountService(cfg, db, slog.New(slog.DiscardHandler))
	if _, err := accounts.CreateManager(ctx, "manager@example.com", "manager-password"); err != nil {
		t.Fatal(err)
	}
	mp, err := accounts.Login(ctx, "", "manager@example.com", "manager-password")
	if err != nil {
		t.Fatal(err)
	}
	gs.manager = mp.Access
	id, _ := account.ParseIdentifier("", "user@example.com")
	hash, _ := secure.Bcrypt{Cost: 4}.Hash("user-password")
	u := account.New(id, account.RoleUser, hash, "openid-user", time.Now().UTC())
	if err := storage.NewAccounts(db).Create(ctx, &u); err != nil {
		t.Fatal(err)
	}
	up, err := accounts.Login(ctx, "", "user@example.com", "user-password")
	if err != nil {
		t.Fatal(err)
	}
	gs.user = up.Access

	var org struct {
		Data struct {
			ID          int64  `json:"id"`
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	gs.mustJSON(t, "POST", "/api/v3/manage/orgs", gs.manager, `{"name":"Guards"}`, &org)
	gs.mustJSON(t, "POST", "/api/v3/manage/orgs/"+strconv.FormatInt(org.Data.ID, 10)+"/tokens", gs.manager, `{"label":"guards"}`, &org)
	gs.org = org.Data.AccessToken
	if gs.org == "" {
		t.Fatal("no organisation token issued")
	}
	return gs
}

func (gs *guardServer) mustJSON(t *testing.T, method, path, token, body string, dst any) {
	t.Helper()
	status, raw, _ := gs.send(t, method, path, "Token "+token, body)
	if status != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, status, raw)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// send makes one request with authorization (may be empty) and a JSON
// body (may be empty).
func (gs *guardServer) send(t *testing.T, method, path, authorization, body string) (int, []byte, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, gs.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, resp.Header
}

// policy is who may call a route.
type policy string

const (
	public   policy = "public"
	user     policy = "user"     // any signed-in account
	manager  policy = "manager"  // the manager role
	org      policy = "org"      // an organisation token
	activity policy = "activity" // access_token + access_type, user or org
)

var publicRoutes = []string{
	"/api/auth/send_code", "/api/auth/check_code", "/api/auth/register", "/api/auth/access_token",
	"/api/auth/refresh_token", "/wx/wxc/receive", "/healthz", "/readyz", "/metrics", "/openapi.yaml",
}

func policyOf(pattern string) policy {
	switch {
	case slices.Contains(publicRoutes, pattern):
		return public
	case strings.HasPrefix(pattern, "/api/manage/"), strings.HasPrefix(pattern, "/wx/push/"),
		strings.HasPrefix(pattern, "/api/v3/manage/"):
		return manager
	case pattern == "/api/v3/org", strings.HasPrefix(pattern, "/api/v3/org/"),
		strings.HasSuffix(pattern, "/activitys_signin"), strings.HasSuffix(pattern, "/activitys_message"):
		return org
	case strings.Contains(pattern, "activitys_for_wx/"):
		return activity
	case strings.HasPrefix(pattern, "/api/"):
		return user
	}
	return public
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// badPath fills a route's parameters with values every decoder refuses:
// ids of 0 and over-long strings.
func badPath(pattern string) string {
	return pathParam.ReplaceAllStringFunc(pattern, func(p string) string {
		if p == "{client_id}" || p == "{member_id}" {
			return strings.Repeat("x", 300)
		}
		return "0"
	})
}

// badQuery is a query every list and id decoder refuses.
const badQuery = "?id=0&project_id=0&page_no=0&page_size=0&push_ids=x"

// credential returns the path suffix and the Authorization value that
// present token for a route of policy p (activity routes take the token in
// the query with its access_type).
func credential(p policy, token, accessType string) (query, authorization string) {
	if token == "" {
		return "", ""
	}
	if p == activity {
		return "&access_token=" + token + "&access_type=" + accessType, ""
	}
	return "", "Token " + token
}

// TestEveryRouteChecksCallerBeforeInput sends every route a request whose
// input every decoder refuses: without a credential, with a wrong one and
// with a signed-in user where a manager or an organisation is needed, the
// answer is the credential's or role's error, never the input's; with the
// right caller it is about the input (or a success where there is none).
func TestEveryRouteChecksCallerBeforeInput(t *testing.T) {
	gs := newGuardServer(t)
	const body = `{"x":0}`
	for _, r := range gs.routes {
		method, pattern, _ := strings.Cut(r, " ")
		p := policyOf(pattern)
		path := badPath(pattern) + badQuery
		t.Run(r, func(t *testing.T) {
			sendBody := ""
			if method != http.MethodGet {
				sendBody = body
			}
			check := func(who string, want []int, q, authz string) {
				t.Helper()
				status, raw, _ := gs.send(t, method, path+q, authz, sendBody)
				if !slices.Contains(want, status) {
					t.Errorf("%s: HTTP %d, want one of %v: %s", who, status, want, raw)
				}
			}
			if p == public {
				status, raw, _ := gs.send(t, method, path, "", sendBody)
				if status >= 500 || status == http.StatusUnauthorized || status == http.StatusForbidden {
					t.Errorf("anonymous: HTTP %d on a public route: %s", status, raw)
				}
				return
			}
			check("anonymous", []int{http.StatusUnauthorized}, "", "")
			q, authz := credential(p, "bogus-token", "user")
			check("bogus token", []int{http.StatusUnauthorized}, q, authz)
			switch p {
			case manager:
				q, authz = credential(p, gs.user, "user")
				check("user on a manager route", []int{http.StatusForbidden}, q, authz)
				q, authz = credential(p, gs.manager, "user")
			case org:
				q, authz = credential(p, gs.user, "user")
				check("user token on an organisation route", []int{http.StatusUnauthorized}, q, authz)
				q, authz = credential(p, gs.org, "org")
			case activity:
				q, authz = credential(p, gs.org, "org")
				status, raw, _ := gs.send(t, method, path+q, authz, sendBody)
				if status >= 500 || status == http.StatusUnauthorized || status == http.StatusForbidden {
					t.Errorf("organisation: HTTP %d: %s", status, raw)
				}
				q, authz = credential(p, gs.user, "user")
			default:
				q, authz = credential(p, gs.user, "user")
			}
			status, raw, _ := gs.send(t, method, path+q, authz, sendBody)
			if status >= 500 || status == http.StatusUnauthorized || status == http.StatusForbidden {
				t.Errorf("the right caller: HTTP %d, want the input's answer: %s", status, raw)
			}
		})
	}
}

// TestCallerBeforeInputExamples pins one example per API family, with the
// family's own code for the refusal.
func TestCallerBeforeInputExamples(t *testing.T) {
	gs := newGuardServer(t)
	cases := []struct {
		name, method, path, authz, body string
		status                          int
		code                            string // the envelope's code, as JSON
	}{
		{"wx: replay anonymously", "POST", "/wx/push/replayDelivery?id=0", "", "", 401, `"10004"`},
		{"wx: add a project anonymously with an empty object", "POST", "/wx/push/addPushProject", "", "{}", 401, `"10004"`},
		{"wx: a user adds a project", "POST", "/wx/push/addPushProject", "Token " + gs.user, "{}", 403, `"10006"`},
		{"app: update personal info with a bogus token", "PUT", "/api/personal/info", "Token bogus", `{"x":0}`, 401, `10004`},
		{"app: a user reads a push's status", "GET", "/api/manage/push/0", "Token " + gs.user, "", 403, `10003`},
		{"activity: info without a token", "GET", "/api/v3/activitys_for_wx/0", "", "", 401, `1`},
		{"activity: an organisation route with a user token", "POST", "/api/v3/org/activities", "Token " + gs.user, `{"x":0}`, 401, `1`},
		{"activity: a user creates an organisation", "POST", "/api/v3/manage/orgs", "Token " + gs.user, `{"x":0}`, 403, `1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw, _ := gs.send(t, tc.method, tc.path, tc.authz, tc.body)
			var env struct {
				Code json.RawMessage `json:"code"`
			}
			_ = json.Unmarshal(raw, &env)
			if status != tc.status || string(env.Code) != tc.code {
				t.Errorf("HTTP %d code %s, want HTTP %d code %s: %s", status, env.Code, tc.status, tc.code, raw)
			}
		})
	}
}

// TestWrongMethodNamesTheAllowedOnes asks every route's path with a method
// it does not serve: 405 with an Allow header listing exactly the methods
// it serves (HEAD wherever GET is).
func TestWrongMethodNamesTheAllowedOnes(t *testing.T) {
	gs := newGuardServer(t)
	for pattern := range gs.methodsByPattern {
		// The most concrete pattern matching the path owns it, as in
		// OpenAPI: /api/push/log/delete is not /api/push/log/{id}.
		path := badPath(pattern)
		var methods []string
		fewest := -1
		for other, ms := range gs.methodsByPattern {
			if !regexp.MustCompile("^" + pathParam.ReplaceAllString(other, "[^/]+") + "$").MatchString(path) {
				continue
			}
			switch n := strings.Count(other, "{"); {
			case fewest < 0 || n < fewest:
				fewest, methods = n, slices.Clone(ms)
			case n == fewest:
				methods = append(methods, ms...)
			}
		}
		want := slices.Clone(methods)
		if slices.Contains(want, http.MethodGet) {
			want = append(want, http.MethodHead)
		}
		var wrong string
		for _, m := range []string{http.MethodPatch, http.MethodPut, http.MethodDelete, http.MethodPost, http.MethodGet} {
			if !slices.Contains(methods, m) {
				wrong = m
				break
			}
		}
		t.Run(wrong+" "+pattern, func(t *testing.T) {
			status, raw, header := gs.send(t, wrong, path, "", "")
			if status != http.StatusMethodNotAllowed {
				t.Fatalf("HTTP %d, want 405: %s", status, raw)
			}
			got := strings.Split(header.Get("Allow"), ", ")
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Allow: %q, want %q", header.Get("Allow"), strings.Join(want, ", "))
			}
			if !strings.Contains(string(raw), "not supported") {
				t.Errorf("the answer does not say the method is not supported: %s", raw)
			}
		})
	}
}

// TestConcreteRouteOwnsItsPath: GET /api/push/log/delete is not GET
// /api/push/log/{id} with the id "delete".
func TestConcreteRouteOwnsItsPath(t *testing.T) {
	gs := newGuardServer(t)
	status, raw, header := gs.send(t, http.MethodGet, "/api/push/log/delete", "Token "+gs.user, "")
	if status != http.StatusMethodNotAllowed || header.Get("Allow") != "DELETE" {
		t.Errorf("GET /api/push/log/delete: HTTP %d Allow %q, want 405 Allow DELETE: %s", status, header.Get("Allow"), raw)
	}
	if status, raw, _ := gs.send(t, http.MethodGet, "/api/push/log/7", "Token "+gs.user, ""); status != http.StatusNotFound {
		t.Errorf("GET /api/push/log/7: HTTP %d, want 404: %s", status, raw)
	}
}

// TestHeadAnswersLikeGet asks every GET route with HEAD: the same status
// and headers as GET, and no body.
func TestHeadAnswersLikeGet(t *testing.T) {
	gs := newGuardServer(t)
	for pattern, methods := range gs.methodsByPattern {
		if !slices.Contains(methods, http.MethodGet) {
			continue
		}
		t.Run(pattern, func(t *testing.T) {
			path := badPath(pattern)
			getStatus, _, getHeader := gs.send(t, http.MethodGet, path, "Token "+gs.user, "")
			headStatus, raw, headHeader := gs.send(t, http.MethodHead, path, "Token "+gs.user, "")
			if headStatus != getStatus {
				t.Errorf("HEAD answered %d, GET %d", headStatus, getStatus)
			}
			if len(raw) != 0 {
				t.Errorf("HEAD answered with a body: %q", raw)
			}
			if g, h := getHeader.Get("Content-Type"), headHeader.Get("Content-Type"); g != h {
				t.Errorf("HEAD Content-Type %q, GET %q", h, g)
			}
		})
	}
}
