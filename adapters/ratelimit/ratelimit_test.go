package ratelimit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/ratelimit"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports/portstest"
)

func TestParseRate(t *testing.T) {
	cases := []struct {
		in      string
		want    ratelimit.Rate
		wantErr bool
	}{
		{in: "20/1h", want: ratelimit.Rate{Burst: 20, Per: time.Hour}},
		{in: " 30 / 15m ", want: ratelimit.Rate{Burst: 30, Per: 15 * time.Minute}},
		{in: "off"},
		{in: "OFF"},
		{in: ""},
		{in: "20", wantErr: true},
		{in: "0/1h", wantErr: true},
		{in: "-1/1h", wantErr: true},
		{in: "20/0s", wantErr: true},
		{in: "20/hour", wantErr: true},
		{in: "x/1h", wantErr: true},
		{in: "1000000000/1s", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ratelimit.ParseRate(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	if s := (ratelimit.Rate{Burst: 20, Per: time.Hour}).String(); s != "20/1h0m0s" {
		t.Errorf("String = %q", s)
	}
}

// outbox records appended events.
type outbox struct {
	mu     sync.Mutex
	events []shared.Event
}

func (o *outbox) Append(_ context.Context, evs ...shared.Event) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, evs...)
	return nil
}

func (o *outbox) all() []shared.Event {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]shared.Event(nil), o.events...)
}

// family answers errors with the status, Retry-After and message.
type family struct{}

func (family) Prefixes() []string { return []string{"/"} }
func (family) WriteError(w http.ResponseWriter, _ *http.Request, err error) {
	httpkit.SetRetryAfter(w, err)
	w.WriteHeader(httpkit.Status(err))
	_, _ = w.Write([]byte(err.Error()))
}

func newLimiter(t *testing.T) (*ratelimit.Limiter, *portstest.Clock, *outbox, *prometheus.Registry) {
	t.Helper()
	c := portstest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	ob := &outbox{}
	reg := prometheus.NewRegistry()
	return ratelimit.New(ratelimit.Options{Registry: reg, Outbox: ob, Now: c.Now}), c, ob, reg
}

