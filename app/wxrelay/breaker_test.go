package wxrelay

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
	"github.com/campushub/campushub/test/testenv"
)

// scripted answers each URL with its current status and records every
// call in order, with the most calls ever in flight per URL.
type scripted struct {
	mu       sync.Mutex
	status   map[string]int
	calls    map[string][]string // URL → webhook-ids in call order
	inflight map[string]int
	peak     map[string]int
}

func newScripted() *scripted {
	return &scripted{status: map[string]int{}, calls: map[string][]string{}, inflight: map[string]int{}, peak: map[string]int{}}
}

func (h *scripted) set(url string, status int) { h.mu.Lock(); h.status[url] = status; h.mu.Unlock() }

func (h *scripted) Deliver(_ context.Context, req ports.WebhookRequest) ports.WebhookResult {
	h.mu.Lock()
	h.calls[req.URL] = append(h.calls[req.URL], req.MessageID)
	h.inflight[req.URL]++
	h.peak[req.URL] = max(h.peak[req.URL], h.inflight[req.URL])
	st := h.status[req.URL]
	h.mu.Unlock()
	time.Sleep(time.Millisecond)
	h.mu.Lock()
	h.inflight[req.URL]--
	h.mu.Unlock()
	return ports.WebhookResult{StatusCode: st, Latency: time.Millisecond}
}

func (h *scripted) count(url string) int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.calls[url]) }

func runDispatcher(t *testing.T, s *Service, hook ports.WebhookDeliverer, cfg DispatcherConfig) {
	t.Helper()
	d := NewDispatcher(s, hook, cfg, nil, nil)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
}

// waitFor steps the fake clock by step until cond holds, with a real
// deadline generous enough for a busy machine.
func waitFor(t *testing.T, c *portstest.Clock, step time.Duration, what string, cond func() bool) {
	t.Helper()
	testenv.WaitAdvancing(t, 30*time.Second, what, func() { c.Advance(step) }, cond)
}

