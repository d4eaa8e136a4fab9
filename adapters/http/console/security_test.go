package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	adapter "github.com/campushub/campushub/adapters/http/console"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	appconsole "github.com/campushub/campushub/app/console"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/console"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// routes lists every console page and form with placeholder ids.
var routes = []struct{ method, path string }{
	{"GET", "/console/overview"}, {"GET", "/console/pushes"}, {"POST", "/console/pushes"}, {"GET", "/console/pushes/1"},
	{"GET", "/console/feedback"}, {"GET", "/console/feedback/1"}, {"POST", "/console/feedback/1/reply"},
	{"GET", "/console/faq"}, {"POST", "/console/faq"}, {"GET", "/console/faq/1"}, {"POST", "/console/faq/1"}, {"POST", "/console/faq/1/delete"},
	{"GET", "/console/categories"}, {"POST", "/console/categories"}, {"POST", "/console/categories/1"}, {"POST", "/console/categories/1/delete"},
	{"GET", "/console/relay"}, {"POST", "/console/relay"}, {"GET", "/console/relay/1"}, {"POST", "/console/relay/1"},
	{"POST", "/console/relay/1/rotate"}, {"POST", "/console/relay/1/replay-failed"},
	{"GET", "/console/relay/deliveries/1"}, {"POST", "/console/relay/deliveries/1/replay"},
	{"GET", "/console/orgs"}, {"POST", "/console/orgs"}, {"GET", "/console/orgs/1"}, {"POST", "/console/orgs/1/tokens"},
	{"POST", "/console/orgs/1/tokens/1/revoke"},
	{"GET", "/console/org"}, {"POST", "/console/org/activities"}, {"GET", "/console/org/activities/1"}, {"POST", "/console/org/activities/1"},
	{"POST", "/console/org/activities/1/close"}, {"GET", "/console/org/activities/1/members.csv"}, {"POST", "/console/org/activities/1/draw"},
	{"GET", "/console/org/meetings"}, {"POST", "/console/org/meetings"}, {"GET", "/console/org/meetings/1"},
	{"POST", "/console/org/meetings/1"}, {"POST", "/console/org/meetings/1/close"},
	{"POST", "/console/org/meetings/1/delete"}, {"POST", "/console/org/meetings/1/users"}, {"POST", "/console/org/meetings/1/users/revoke"},
}

func isManagerRoute(path string) bool {
	return !strings.HasPrefix(path, "/console/org/") && path != "/console/org"
}

func TestNoPageWithoutASession(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	for _, r := range routes {
		a := b.do(r.method, r.path, url.Values{"name": {"x"}}, nil)
		if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/console/login") {
			t.Errorf("%s %s without a session: %d %q, want a redirect to the sign-in page", r.method, r.path, a.Status, a.Location)
		}
		if strings.Contains(a.Body, "<table") {
			t.Errorf("%s %s without a session shows a page", r.method, r.path)
		}
	}
	// htmx requests are told to load the sign-in page as a whole.
	a := b.do("GET", "/console/overview", nil, http.Header{"Hx-Request": {"true"}})
	if a.Status != http.StatusUnauthorized || !strings.HasPrefix(a.Header.Get("HX-Redirect"), "/console/login") {
		t.Errorf("htmx request without a session: %d HX-Redirect %q", a.Status, a.Header.Get("HX-Redirect"))
	}
	// A made-up cookie is no session either.
	u, _ := url.Parse(h.srv.URL + "/console/")
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "campushub_console", Value: strings.Repeat("a", 43), Path: "/console/"}})
	if a := b.get("/console/overview"); a.Status != http.StatusSeeOther {
		t.Errorf("forged cookie: %d, want a redirect to sign in", a.Status)
	}
}