func TestPerClientLimit(t *testing.T) {
	l, c, ob, reg := newLimiter(t)
	h := l.PerClient(ratelimit.Limit{Name: "send_code", Rate: ratelimit.Rate{Burst: 2, Per: time.Minute}}, httpkit.Families{family{}})(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	call := func(client string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/api/auth/send_code", nil)
		r = r.WithContext(auth.WithClient(r.Context(), client))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := range 2 {
		if w := call("203.0.113.7"); w.Code != http.StatusNoContent {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
	}
	for range 3 {
		w := call("203.0.113.7")
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "30" {
			t.Fatalf("over the limit: %d, Retry-After %q, want 429 and 30", w.Code, w.Header().Get("Retry-After"))
		}
		if !strings.Contains(w.Body.String(), "send_code") || !strings.Contains(w.Body.String(), "30 seconds") {
			t.Errorf("message %q does not name the limit and the wait", w.Body.String())
		}
	}
	if w := call("198.51.100.1"); w.Code != http.StatusNoContent {
		t.Errorf("another client was limited: %d", w.Code)
	}
	c.Advance(30 * time.Second)
	if w := call("203.0.113.7"); w.Code != http.StatusNoContent {
		t.Errorf("no token back after the wait: %d", w.Code)
	}
	if got := counter(t, reg, "limited"); got != 3 {
		t.Errorf("limited checks = %v, want 3", got)
	}
	evs := ob.all()
	if len(evs) != 1 {
		t.Fatalf("%d events for 3 refusals within a minute, want 1", len(evs))
	}
	if evs[0].FullType() != "campushub.security.rate_limited" || evs[0].Payload["key"] != "203.0.113.7" || evs[0].Payload["limit"] != "send_code" {
		t.Errorf("event %s %v", evs[0].FullType(), evs[0].Payload)
	}
}

func counter(t *testing.T, reg *prometheus.Registry, outcome string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != "campushub_rate_limit_checks_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "outcome" && lp.GetValue() == outcome {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

func TestPerTokenLimitNeverRecordsTheToken(t *testing.T) {
	l, _, ob, _ := newLimiter(t)
	h := l.PerToken(ratelimit.Limit{Name: "per_token", Rate: ratelimit.Rate{Burst: 1, Per: time.Hour}, Local: true}, httpkit.Families{family{}})(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	call := func(set func(r *http.Request)) int {
		r := httptest.NewRequest(http.MethodGet, "/api/personal/info", nil)
		set(r)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	const tok = "secret-token-value-1234567890"
	header := func(r *http.Request) { r.Header.Set("Authorization", "Token "+tok) }
	if got := call(header); got != http.StatusNoContent {
		t.Fatalf("first request: %d", got)
	}
	if got := call(header); got != http.StatusTooManyRequests {
		t.Fatalf("second request with the token: %d, want 429", got)
	}
	if got := call(func(r *http.Request) { r.URL.RawQuery = "access_token=" + tok }); got != http.StatusTooManyRequests {
		t.Errorf("the token as access_token query parameter is a separate bucket: %d", got)
	}
	for range 3 {
		if got := call(func(*http.Request) {}); got != http.StatusNoContent {
			t.Errorf("a request without a token was limited: %d", got)
		}
	}
	for _, ev := range ob.all() {
		for k, v := range ev.Payload {
			if s, ok := v.(string); ok && strings.Contains(s, tok[:12]) {
				t.Errorf("event field %s holds the token", k)
			}
		}
		if strings.Contains(ev.AggregateID, tok[:12]) {
			t.Error("event key holds the token")
		}
	}
}

func TestEndpointLimitPerAppKey(t *testing.T) {
	l, _, _, _ := newLimiter(t)
	ep := l.Endpoint(ratelimit.Limit{Name: "wx_receive", Scope: ratelimit.ScopeAppKey, Rate: ratelimit.Rate{Burst: 2, Per: time.Minute}, Local: true},
		func(req any) string { return req.(string) })(func(context.Context, any) (any, error) { return "ok", nil })
	for range 2 {
		if _, err := ep(context.Background(), "app-a"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ep(context.Background(), "app-a")
	if !errors.Is(err, ratelimit.ErrRateLimited) || shared.RetryAfterOf(err) <= 0 {
		t.Fatalf("third push: %v, want ErrRateLimited with a wait", err)
	}
	if _, err := ep(context.Background(), "app-b"); err != nil {
		t.Errorf("another app key was limited: %v", err)
	}
}

func TestOffLimitsNothing(t *testing.T) {
	l, _, _, _ := newLimiter(t)
	for range 100 {
		if err := l.Allow(context.Background(), ratelimit.Limit{Name: "x"}, "k"); err != nil {
			t.Fatal(err)
		}
	}
}

// failingStore fails every check.
type failingStore struct{}

func (failingStore) Take(context.Context, string, ratelimit.Rate, time.Time) (bool, time.Duration, error) {
	return false, 0, errors.New("database is down")
}
func (failingStore) Count(context.Context, string, int, time.Time, time.Time) (bool, error) {
	return false, errors.New("database is down")
}

func TestAFailingStoreLetsRequestsThrough(t *testing.T) {
	l := ratelimit.New(ratelimit.Options{Store: failingStore{}})
	if err := l.Allow(context.Background(), ratelimit.Limit{Name: "login", Rate: ratelimit.Rate{Burst: 1, Per: time.Hour}}, "k"); err != nil {
		t.Errorf("Allow with a failing store: %v, want the request let through", err)
	}
}

// sender records codes handed to it.
type sender struct{ n int }

func (s *sender) SendCode(context.Context, account.Identifier, string) error { s.n++; return nil }

func TestCodeBudget(t *testing.T) {
	l, c, ob, reg := newLimiter(t)
	next := &sender{}
	b := ratelimit.NewCodeBudget(next, l, ratelimit.BudgetOptions{PerMinute: 3, PerDay: 5, Registry: reg})
	id := account.Identifier{Channel: account.Phone, Area: "86", Value: "13800000000"}
	send := func() error { return b.SendCode(context.Background(), id, "123456") }
	for i := range 3 {
		if err := send(); err != nil {
			t.Fatalf("code %d: %v", i+1, err)
		}
	}
	err := send()
	if !errors.Is(err, ratelimit.ErrCodeBudget) {
		t.Fatalf("fourth code in a minute: %v, want the budget error", err)
	}
	if d := shared.RetryAfterOf(err); d != time.Minute {
		t.Errorf("retry after %v, want the minute's end (60s)", d)
	}
	c.Advance(time.Minute)
	for i := range 2 {
		if err := send(); err != nil {
			t.Fatalf("code %d of the next minute: %v", i+1, err)
		}
	}
	err = send()
	if !errors.Is(err, ratelimit.ErrCodeBudget) || !strings.Contains(err.Error(), "day") {
		t.Fatalf("sixth code in a day: %v, want the day's budget", err)
	}
	if d := shared.RetryAfterOf(err); d != 16*time.Hour-time.Minute {
		t.Errorf("retry after %v, want until midnight UTC", d)
	}
	if next.n != 5 {
		t.Errorf("%d codes reached the sender, want 5", next.n)
	}
	var exhausted int
	for _, ev := range ob.all() {
		if ev.FullType() == "campushub.security.code_budget_exhausted" {
			exhausted++
		}
	}
	if exhausted != 2 {
		t.Errorf("%d budget events, want one per window hit", exhausted)
	}
}

func TestCodeBudgetFailsClosed(t *testing.T) {
	l := ratelimit.New(ratelimit.Options{Store: failingStore{}})
	next := &sender{}
	b := ratelimit.NewCodeBudget(next, l, ratelimit.BudgetOptions{PerDay: 5})
	err := b.SendCode(context.Background(), account.Identifier{Channel: account.Email, Value: "a@example.com"}, "123456")
	if shared.KindOf(err) != shared.KindUnavailable || next.n != 0 {
		t.Errorf("with a failing counter: %v and %d codes sent, want unavailable and none", err, next.n)
	}
}
