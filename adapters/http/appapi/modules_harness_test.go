package appapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	appaccount "github.com/campushub/campushub/app/account"
	appcontent "github.com/campushub/campushub/app/content"
	apppush "github.com/campushub/campushub/app/push"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/ports"
)

// modHarness is the real push and content stack on a temporary SQLite file,
// with the account service as authenticator and a recording push provider.
type modHarness struct {
	tb       testing.TB
	db       *storage.DB
	accounts *appaccount.Service
	push     *apppush.Service
	provider *recordingProvider
	handler  http.Handler
	users    int
}

func newModHarness(tb testing.TB) *modHarness {
	tb.Helper()
	db := migratedDB(tb, "sqlite:"+filepath.Join(tb.TempDir(), "t.db"))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	outbox := storage.NewOutbox(db)
	accounts := appaccount.NewService(appaccount.Deps{
		UoW: db, Outbox: outbox, Accounts: storage.NewAccounts(db), Codes: storage.NewCodes(db), Tokens: storage.NewTokens(db), LoginClients: storage.NewLoginClients(db),
		Hasher: secure.Bcrypt{Cost: 4}, Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appaccount.DefaultPolicy)
	provider := &recordingProvider{refuse: map[string]bool{}}
	pushSvc := apppush.NewService(apppush.Deps{
		UoW: db, Outbox: outbox, Devices: storage.NewDevices(db), Logs: storage.NewPushLogs(db),
		Deliveries: storage.NewDeliveries(db), Provider: provider, Replies: storage.NewFeedbacks(db), Logger: log,
	})
	contentSvc := appcontent.NewService(appcontent.Deps{
		UoW: db, Outbox: outbox, FAQs: storage.NewFAQs(db), Categories: storage.NewCategories(db), Feedbacks: storage.NewFeedbacks(db),
	})
	app := appapi.NewServer(appapi.Options{Log: log, Clock: httpkit.Clock{Loc: loc}})
	pushEP, contentEP := apppush.MakeEndpoints(pushSvc, accounts), appcontent.MakeEndpoints(contentSvc, accounts)
	h := server.New(server.Options{
		Logger: log, Registry: prometheus.NewRegistry(), BodyLimit: 1 << 20,
		Families: httpkit.Families{appapi.Family{Log: log}},
		Mounts: []server.Mounter{
			appapi.Account{S: app, EP: appaccount.MakeEndpoints(accounts)},
			appapi.Push{S: app, EP: pushEP}, appapi.ManagePush{S: app, EP: pushEP},
			appapi.Content{S: app, EP: contentEP}, appapi.ManageContent{S: app, EP: contentEP},
		},
	})
	return &modHarness{tb: tb, db: db, accounts: accounts, push: pushSvc, provider: provider, handler: h}
}

// recordingProvider stands in for the push service: it records what it is
// handed, refuses listed client ids, and fails as a whole when down.
type recordingProvider struct {
	mu     sync.Mutex
	sent   []push.Message
	refuse map[string]bool
	down   bool
}

func (p *recordingProvider) Send(_ context.Context, msgs []push.Message) ([]push.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return nil, errors.New("provider unavailable")
	}
	out := make([]push.Result, len(msgs))
	for i, m := range msgs {
		p.sent = append(p.sent, m)
		out[i] = push.Result{Accepted: !p.refuse[m.ClientID], Detail: "stand-in"}
	}
	return out, nil
}

func (p *recordingProvider) clientIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.sent {
		out = append(out, m.ClientID)
	}
	return out
}

