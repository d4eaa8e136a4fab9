package wxrelay_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/app/wxrelay"
	domain "github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// TestBreakerProbeInterval: on every backend, with the real clock and a
// dead HTTP endpoint, a paused project is probed one request at a time,
// the probes spaced by at least the doubling interval (200, 400, 800,
// 800 ms) — lower bounds only, which a slow machine cannot break.
func TestBreakerProbeInterval(t *testing.T) {
	testenv.EachBackend(t, breakerProbeInterval)
}

func breakerProbeInterval(t *testing.T, db *storage.DB) {
	ctx := context.Background()
	svc := storedService(db)
	var mu sync.Mutex
	inflight, peakAfterPause := 0, 0
	var paused time.Time // set once the project is seen paused
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		probe := !paused.IsZero() && time.Now().After(paused.Add(200*time.Millisecond)) // not an attempt under way at the pause
		if probe {
			if inflight++; inflight > peakAfterPause {
				peakAfterPause = inflight
			}
		}
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		if probe {
			mu.Lock()
			inflight--
			mu.Unlock()
		}
		w.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(sink.Close)
	p, err := svc.AddProject(ctx, sink.URL, "dead")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		body := fmt.Sprintf(`{"n":%d}`, i)
		if err := svc.Receive(ctx, wxrelay.ReceiveInput{AppKey: "app", SchoolCode: "1", Event: "e", RawData: body, Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	bp := domain.BreakerPolicy{OpenAfter: 3, ProbeBase: 200 * time.Millisecond, ProbeCap: 800 * time.Millisecond}
	hook := webhook.New(webhook.Config{Egress: webhook.Egress{AllowPrivate: true}, Timeout: 5 * time.Second})
	d := wxrelay.NewDispatcher(svc, hook, wxrelay.DispatcherConfig{Owner: "probe-test", Concurrency: 16, PerProject: 8,
		Timeout: 5 * time.Second, Poll: 10 * time.Millisecond,
		Policy:  domain.RetryPolicy{MaxAttempts: 1000, MaxAge: time.Hour, Base: 10 * time.Millisecond, Cap: 20 * time.Millisecond},
		Breaker: bp}, nil, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { d.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	var probes []time.Time
	testenv.Eventually(t, 60*time.Second, func() error {
		got, err := svc.Projects.ByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PausedAt.IsZero() {
			return errors.New("the project is not paused")
		}
		mu.Lock()
		if paused.IsZero() {
			paused = got.PausedAt
		}
		mu.Unlock()
		probes = probes[:0]
		for page := 0; ; page++ {
			ds, _, err := svc.ListDeliveries(ctx, ports.DeliveryFilter{ProjectID: p.ID, Offset: page * 100, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, dl := range ds {
				as, err := svc.Attempts(ctx, dl.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range as {
					if !a.InFlight && !a.At.Before(got.PausedAt.Add(bp.ProbeBase)) {
						probes = append(probes, a.At)
					}
				}
			}
			if len(ds) < 100 {
				break
			}
		}
		if len(probes) < 6 {
			return fmt.Errorf("%d probes of 6", len(probes))
		}
		return nil
	})
	sort.Slice(probes, func(i, j int) bool { return probes[i].Before(probes[j]) })
	const slack = 5 * time.Millisecond // attempt times are stored at the database's precision
	for i, want := range []time.Duration{400 * time.Millisecond, 800 * time.Millisecond, 800 * time.Millisecond} {
		if gap := probes[i+1].Sub(probes[i]); gap < want-slack {
			t.Fatalf("probe %d came %s after the previous one, want at least %s (probes %v)", i+2, gap, want, probes)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if peakAfterPause > 1 {
		t.Fatalf("%d requests at once after the pause, want one probe at a time", peakAfterPause)
	}
}
