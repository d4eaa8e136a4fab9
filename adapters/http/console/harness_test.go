package console_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/console"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/adapters/wxcrypto"
	appaccount "github.com/campushub/campushub/app/account"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/app/auth"
	appconsole "github.com/campushub/campushub/app/console"
	appcontent "github.com/campushub/campushub/app/content"
	"github.com/campushub/campushub/app/kit"
	apppush "github.com/campushub/campushub/app/push"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
	"github.com/campushub/campushub/test/testenv"
)

// noProvider accepts every push.
type noProvider struct{}

func (noProvider) Send(_ context.Context, msgs []push.Message) ([]push.Result, error) {
	out := make([]push.Result, len(msgs))
	for i := range out {
		out[i] = push.Result{Accepted: true}
	}
	return out, nil
}

// harness is the whole service stack on a temporary SQLite file with the
// console mounted the way serve mounts it.
type harness struct {
	t        *testing.T
	db       *storage.DB
	clock    *portstest.Clock // the console sessions' clock
	accounts *appaccount.Service
	svc      console.Services
	srv      *httptest.Server
	manager  string // the manager's account
}

const managerPassword = "manager-pass-1"

type harnessOption func(*console.Config)

// consoleConfig names the adapter's Config for options.
type consoleConfig = console.Config

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	ctx := context.Background()
	db := testenv.OpenDB(t, testenv.SQLiteURL(t))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	outbox := storage.NewOutbox(db)
	clk := portstest.NewClock(time.Now().UTC())
	accounts := appaccount.NewService(appaccount.Deps{
		UoW: db, Outbox: outbox, Accounts: storage.NewAccounts(db), Codes: storage.NewCodes(db), Tokens: storage.NewTokens(db), LoginClients: storage.NewLoginClients(db),
		Hasher: secure.Bcrypt{Cost: 4}, Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appaccount.Policy{
		Codes:  appaccount.DefaultPolicy.Codes,
		Lock:   account.LockPolicy{MaxFailures: 3, LockFor: 15 * time.Minute},
		Tokens: appaccount.DefaultPolicy.Tokens,
	})
	egress := webhook.Egress{AllowPrivate: true}
	svc := console.Services{
		Push: apppush.NewService(apppush.Deps{
			UoW: db, Outbox: outbox, Devices: storage.NewDevices(db), Logs: storage.NewPushLogs(db),
			Deliveries: storage.NewDeliveries(db), Provider: noProvider{}, Replies: storage.NewFeedbacks(db), Logger: log,
		}),
		Content: appcontent.NewService(appcontent.Deps{
			UoW: db, Outbox: outbox, FAQs: storage.NewFAQs(db), Categories: storage.NewCategories(db), Feedbacks: storage.NewFeedbacks(db),
		}),
		Relay: appwx.NewService(appwx.Deps{
			UoW: db, Outbox: outbox, Projects: storage.NewWXProjects(db), Events: storage.NewWXEvents(db), Deliveries: storage.NewWXDeliveries(db),
			Egress: egress, Cipher: wxcrypto.Cipher{}, Random: secure.Random{}, Clock: ports.SystemClock{},
		}, appwx.Config{Apps: map[string]string{"app": ""}, DedupWindow: time.Hour}),
		Activity: appactivity.NewService(appactivity.Deps{
			UoW: db, Outbox: outbox, Organisations: storage.NewOrganisations(db), Activities: storage.NewActivities(db),
			Meetings: storage.NewMeetings(db), Members: storage.NewMembers(db), Signins: storage.NewCourseSignins(db),
			Winners: storage.NewWinners(db), Users: accounts, Random: secure.Random{},
		}),
		Console: appconsole.NewService(appconsole.Deps{
			Sessions: storage.NewConsoleSessions(db), Passwords: accounts, Orgs: storage.NewOrganisations(db),
			Stats: storage.NewConsoleStats(db), Random: secure.Random{}, Clock: clk,
		}, appconsole.Config{Lifetime: time.Hour, Location: loc}),
	}
	cfg := console.Config{Clock: httpkit.Clock{Loc: loc}, Log: log}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := console.New(svc, cfg)
	if err != nil {
		t.Fatalf("console.New: %v", err)
	}
	handler := server.New(server.Options{
		Logger: log, Registry: prometheus.NewRegistry(), BodyLimit: 1 << 20,
		Families: httpkit.Families{fakeFamily{}}, Mounts: []server.Mounter{h},
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	hs := &harness{t: t, db: db, clock: clk, accounts: accounts, svc: svc, srv: srv, manager: "admin@example.org"}
	if _, err := accounts.CreateManager(ctx, hs.manager, managerPassword); err != nil {
		t.Fatalf("create manager: %v", err)
	}
	return hs
}

// fakeFamily answers router errors outside /console/ in plain text.
type fakeFamily struct{}

func (fakeFamily) Prefixes() []string { return []string{"/api/"} }
func (fakeFamily) WriteError(w http.ResponseWriter, _ *http.Request, err error) {
	http.Error(w, err.Error(), httpkit.Status(err))
}

// managerCtx is a context acting as the harness's manager, for fixtures.
func (h *harness) managerCtx() context.Context {
	h.t.Helper()
	p, err := h.accounts.CheckPassword(context.Background(), "86", h.manager, managerPassword)
	if err != nil {
		h.t.Fatalf("manager principal: %v", err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

// managerKey is the stored key of the harness's manager account.
func (h *harness) managerKey() string {
	h.t.Helper()
	id, err := account.ParseIdentifier("86", h.manager)
	if err != nil {
		h.t.Fatal(err)
	}
	return id.Key()
}

// user creates a plain user account and returns a context acting as it.
func (h *harness) user(name string) (context.Context, int64) {
	h.t.Helper()
	ctx := context.Background()
	id, err := account.ParseIdentifier("86", name+"@example.org")
	if err != nil {
		h.t.Fatal(err)
	}
	a := account.New(id, account.RoleUser, "x", "", time.Now().UTC())
	if err := storage.NewAccounts(h.db).Create(ctx, &a); err != nil {
		h.t.Fatalf("create user: %v", err)
	}
	return auth.WithPrincipal(ctx, auth.Principal{AccountID: a.ID, Role: account.RoleUser}), a.ID
}

// userWithPassword creates a plain user who could sign in to the app.
func (h *harness) userWithPassword(acct, password string) {
	h.t.Helper()
	id, err := account.ParseIdentifier("86", acct)
	if err != nil {
		h.t.Fatal(err)
	}
	hash, err := secure.Bcrypt{Cost: 4}.Hash(password)
	if err != nil {
		h.t.Fatal(err)
	}
	a := account.New(id, account.RoleUser, hash, "", time.Now().UTC())
	if err := storage.NewAccounts(h.db).Create(context.Background(), &a); err != nil {
		h.t.Fatalf("create user: %v", err)
	}
}

func kitPage(no int) kit.Page { return kit.Page{No: no, Size: 100} }

// org creates an organisation with a token and returns its id and token.
func (h *harness) org(name string) (int64, string) {
	h.t.Helper()
	ctx := h.managerCtx()
	o, err := h.svc.Activity.CreateOrg(ctx, name)
	if err != nil {
		h.t.Fatalf("create org: %v", err)
	}
	tok, err := h.svc.Activity.IssueToken(ctx, o.ID, "test")
	if err != nil {
		h.t.Fatalf("issue token: %v", err)
	}
	return o.ID, tok.Plain
}

// orgCtx acts as an organisation, for fixtures.
func orgCtx(orgID int64) context.Context {
	return appactivity.WithCaller(context.Background(), appactivity.Caller{Kind: appactivity.CallerOrg, OrgID: orgID})
}

// activity creates an activity of org.
func (h *harness) activity(orgID int64, name, kind string) activity.Activity {
	h.t.Helper()
	a, err := h.svc.Activity.CreateActivity(orgCtx(orgID), activity.Draft{Name: &name, Kind: &kind})
	if err != nil {
		h.t.Fatalf("create activity: %v", err)
	}
	return a
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	h      *harness
	base   string // the server it talks to; the harness's own when empty
	client *http.Client
	header http.Header // sent with every request
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, header: http.Header{}, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// answer is one response.
type answer struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

func (b *browser) do(method, path string, form url.Values, extra http.Header) answer {
	b.h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	base := b.base
	if base == "" {
		base = b.h.srv.URL
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		b.h.t.Fatal(err)
	}
	for k, vs := range b.header {
		req.Header[k] = vs
	}
	for k, vs := range extra {
		req.Header[k] = vs
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(raw), Header: resp.Header}
	if a.Status >= 500 {
		b.h.t.Fatalf("%s %s answered %d:\n%s", method, path, a.Status, a.Body)
	}
	return a
}

func (b *browser) get(path string) answer {
	b.h.t.Helper()
	return b.do(http.MethodGet, path, nil, nil)
}

func (b *browser) post(path string, form url.Values) answer {
	b.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return b.do(http.MethodPost, path, form, nil)
}

// signIn signs the browser in as the harness's manager.
func (b *browser) signIn() *browser {
	b.h.t.Helper()
	a := b.post("/console/login", url.Values{"account": {b.h.manager}, "password": {managerPassword}})
	if a.Status != http.StatusSeeOther || a.Location != "/console/overview" {
		b.h.t.Fatalf("manager sign-in: %d %q\n%s", a.Status, a.Location, a.Body)
	}
	return b
}

// signInOrg signs the browser in with an organisation token.
func (b *browser) signInOrg(token string) *browser {
	b.h.t.Helper()
	a := b.post("/console/login/org", url.Values{"token": {token}})
	if a.Status != http.StatusSeeOther || a.Location != "/console/org" {
		b.h.t.Fatalf("organisation sign-in: %d %q\n%s", a.Status, a.Location, a.Body)
	}
	return b
}

// cookie is the browser's session cookie value.
func (b *browser) cookie() string {
	u, _ := url.Parse(b.h.srv.URL + "/console/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == console.CookieName {
			return c.Value
		}
	}
	return ""
}

// expect checks an answer's status and that its body holds every text.
func expect(t *testing.T, what string, a answer, status int, texts ...string) {
	t.Helper()
	if a.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, a.Status, status, a.Body)
	}
	for _, s := range texts {
		if !strings.Contains(a.Body, s) {
			t.Fatalf("%s: the page does not show %q\n%s", what, s, a.Body)
		}
	}
}

// fieldError returns the error shown right after the named input (before
// any other field's input).
func fieldError(body, field string) string {
	i := strings.Index(body, `name="`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	j := strings.Index(rest, `class="field-error"`)
	if j < 0 {
		return ""
	}
	between := strings.ReplaceAll(rest[:j], `name="`+field+`"`, "")
	if strings.Contains(between, `name="`) {
		return ""
	}
	msg := rest[j:]
	msg = msg[strings.Index(msg, ">")+1:]
	return html.UnescapeString(msg[:strings.Index(msg, "<")])
}
