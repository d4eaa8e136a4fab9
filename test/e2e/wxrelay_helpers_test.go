package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/test/testenv"
)

// sink is a webhook receiver: it verifies every request the way a real
// receiver would and remembers what arrived.
type sink struct {
	name string
	srv  *httptest.Server

	mu       sync.Mutex
	secret   string
	answer   func(id string, n int) (status int, delay time.Duration) // n counts requests with this webhook-id
	requests map[string][]time.Time                                   // webhook-id → arrival times
	bodies   map[string]relayed                                       // raw_data → what arrived
	badSigs  int
}

// relayed is the payload a project receives.
type relayed struct {
	Type string `json:"type"`
	Data struct {
		EventID    int64           `json:"event_id"`
		AppKey     string          `json:"app_key"`
		SchoolCode string          `json:"school_code"`
		Event      string          `json:"event"`
		RawData    string          `json:"raw_data"`
		Data       json.RawMessage `json:"data"`
	} `json:"data"`
}

func newSink(t *testing.T, name string, answer func(id string, n int) (int, time.Duration)) *sink {
	s := &sink{name: name, answer: answer, requests: map[string][]time.Time{}, bodies: map[string]relayed{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) setSecret(secret string) { s.mu.Lock(); s.secret = secret; s.mu.Unlock() }

func (s *sink) setAnswer(fn func(id string, n int) (int, time.Duration)) {
	s.mu.Lock()
	s.answer = fn
	s.mu.Unlock()
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("webhook-id")
	s.mu.Lock()
	s.requests[id] = append(s.requests[id], time.Now())
	n := len(s.requests[id])
	secret, answer := s.secret, s.answer
	s.mu.Unlock()
	status, delay := answer(id, n)
	time.Sleep(delay)
	if err := webhook.Verify(secret, r.Header, body, time.Now(), 5*time.Minute); err != nil {
		s.mu.Lock()
		s.badSigs++
		s.mu.Unlock()
		http.Error(w, "bad signature: "+err.Error(), http.StatusUnauthorized)
		return
	}
	if status/100 == 2 {
		var p relayed
		if err := json.Unmarshal(body, &p); err == nil {
			s.mu.Lock()
			s.bodies[p.Data.RawData] = p
			s.mu.Unlock()
		}
	}
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "%s says %d", s.name, status)
}

// received returns what arrived, by raw_data.
func (s *sink) received() map[string]relayed {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]relayed, len(s.bodies))
	for k, v := range s.bodies {
		out[k] = v
	}
	return out
}

// badSignatures counts requests whose signature did not verify.
func (s *sink) badSignatures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.badSigs
}

// hasAll reports whether every raw_data in want arrived.
func (s *sink) hasAll(want []string) bool {
	got := s.received()
	for _, w := range want {
		if _, ok := got[w]; !ok {
			return false
		}
	}
	return true
}

func ok200(string, int) (int, time.Duration) { return http.StatusOK, 0 }

// wxReply is either of the wx API's envelopes.
type wxReply struct {
	Status  int
	Success bool            `json:"success"`
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (r wxReply) code() string { return strings.Trim(string(r.Code), `"`) }

// wx sends one request to the wx API; a url.Values body goes as a form, a
// string as JSON.
func wx(t *testing.T, base, method, path, token string, body any) wxReply {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded;charset=utf-8"
	case string:
		rd, ctype = strings.NewReader(b), "application/json; charset=utf-8"
	}
	var r wxReply
	r.Status = request(t, method, base+path, ctype, token, rd, &r)
	return r
}

// managerToken creates a manager with the admin command and logs in.
func managerToken(t *testing.T, s *service, dbURL string) string {
	t.Helper()
	if code, out := run(t, map[string]string{"DATABASE_URL": dbURL, "BCRYPT_COST": "4"}, "admin", "create",
		"--account", "relay-manager@example.com", "--password", "password123"); code != 0 {
		t.Fatalf("admin create: exit %d\n%s", code, out)
	}
	login := s.call(t, "POST", "/api/auth/access_token", "", map[string]string{"account": "relay-manager@example.com", "password": "password123"}).
		want(t, "manager login", 200, 0).tokens(t)
	return login.AccessToken
}

// addProject registers a sink as a push project and gives it its secret.
func addProject(t *testing.T, base, token string, k *sink) int64 {
	t.Helper()
	r := wx(t, base, "POST", "/wx/push/addPushProject", token, url.Values{"url": {k.srv.URL + "/hook"}, "project": {k.name}})
	if r.Status != 200 || r.code() != "0" {
		t.Fatalf("add project %s: HTTP %d %s %s", k.name, r.Status, r.code(), r.Message)
	}
	var p struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(r.Data, &p); err != nil || p.Secret == "" {
		t.Fatalf("add project data %s: %v", r.Data, err)
	}
	k.setSecret(p.Secret)
	return p.ID
}

// eachRelayBackend runs a relay scenario on SQLite and PostgreSQL, one after
// the other: the scenarios are too heavy to run side by side on a small
// machine, and their storage paths are covered on MySQL by the repository
// suite.
func eachRelayBackend(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	for _, b := range testenv.Backends() {
		if b.Name != "mysql" {
			t.Run(b.Name, func(t *testing.T) { fn(t, b.URL(t)) })
		}
	}
}