// modReply is a decoded app API answer.
type modReply struct {
	Status  int
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// call sends body ("" for none) with the token, if any, and decodes the
// envelope; a 5xx or an answer outside the envelope fails the test.
func (h *modHarness) call(method, path, body, token string) modReply {
	h.tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	r := modReply{Status: rec.Code}
	if r.Status >= 500 {
		h.tb.Fatalf("%s %s answered %d: %s", method, path, r.Status, rec.Body.String())
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &keys); err != nil || len(keys) != 3 || keys["data"] == nil {
		h.tb.Fatalf("%s %s: not the {code,message,data} envelope: %s", method, path, rec.Body.String())
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &r)
	return r
}

// ok fails unless r is a success and returns its data.
func (h *modHarness) ok(r modReply) json.RawMessage {
	h.tb.Helper()
	if r.Status != http.StatusOK || r.Code != 0 || r.Message != "success" {
		h.tb.Fatalf("want success, got HTTP %d code %d: %s", r.Status, r.Code, r.Message)
	}
	return r.Data
}

// fail fails unless r is an error with the HTTP status and code.
func (h *modHarness) fail(what string, r modReply, status, code int) {
	h.tb.Helper()
	if r.Status != status || r.Code != code {
		h.tb.Errorf("%s: got HTTP %d code %d (%s), want HTTP %d code %d", what, r.Status, r.Code, r.Message, status, code)
	}
}

// user creates a user account and returns its id and an access token.
func (h *modHarness) user() (int64, string) {
	h.tb.Helper()
	h.users++
	return h.signIn(fmt.Sprintf("user%d@example.com", h.users), account.RoleUser)
}

// manager creates a manager account and returns its id and an access token.
func (h *modHarness) manager() (int64, string) {
	h.tb.Helper()
	h.users++
	return h.signIn(fmt.Sprintf("manager%d@example.com", h.users), account.RoleManager)
}

func (h *modHarness) signIn(email string, role account.Role) (int64, string) {
	h.tb.Helper()
	ctx := context.Background()
	id, err := account.ParseIdentifier("", email)
	if err != nil {
		h.tb.Fatal(err)
	}
	hash, _ := secure.Bcrypt{Cost: 4}.Hash("password123")
	a := account.New(id, role, hash, "openid-"+email, time.Now().UTC())
	if err := storage.NewAccounts(h.db).Create(ctx, &a); err != nil {
		h.tb.Fatal(err)
	}
	pair, err := h.accounts.Login(ctx, "", email, "password123")
	if err != nil {
		h.tb.Fatal(err)
	}
	return a.ID, pair.Access
}

// expiredToken stores an access token of accountID that expired an hour ago.
func (h *modHarness) expiredToken(accountID int64) string {
	h.tb.Helper()
	plain := fmt.Sprintf("expired%043d", accountID)
	past := time.Now().UTC().Add(-2 * time.Hour)
	err := storage.NewTokens(h.db).Create(context.Background(), account.Token{
		Hash: account.HashToken(plain), Kind: account.AccessToken, AccountID: accountID, Family: "expired" + plain[:8],
		IssuedAt: past, ExpiresAt: past.Add(time.Hour),
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return plain
}

// dispatch runs one dispatcher round, as the background worker would.
func (h *modHarness) dispatch() {
	h.tb.Helper()
	if _, err := h.push.DispatchDue(context.Background()); err != nil {
		h.tb.Fatal(err)
	}
}

// eventTypes lists the outbox's event types, oldest first.
func (h *modHarness) eventTypes() []string {
	h.tb.Helper()
	rows, err := storage.NewOutbox(h.db).Recent(context.Background(), 1000)
	if err != nil {
		h.tb.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		out = append(out, rows[i].Type)
	}
	return out
}

// eventPayloads lists the outbox's event payloads.
func (h *modHarness) eventPayloads() []string {
	h.tb.Helper()
	rows, err := storage.NewOutbox(h.db).Recent(context.Background(), 1000)
	if err != nil {
		h.tb.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Payload
	}
	return out
}

// decode unmarshals data into a map for field checks.
func decode(tb testing.TB, data json.RawMessage) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatalf("not a JSON object: %s", data)
	}
	return m
}

// hasShape fails unless got has every field of the seed's example with the
// same JSON type; extra fields are allowed only when listed.
func hasShape(tb testing.TB, what string, got json.RawMessage, seed string, extra ...string) {
	tb.Helper()
	g, w := decode(tb, got), decode(tb, json.RawMessage(seed))
	for k, v := range w {
		gv, ok := g[k]
		if !ok {
			tb.Errorf("%s: field %q of the seed is missing", what, k)
			continue
		}
		if fmt.Sprintf("%T", gv) != fmt.Sprintf("%T", v) {
			tb.Errorf("%s: field %q is %T, the seed has %T", what, k, gv, v)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok && !slices.Contains(extra, k) {
			tb.Errorf("%s: field %q is not in the seed", what, k)
		}
	}
}

// page is the seed's pagination envelope.
type page struct {
	Total       int64             `json:"total"`
	Pages       int64             `json:"pages"`
	CurrentPage int               `json:"current_page"`
	PageSize    int               `json:"page_size"`
	Data        []json.RawMessage `json:"data"`
}

func pageOf(tb testing.TB, data json.RawMessage) page {
	tb.Helper()
	hasShape(tb, "page", data, `{"total":1,"pages":1,"current_page":1,"page_size":20,"data":[]}`)
	var p page
	if err := json.Unmarshal(data, &p); err != nil {
		tb.Fatal(err)
	}
	return p
}