func TestOrganisationSeesOnlyItsOwnArea(t *testing.T) {
	h := newHarness(t)
	orgA, tokenA := h.org("Org A")
	orgB, _ := h.org("Org B")
	mine := h.activity(orgA, "Mine", "lottery")
	theirs := h.activity(orgB, "Theirs", "lottery")
	theirMeeting, err := h.svc.Activity.CreateMeeting(orgCtx(orgB), "B meeting")
	if err != nil {
		t.Fatal(err)
	}
	b := h.browser().signInOrg(tokenA)

	expect(t, "own area", b.get("/console/org"), http.StatusOK, "Mine", "Org A")
	if a := b.get("/console/org"); strings.Contains(a.Body, "Theirs") {
		t.Fatalf("organisation A's area lists organisation B's activity:\n%s", a.Body)
	}
	expect(t, "own activity", b.get("/console/org/activities/"+strconv.FormatInt(mine.ID, 10)), http.StatusOK, "Mine")

	other := "/console/org/activities/" + strconv.FormatInt(theirs.ID, 10)
	for _, r := range []struct{ method, path string }{
		{"GET", other}, {"POST", other}, {"POST", other + "/close"}, {"GET", other + "/members.csv"}, {"POST", other + "/draw"},
		{"GET", "/console/org/meetings/" + strconv.FormatInt(theirMeeting.ID, 10)},
		{"POST", "/console/org/meetings/" + strconv.FormatInt(theirMeeting.ID, 10) + "/delete"},
		{"POST", "/console/org/meetings/" + strconv.FormatInt(theirMeeting.ID, 10) + "/users"},
		{"POST", "/console/org/meetings/" + strconv.FormatInt(theirMeeting.ID, 10)},
		{"POST", "/console/org/meetings/" + strconv.FormatInt(theirMeeting.ID, 10) + "/close"},
	} {
		a := b.do(r.method, r.path, url.Values{"name": {"Hijacked"}, "kind": {"lottery"}, "count": {"1"}, "member_ids": {"7"}}, nil)
		if a.Status != http.StatusForbidden && a.Status != http.StatusNotFound {
			t.Errorf("organisation A %s %s: %d, want 403 or 404", r.method, r.path, a.Status)
		}
		if strings.Contains(a.Body, "Theirs") {
			t.Errorf("organisation A %s %s shows organisation B's activity", r.method, r.path)
		}
	}
	got, err := h.svc.Activity.Activity(orgCtx(orgB), theirs.ID)
	if err != nil || got.Name != "Theirs" || !got.ClosedAt.IsZero() {
		t.Fatalf("organisation B's activity changed: %+v %v", got, err)
	}
	if m, err := h.svc.Activity.Meeting(orgCtx(orgB), theirMeeting.ID); err != nil || m.Name != "B meeting" || m.Closed() {
		t.Fatalf("organisation B's meeting changed: %+v %v", m, err)
	}

	for _, r := range routes {
		if !isManagerRoute(r.path) {
			continue
		}
		a := b.do(r.method, r.path, url.Values{"name": {"x"}}, nil)
		if a.Status != http.StatusForbidden {
			t.Errorf("organisation %s %s: %d, want 403", r.method, r.path, a.Status)
		}
	}
	if n := h.orgCount(); n != 2 {
		t.Fatalf("an organisation's POST created an organisation: %d organisations", n)
	}
}

func (h *harness) orgCount() int64 {
	h.t.Helper()
	_, total, err := h.svc.Activity.ListOrgs(h.managerCtx(), kitPage(1))
	if err != nil {
		h.t.Fatal(err)
	}
	return total
}

func TestManagerCannotUseOrganisationPages(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	for _, r := range routes {
		if isManagerRoute(r.path) {
			continue
		}
		if a := b.do(r.method, r.path, url.Values{"name": {"x"}}, nil); a.Status != http.StatusForbidden {
			t.Errorf("manager %s %s: %d, want 403", r.method, r.path, a.Status)
		}
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	for _, hd := range []http.Header{
		{"Sec-Fetch-Site": {"cross-site"}},
		{"Origin": {"https://evil.example"}},
	} {
		a := b.do("POST", "/console/orgs", url.Values{"name": {"Forged"}}, hd)
		expect(t, "cross-site POST", a, http.StatusForbidden)
		if !strings.Contains(a.Body, "其他网站") {
			t.Errorf("the refusal does not say why:\n%s", a.Body)
		}
		a = b.do("POST", "/console/logout", url.Values{}, hd)
		expect(t, "cross-site sign-out", a, http.StatusForbidden)
	}
	if n := h.orgCount(); n != 0 {
		t.Fatalf("a cross-site POST created %d organisations", n)
	}
	// The same form from the console's own page goes through.
	a := b.do("POST", "/console/orgs", url.Values{"name": {"Real"}}, http.Header{"Sec-Fetch-Site": {"same-origin"}})
	expect(t, "same-origin POST", a, http.StatusSeeOther)
}

func TestCookieIsHttpOnlyAndStrict(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	a := b.post("/console/login", url.Values{"account": {h.manager}, "password": {managerPassword}})
	c := a.Header.Get("Set-Cookie")
	for _, want := range []string{"campushub_console=", "HttpOnly", "SameSite=Strict", "Path=/console/"} {
		if !strings.Contains(c, want) {
			t.Errorf("session cookie %q lacks %s", c, want)
		}
	}
	if strings.Contains(c, "Secure") {
		t.Errorf("cookie over plain HTTP is marked Secure: %q", c)
	}
	a = b.do("POST", "/console/login", url.Values{"account": {h.manager}, "password": {managerPassword}}, http.Header{"X-Forwarded-Proto": {"https"}})
	if c := a.Header.Get("Set-Cookie"); !strings.Contains(c, "Secure") {
		t.Errorf("cookie over TLS is not Secure: %q", c)
	}
}

func TestSessionEndsAtSignOut(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	old := b.cookie()
	expect(t, "signed in", b.get("/console/overview"), http.StatusOK)
	a := b.post("/console/logout", nil)
	if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/console/login") {
		t.Fatalf("sign-out: %d %q", a.Status, a.Location)
	}
	if !strings.Contains(a.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("sign-out does not clear the cookie: %q", a.Header.Get("Set-Cookie"))
	}
	if a := b.get("/console/overview"); a.Status != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d, want a redirect to sign in", a.Status)
	}
	// The old cookie, replayed, is dead: the session is gone from the database.
	thief := h.browser()
	u, _ := url.Parse(h.srv.URL + "/console/")
	thief.client.Jar.SetCookies(u, []*http.Cookie{{Name: "campushub_console", Value: old, Path: "/console/"}})
	if a := thief.get("/console/overview"); a.Status != http.StatusSeeOther {
		t.Fatalf("replayed cookie after sign-out: %d, want a redirect to sign in", a.Status)
	}
}

