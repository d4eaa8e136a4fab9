package wxapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/codesender"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/http/wxapi"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/adapters/wxcrypto"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/fixture"
	"github.com/campushub/campushub/test/testenv"
)

// The app that encrypts its pushes, and one that sends them in the clear.
const (
	secretAppKey = "abcdefghijklmnop"
	secretApp    = "SECRETsecret1234-and-more"
	plainAppKey  = "3zx9s9"
)

// harness is the real handler stack on a temporary SQLite database.
type harness struct {
	srv     *httptest.Server
	db      *storage.DB
	svc     *appwx.Service
	manager string // a manager's access token
	user    string // a user's access token
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	db := testenv.OpenDB(t, testenv.SQLiteURL(t))
	accounts := fixture.NewAccounts(db, codesender.Log{})
	svc := appwx.NewService(appwx.Deps{
		UoW: db, Outbox: storage.NewOutbox(db), Projects: storage.NewWXProjects(db), Events: storage.NewWXEvents(db),
		Deliveries: storage.NewWXDeliveries(db), Egress: webhook.Egress{Lookup: exampleDNS}, Cipher: wxcrypto.Cipher{},
		Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appwx.Config{Apps: map[string]string{secretAppKey: secretApp, plainAppKey: ""}, DedupWindow: time.Hour})
	clock := httpkit.Clock{Loc: time.UTC}
	s := wxapi.NewServer(nil, clock)
	ep := appwx.MakeEndpoints(svc, accounts)
	h := server.New(server.Options{
		Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), BodyLimit: 64 << 10,
		Families: httpkit.Families{wxapi.Family{}},
		Mounts:   []server.Mounter{wxapi.Push{S: s, EP: ep}, wxapi.Receive{S: s, EP: ep}},
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	manager := accounts.Manager(t, "manager@example.com")
	_, user := accounts.SignIn(t, "user@example.com", account.RoleUser)
	return &harness{srv: srv, db: db, svc: svc, manager: manager, user: user}
}

// reply is either envelope, decoded loosely.
type reply struct {
	Status  int
	Raw     map[string]json.RawMessage
	Success bool            `json:"success"`
	Message string          `json:"message"`
	Code    json.RawMessage `json:"code"`
	Data    json.RawMessage `json:"data"`
}

// code returns the code as text whether it was sent as a string or number.
func (r reply) code() string { return strings.Trim(string(r.Code), `"`) }

// request sends one request; contentType "" sends none.
func (h *harness) request(t testing.TB, method, path, contentType, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: HTTP %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	_ = json.Unmarshal(raw, &r.Raw)
	return r
}

const (
	formType = "application/x-www-form-urlencoded;charset=utf-8"
	jsonType = "application/json; charset=utf-8"
)

func (h *harness) asManager() map[string]string {
	return map[string]string{"Authorization": "Token " + h.manager}
}

// addProject adds a project as the manager and returns its id and secret.
func (h *harness) addProject(t testing.TB, rawURL, name string) (int64, string) {
	t.Helper()
	r := h.request(t, http.MethodPost, "/wx/push/addPushProject", formType,
		url.Values{"url": {rawURL}, "project": {name}}.Encode(), h.asManager())
	if r.Status != http.StatusOK || !r.Success {
		t.Fatalf("addPushProject: HTTP %d %s %s", r.Status, r.code(), r.Message)
	}
	var p struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(r.Data, &p); err != nil {
		t.Fatal(err)
	}
	return p.ID, p.Secret
}

// exampleDNS resolves every name under example.org to a public address,
// as the internet would, so the real egress policy runs without a network.
func exampleDNS(_ context.Context, host string) ([]netip.Addr, error) {
	if host == "example.org" || strings.HasSuffix(host, ".example.org") {
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}
