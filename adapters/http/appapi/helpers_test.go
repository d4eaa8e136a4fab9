package appapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/storage"
	appaccount "github.com/campushub/campushub/app/account"
	appcontent "github.com/campushub/campushub/app/content"
	apppush "github.com/campushub/campushub/app/push"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/test/fixture"
	"github.com/campushub/campushub/test/testenv"
)

// bodyLimit is the request body limit of the harness, the service default.
const bodyLimit = 1 << 20

// harness is the real app API stack on a temporary SQLite file: storage,
// the account service (bcrypt cost 4, codes captured instead of sent), the
// push service with a recording provider, the content service, the app API
// transport and the assembled server handler.
type harness struct {
	tb       testing.TB
	db       *storage.DB
	svc      *appaccount.Service
	accounts *fixture.Accounts
	push     *apppush.Service
	provider *recordingProvider
	codes    *capturingSender
	handler  http.Handler
	logs     *syncBuffer
	loc      *time.Location
	users    int // accounts made by user and manager
}

func newHarness(tb testing.TB, mounts ...server.Mounter) *harness {
	tb.Helper()
	return newHarnessOn(tb, "sqlite:"+filepath.Join(tb.TempDir(), "t.db"), mounts...)
}

// newHarnessOn builds the harness on the database at url.
func newHarnessOn(tb testing.TB, url string, mounts ...server.Mounter) *harness {
	tb.Helper()
	db := testenv.OpenDB(tb, url)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	codes := &capturingSender{sent: map[string]string{}}
	accounts := fixture.NewAccounts(db, codes)
	svc := accounts.Service
	outbox := storage.NewOutbox(db)
	provider := &recordingProvider{refuse: map[string]bool{}}
	pushSvc := apppush.NewService(apppush.Deps{
		UoW: db, Outbox: outbox, Devices: storage.NewDevices(db), Logs: storage.NewPushLogs(db),
		Deliveries: storage.NewDeliveries(db), Provider: provider, Replies: storage.NewFeedbacks(db), Logger: log,
	})
	contentSvc := appcontent.NewService(appcontent.Deps{
		UoW: db, Outbox: outbox, FAQs: storage.NewFAQs(db), Categories: storage.NewCategories(db), Feedbacks: storage.NewFeedbacks(db),
	})
	app := appapi.NewServer(log, httpkit.Clock{Loc: loc})
	pushEP, contentEP := apppush.MakeEndpoints(pushSvc, svc), appcontent.MakeEndpoints(contentSvc, svc)
	all := append([]server.Mounter{
		appapi.Account{S: app, EP: appaccount.MakeEndpoints(svc)},
		appapi.Push{S: app, EP: pushEP}, appapi.ManagePush{S: app, EP: pushEP},
		appapi.Content{S: app, EP: contentEP}, appapi.ManageContent{S: app, EP: contentEP},
	}, mounts...)
	h := server.New(server.Options{
		Logger: log, Registry: prometheus.NewRegistry(), BodyLimit: bodyLimit,
		Families: httpkit.Families{appapi.Family{Log: log}}, Mounts: all,
	})
	return &harness{tb: tb, db: db, svc: svc, accounts: accounts, push: pushSvc, provider: provider, codes: codes, handler: h, logs: logs, loc: loc}
}

// capturingSender keeps the latest code per account instead of sending it.
type capturingSender struct {
	mu   sync.Mutex
	sent map[string]string
}

func (s *capturingSender) SendCode(_ context.Context, to account.Identifier, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[to.Key()] = code
	return nil
}

// code returns the latest code sent to the account key ("+86 186…" or an e-mail).
func (s *capturingSender) code(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[key]
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// reply is a decoded app API answer.
type reply struct {
	Status  int
	Header  http.Header
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// do sends a JSON body given as a string ("" for none), with the token in
// the Authorization header when one is given.
func (h *harness) do(method, path, body, token string) reply {
	h.tb.Helper()
	req := newRequest(method, path, body)
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	return h.send(req)
}

// ok fails unless r is a success; it returns r's data.
func (h *harness) ok(r reply) json.RawMessage {
	h.tb.Helper()
	if r.Status != http.StatusOK || r.Code != 0 || r.Message != "success" {
		h.tb.Fatalf("want success, got HTTP %d code %d: %s", r.Status, r.Code, r.Message)
	}
	return r.Data
}

// tokenData is the data of register, access_token and refresh_token.
type tokenData struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresAt    string `json:"expires_at"`
	ExpiresIn    int64  `json:"expires_in"`
}

func (h *harness) tokens(data json.RawMessage) tokenData {
	h.tb.Helper()
	var t tokenData
	if err := json.Unmarshal(data, &t); err != nil {
		h.tb.Fatalf("token data %s: %v", data, err)
	}
	return t
}

// register signs a new user up through the HTTP routes.
func (h *harness) register(acct, password string) tokenData {
	h.tb.Helper()
	h.ok(h.do("POST", "/api/auth/send_code", `{"account":"`+acct+`"}`, ""))
	id, err := account.ParseIdentifier("", acct)
	if err != nil {
		h.tb.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"account": acct, "code": h.codes.code(id.Key()), "password": password})
	return h.tokens(h.ok(h.do("POST", "/api/auth/register", string(body), "")))
}

// jsonTypes maps each field of a JSON object to its JSON type.
func jsonTypes(tb testing.TB, raw []byte) map[string]string {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatalf("not a JSON object: %s", raw)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v.(type) {
		case string:
			out[k] = "string"
		case float64:
			out[k] = "number"
		case bool:
			out[k] = "boolean"
		case nil:
			out[k] = "null"
		case []any:
			out[k] = "array"
		default:
			out[k] = "object"
		}
	}
	return out
}

// sameShape fails unless got has exactly the fields of want, with the same
// JSON types.
func sameShape(tb testing.TB, what string, got []byte, want string) {
	tb.Helper()
	g, w := jsonTypes(tb, got), jsonTypes(tb, []byte(want))
	for k, typ := range w {
		if g[k] != typ {
			tb.Errorf("%s: field %q is %q, the seed has %q", what, k, g[k], typ)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			tb.Errorf("%s: field %q is not in the seed", what, k)
		}
	}
}

func newRequest(method, path, body string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	return req
}

func newRecorder(h *harness, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// send serves a prepared request and decodes the envelope. It fails the test
// on a 5xx or on an answer that is not exactly {code, message, data}.
func (h *harness) send(req *http.Request) reply {
	h.tb.Helper()
	rec := newRecorder(h, req)
	r := reply{Status: rec.Code, Header: rec.Header()}
	if r.Status >= 500 {
		h.tb.Fatalf("%s %s answered %d: %s", req.Method, req.URL.Path, r.Status, rec.Body.String())
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &keys); err != nil || len(keys) != 3 || keys["code"] == nil || keys["message"] == nil || keys["data"] == nil {
		h.tb.Fatalf("%s %s: answer is not the {code,message,data} envelope: %s", req.Method, req.URL.Path, rec.Body.String())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		h.tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return r
}