func TestSessionEndsAfterItsLifetime(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	expect(t, "signed in", b.get("/console/overview"), http.StatusOK)
	h.clock.Advance(59 * time.Minute)
	expect(t, "before the end of the lifetime", b.get("/console/overview"), http.StatusOK)
	h.clock.Advance(2 * time.Minute)
	a := b.get("/console/overview")
	if a.Status != http.StatusSeeOther || !strings.Contains(a.Location, "expired=1") {
		t.Fatalf("after the lifetime: %d %q, want a redirect to sign in saying it expired", a.Status, a.Location)
	}
	expect(t, "sign-in page after expiry", b.get(a.Location), http.StatusOK, "会话已过期")
	if _, err := h.svc.Console.Sessions.ByHash(context.Background(), console.HashID(b.cookie())); err == nil {
		t.Fatal("the expired session is still stored")
	}
}

func TestSessionEndsWhenTheOrganisationTokenIsRevoked(t *testing.T) {
	h := newHarness(t)
	orgID, token := h.org("Org")
	b := h.browser().signInOrg(token)
	expect(t, "signed in", b.get("/console/org"), http.StatusOK)
	ts, err := h.svc.Activity.Tokens(h.managerCtx(), orgID)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens: %v %v", ts, err)
	}
	if err := h.svc.Activity.RevokeToken(h.managerCtx(), orgID, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if a := b.get("/console/org"); a.Status != http.StatusSeeOther {
		t.Fatalf("after the token was revoked: %d, want a redirect to sign in", a.Status)
	}
	a := h.browser().post("/console/login/org", url.Values{"token": {token}})
	expect(t, "sign-in with a revoked token", a, http.StatusUnauthorized)
	if msg := fieldError(a.Body, "token"); !strings.Contains(msg, "吊销") {
		t.Fatalf("the sign-in form does not say the token was revoked: %q", msg)
	}
}

func TestLoginLockoutApplies(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	for i := 0; i < 2; i++ {
		a := b.post("/console/login", url.Values{"account": {h.manager}, "password": {"wrong"}})
		expect(t, "wrong password", a, http.StatusUnauthorized)
		if msg := fieldError(a.Body, "account"); msg != "密码错误。" {
			t.Fatalf("wrong password message %q", msg)
		}
		if strings.Contains(a.Body, `value="wrong"`) {
			t.Fatal("the password is echoed back into the page")
		}
	}
	a := b.post("/console/login", url.Values{"account": {h.manager}, "password": {"wrong"}})
	expect(t, "third wrong password", a, http.StatusLocked)
	if msg := fieldError(a.Body, "account"); !strings.Contains(msg, "锁定") {
		t.Fatalf("lockout message %q", msg)
	}
	a = b.post("/console/login", url.Values{"account": {h.manager}, "password": {managerPassword}})
	expect(t, "right password while locked", a, http.StatusLocked)
	if b.cookie() != "" {
		t.Fatal("a locked account got a session")
	}
}

func TestUsersCannotSignIn(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.accounts.CreateManager(ctx, "second@example.org", "pass-word-2"); err != nil {
		t.Fatal(err)
	}
	// A plain user with a real password.
	h.userWithPassword("plain@example.org", "user-pass-1")
	a := h.browser().post("/console/login", url.Values{"account": {"plain@example.org"}, "password": {"user-pass-1"}})
	expect(t, "user sign-in", a, http.StatusForbidden, "不是管理员")
	a = h.browser().post("/console/login", url.Values{"account": {"nobody@example.org"}, "password": {"x"}})
	expect(t, "unknown account", a, http.StatusNotFound)
	a = h.browser().post("/console/login", url.Values{"account": {""}, "password": {""}})
	if a.Status != http.StatusBadRequest || fieldError(a.Body, "account") == "" {
		t.Fatalf("empty sign-in form: %d %q", a.Status, fieldError(a.Body, "account"))
	}
	a = h.browser().post("/console/login/org", url.Values{"token": {""}})
	if a.Status != http.StatusBadRequest || fieldError(a.Body, "token") == "" {
		t.Fatalf("empty organisation token: %d\n%s", a.Status, a.Body)
	}
}