func receiveN(t *testing.T, s *Service, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := s.Receive(context.Background(), ReceiveInput{AppKey: "plain", Event: "e", RawData: "r", Body: []byte(strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBreakerPausesProbesAndRecovers: a dead endpoint is paused after
// OpenAfter failures, then probed with one delivery at a time on an
// interval that doubles up to the cap; when it answers again the breaker
// closes and every delivery arrives. A healthy project is not held up.
func TestBreakerPausesProbesAndRecovers(t *testing.T) {
	s, m, c := newTestService()
	ctx := context.Background()
	good, _ := s.AddProject(ctx, "https://good.example.org", "good")
	bad, _ := s.AddProject(ctx, "https://bad.example.org", "bad")
	h := newScripted()
	h.set(good.URL, http.StatusOK)
	h.set(bad.URL, http.StatusInternalServerError)
	receiveN(t, s, 0, 20)
	bp := wxrelay.BreakerPolicy{OpenAfter: 3, ProbeBase: time.Second, ProbeCap: 8 * time.Second, DisableAfter: time.Hour}
	runDispatcher(t, s, h, DispatcherConfig{Owner: "t", Concurrency: 8, PerProject: 4, Timeout: time.Second, Poll: time.Millisecond,
		Policy: wxrelay.RetryPolicy{MaxAttempts: 100, MaxAge: 24 * time.Hour, Base: 50 * time.Millisecond, Cap: 100 * time.Millisecond}, Breaker: bp})

	waitFor(t, c, 50*time.Millisecond, "the bad project is paused", func() bool {
		p, _ := s.Projects.ByID(ctx, bad.ID)
		return p.State() == wxrelay.StatePaused
	})
	h.mu.Lock()
	atPause := len(h.calls[bad.URL])
	h.mu.Unlock()
	paused, _ := s.Projects.ByID(ctx, bad.ID)
	waitFor(t, c, 100*time.Millisecond, "six probes", func() bool { return h.count(bad.URL) >= atPause+6 })
	h.set(bad.URL, http.StatusOK)
	waitFor(t, c, 100*time.Millisecond, "every delivery reaches both projects", func() bool {
		ok, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{Status: wxrelay.DeliverySucceeded, ProjectID: bad.ID})
		okGood, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{Status: wxrelay.DeliverySucceeded, ProjectID: good.ID})
		return len(ok) == 20 && len(okGood) == 20
	})

	// The probes' attempt times, on the fake clock, are spaced at least
	// by the doubling interval: 1s, 2s, 4s, 8s, 8s.
	m.mu.Lock()
	var probes []time.Time
	for _, a := range m.attempts {
		if a.ProjectID == bad.ID && !a.Succeeded() && !a.At.Before(paused.PausedAt.Add(bp.ProbeBase)) { // the probes, not the attempts already under way
			probes = append(probes, a.At)
		}
	}
	m.mu.Unlock()
	sort.Slice(probes, func(i, j int) bool { return probes[i].Before(probes[j]) })
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	if len(probes) < len(want)+1 {
		t.Fatalf("%d failed probes written, want at least %d", len(probes), len(want)+1)
	}
	for i, w := range want {
		if gap := probes[i+1].Sub(probes[i]); gap < w {
			t.Fatalf("probe %d came %s after the previous one, want at least %s (probes at %v)", i+2, gap, w, probes)
		}
	}
	h.mu.Lock()
	peak := h.peak[bad.URL]
	h.mu.Unlock()
	if p, _ := s.Projects.ByID(ctx, bad.ID); p.State() != wxrelay.StateOK || p.Failures != 0 {
		t.Fatalf("after recovery the project is %s with %d failures", p.State(), p.Failures)
	}
	types := m.types()
	if !slices.Contains(types, "project_paused") || !slices.Contains(types, "project_recovered") || slices.Contains(types, "project_disabled") {
		t.Fatalf("events %v, want project_paused and project_recovered, no project_disabled", types)
	}
	if peak > 4 {
		t.Fatalf("%d attempts in flight to the bad project, want at most PerProject", peak)
	}
}

// TestBreakerDisablesAndHoldsThenReleasesInOrder: a project failing for
// longer than DisableAfter is disabled; its deliveries and those of events
// received meanwhile are held, not failed; enabling it releases them in
// order of receipt; those older than the retention fail with a reason.
func TestBreakerDisablesAndHoldsThenReleasesInOrder(t *testing.T) {
	s, m, c := newTestService()
	s.cfg.HoldRetention = 10 * time.Minute
	ctx := context.Background()
	bad, _ := s.AddProject(ctx, "https://bad.example.org", "bad")
	h := newScripted()
	h.set(bad.URL, http.StatusServiceUnavailable)
	receiveN(t, s, 0, 5)
	bp := wxrelay.BreakerPolicy{OpenAfter: 2, ProbeBase: time.Second, ProbeCap: 4 * time.Second, DisableAfter: 30 * time.Second}
	runDispatcher(t, s, h, DispatcherConfig{Owner: "t", Concurrency: 4, PerProject: 1, Timeout: time.Second, Poll: time.Millisecond,
		Policy: wxrelay.RetryPolicy{MaxAttempts: 1000, MaxAge: 24 * time.Hour, Base: 50 * time.Millisecond, Cap: 100 * time.Millisecond}, Breaker: bp})

	waitFor(t, c, 250*time.Millisecond, "the project is disabled", func() bool {
		p, _ := s.Projects.ByID(ctx, bad.ID)
		return !p.Active()
	})
	p, _ := s.Projects.ByID(ctx, bad.ID)
	if p.DisabledAt.Sub(p.FailingSince) < 30*time.Second {
		t.Fatalf("disabled after failing for %s, want at least 30s", p.DisabledAt.Sub(p.FailingSince))
	}
	if n := h.count(bad.URL); n > 2+12 {
		t.Fatalf("%d attempts in 30s of failure with probes every 1–4s, want a handful", n)
	}
	receiveN(t, s, 100, 3) // received while disabled
	held, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{ProjectID: bad.ID, Status: wxrelay.DeliveryHeld})
	failed, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{ProjectID: bad.ID, Status: wxrelay.DeliveryFailed})
	if len(held) != 8 || len(failed) != 0 {
		t.Fatalf("%d held and %d failed deliveries, want 8 held, none failed", len(held), len(failed))
	}
	list, _ := s.ProjectStatuses(ctx)
	if list[0].Held != 8 || list[0].State() != wxrelay.StateDisabled {
		t.Fatalf("project status %+v", list[0])
	}

	// Two of the held ones pass the retention: they fail, with a reason.
	c.Advance(9 * time.Minute)
	receiveN(t, s, 200, 2)
	c.Advance(2 * time.Minute)
	h.set(bad.URL, http.StatusOK)
	h.mu.Lock()
	h.calls[bad.URL] = nil
	h.mu.Unlock()
	if _, err := s.UpdateProject(ctx, UpdateInput{ID: bad.ID, Status: ptr(int64(wxrelay.StatusActive))}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, c, 10*time.Millisecond, "the two recent deliveries arrive", func() bool { return h.count(bad.URL) >= 2 })
	h.mu.Lock()
	calls := slices.Clone(h.calls[bad.URL])
	h.mu.Unlock()
	if !slices.IsSortedFunc(calls, func(a, b string) int { return msgNum(a) - msgNum(b) }) {
		t.Fatalf("released deliveries arrived as %v, want in order of receipt", calls)
	}
	expired := 0
	for _, e := range m.published {
		if e.Type == "delivery_failed" && e.Payload["reason"] == string(wxrelay.FailedHoldExpired) {
			expired++
		}
	}
	if expired != 8 {
		t.Fatalf("%d hold_expired failures, want the 8 held past the retention", expired)
	}
}

func msgNum(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "msg_")); return n }

// TestReplaySinceCoversUnattemptedEvents: a project added after events
// arrived receives them all with the since form; failed ones start again.
func TestReplaySinceCoversUnattemptedEvents(t *testing.T) {
	s, _, c := newTestService()
	ctx := context.Background()
	receiveN(t, s, 0, 3)
	since := c.Now()
	c.Advance(time.Second)
	receiveN(t, s, 10, 2)
	p, _ := s.AddProject(ctx, "https://late.example.org", "late")
	replayed, created, err := s.ReplaySince(ctx, p.ID, since)
	if err != nil || replayed != 0 || created != 5 {
		t.Fatalf("ReplaySince = %d, %d, %v; want 0 replayed, 5 created", replayed, created, err)
	}
	ds, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{ProjectID: p.ID})
	if err := s.Deliveries.Update(ctx, ds[0].Abandon("x", c.Now())); err != nil {
		t.Fatal(err)
	}
	if replayed, created, err = s.ReplaySince(ctx, p.ID, since); err != nil || replayed != 1 || created != 0 {
		t.Fatalf("ReplaySince again = %d, %d, %v; want the 1 failed one replayed", replayed, created, err)
	}
	if _, _, err := s.ReplaySince(ctx, p.ID, c.Now().Add(time.Hour)); err == nil {
		t.Fatal("a since in the future was accepted")
	}
}
