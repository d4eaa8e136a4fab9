package events_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/ports/portstest"
)

// switchable is a probe the test turns on and off.
type switchable struct {
	mu  sync.Mutex
	err error
}

func (p *switchable) set(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }
func (p *switchable) probe(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func TestBrokerHealthTellsSinceWhenTheBrokerIsUnreachable(t *testing.T) {
	clock := portstest.NewClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	logs := &logBuffer{}
	p := &switchable{}
	h := events.NewBrokerHealth(p.probe, events.HealthConfig{Logger: logs.logger(), Now: clock.Now, Interval: time.Second})
	ctx := context.Background()

	report := func() map[string]any {
		t.Helper()
		state, ready := h.Report(ctx)
		if !ready {
			t.Fatalf("Report says unready: %v; a broker outage must leave the service ready", state)
		}
		return state.(map[string]any)
	}
	if s := h.Check(ctx); !s.Reachable || !s.Since.Equal(clock.Now()) {
		t.Fatalf("first check = %+v, want reachable since now", s)
	}
	clock.Advance(10 * time.Second)
	p.set(errors.New("dial tcp 127.0.0.1:9092: connect: connection refused"))
	h.Check(ctx)
	down := clock.Now()
	clock.Advance(3*time.Minute + 30*time.Second)
	h.Check(ctx)
	r := report()
	want := map[string]any{"status": "unreachable", "since": down.Format(time.RFC3339), "for": "3m30s", "error": "dial tcp 127.0.0.1:9092: connect: connection refused"}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("report[%s] = %v, want %v (report %v)", k, r[k], v, r)
		}
	}
	if n := len(logs.lines("events broker unreachable")); n != 1 {
		t.Errorf("%d unreachable lines for one outage, want 1", n)
	}

	var woken atomic.Int32
	h.OnReachable(func() { woken.Add(1) })
	clock.Advance(time.Second)
	p.set(nil)
	h.Check(ctx)
	h.Check(ctx)
	if n := woken.Load(); n != 1 {
		t.Errorf("OnReachable functions called %d times when the broker answered again, want once", n)
	}
	if r := report(); r["status"] != "ok" || r["since"] != clock.Now().Format(time.RFC3339) {
		t.Errorf("report after the broker answered = %v", r)
	}
	if n := len(logs.lines("events broker reachable again")); n != 1 {
		t.Errorf("%d reachable-again lines, want 1", n)
	}

	// A stale answer is not reported as the truth: Report probes again.
	p.set(errors.New("connection refused"))
	clock.Advance(time.Minute)
	if r := report(); r["status"] != "unreachable" {
		t.Errorf("report a minute after the last probe, broker down = %v; want a fresh probe", r)
	}
}

func TestOutboxReportShowsTheBacklog(t *testing.T) {
	db := openDB(t)
	appendEvents(t, db, 3, "a")
	report := events.OutboxReport(storageLag{db}, func() time.Time { return time.Now().Add(time.Hour) })
	state, ready := report(context.Background())
	r := state.(map[string]any)
	if !ready || r["status"] != "backlog" || r["unpublished"] != int64(3) || r["oldest_age"] == "" || r["oldest_at"] == "" {
		t.Fatalf("report = %v, %v; want ready, a backlog of 3 and the oldest row's age", r, ready)
	}
}

// storageLag reads the lag of a test database.
type storageLag struct{ db *storage.DB }

func (s storageLag) OutboxLag(ctx context.Context) (int64, time.Time, error) {
	return storage.NewRelayStore(s.db, nil).OutboxLag(ctx)
}