func TestSignInLimitIsShownOnTheForm(t *testing.T) {
	tries := 0
	h := newHarness(t, func(c *consoleConfig) {
		c.SignInLimit = func(*http.Request) error {
			if tries++; tries > 2 {
				e := shared.NewError(shared.KindRateLimited, "rate_limited", "too many requests; try again later")
				e.RetryAfter = 30 * time.Second
				return e
			}
			return nil
		}
	})
	b := h.browser()
	expect(t, "first try", b.post("/console/login", url.Values{"account": {h.manager}, "password": {"wrong"}}), http.StatusUnauthorized)
	expect(t, "second try", b.post("/console/login/org", url.Values{"token": {"org_wrong"}}), http.StatusUnauthorized)
	a := b.post("/console/login", url.Values{"account": {h.manager}, "password": {managerPassword}})
	expect(t, "over the limit", a, http.StatusTooManyRequests, `value="`+h.manager+`"`)
	if msg := fieldError(a.Body, "account"); msg != "尝试次数过多，请稍后再试。" {
		t.Fatalf("limit message %q", msg)
	}
	if a.Header.Get("Retry-After") != "30" || b.cookie() != "" {
		t.Fatalf("Retry-After %q, cookie %q", a.Header.Get("Retry-After"), b.cookie())
	}
	a = b.post("/console/login/org", url.Values{"token": {"org_x"}})
	expect(t, "organisation over the limit", a, http.StatusTooManyRequests)
	if fieldError(a.Body, "token") == "" {
		t.Fatalf("no message next to the token:\n%s", a.Body)
	}
}

func TestSessionEndsWhenTheManagerIsDisabled(t *testing.T) {
	h := newHarness(t)
	b := h.browser().signIn()
	expect(t, "signed in", b.get("/console/overview"), http.StatusOK)
	accounts := storage.NewAccounts(h.db)
	a, err := accounts.ByKey(context.Background(), h.managerKey())
	if err != nil {
		t.Fatal(err)
	}
	a.IsActive = false
	if err := accounts.Update(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/console/overview"); r.Status != http.StatusSeeOther {
		t.Fatalf("after the account was disabled: %d, want a redirect to sign in", r.Status)
	}
	a.IsActive, a.Role = true, account.RoleUser
	if err := accounts.Update(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	b2 := h.browser()
	expect(t, "a demoted manager", b2.post("/console/login", url.Values{"account": {h.manager}, "password": {managerPassword}}), http.StatusForbidden)
}

func TestSessionsWorkAcrossReplicas(t *testing.T) {
	h := newHarness(t)
	// A second replica: its own console service and handler on the same database.
	svc := h.svc
	svc.Console = appconsole.NewService(appconsole.Deps{
		Sessions: storage.NewConsoleSessions(h.db), Passwords: h.accounts, Orgs: storage.NewOrganisations(h.db),
		Stats: storage.NewConsoleStats(h.db), Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appconsole.Config{Lifetime: time.Hour})
	other, err := adapter.New(svc, adapter.Config{})
	if err != nil {
		t.Fatal(err)
	}
	replica := httptest.NewServer(other)
	t.Cleanup(replica.Close)

	b := h.browser().signIn() // on the first replica
	b.base = replica.URL
	expect(t, "the other replica knows the session", b.get("/console/overview"), http.StatusOK, "待回复反馈")
	expect(t, "sign out on the other replica", b.post("/console/logout", nil), http.StatusSeeOther)
	b.base = ""
	u, _ := url.Parse(h.srv.URL + "/console/")
	if a := b.get("/console/overview"); a.Status != http.StatusSeeOther || len(b.client.Jar.Cookies(u)) != 0 {
		t.Fatalf("the first replica still accepts the session: %d", a.Status)
	}
}

func TestWrongMethodNamesTheAllowedOnes(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	cases := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodDelete, "/console/login", http.StatusMethodNotAllowed, "GET, HEAD, POST"},
		{http.MethodPut, "/console/logout", http.StatusMethodNotAllowed, "POST"},
		{http.MethodDelete, "/console/no/such/page", http.StatusNotFound, ""},
	}
	for _, tc := range cases {
		a := b.do(tc.method, tc.path, nil, nil)
		if a.Status != tc.status || a.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: HTTP %d Allow %q, want %d Allow %q", tc.method, tc.path, a.Status, a.Header.Get("Allow"), tc.status, tc.allow)
		}
	}
}
