package wxrelay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/adapters/wxcrypto"
	"github.com/campushub/campushub/app/wxrelay"
	domain "github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// newSQLiteService is the relay on a temporary SQLite file, delivering to
// any address.
func newSQLiteService(tb testing.TB) (*wxrelay.Service, *storage.DB) {
	tb.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{URL: "sqlite:" + filepath.Join(tb.TempDir(), "bench.db")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	svc := wxrelay.NewService(wxrelay.Deps{
		UoW: db, Outbox: storage.NewOutbox(db), Projects: storage.NewWXProjects(db), Events: storage.NewWXEvents(db),
		Deliveries: storage.NewWXDeliveries(db), Egress: webhook.Egress{AllowPrivate: true}, Cipher: wxcrypto.Cipher{},
		Random: secure.Random{}, Clock: ports.SystemClock{},
	}, wxrelay.Config{Apps: map[string]string{"bench": ""}, DedupWindow: time.Hour})
	return svc, db
}

// BenchmarkFanOut measures signed deliveries per second from SQLite to four
// local sinks: b.N events, each delivered to every sink, with the
// dispatcher's in-flight bounds (overall/per project) of each case.
func BenchmarkFanOut(b *testing.B) {
	cases := []struct {
		name                    string
		concurrency, perProject int
	}{
		{"inflight=1024/256", 1024, 256},
		{"inflight=256/64", 256, 64},
		{"inflight=64/8", 64, 8},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) { benchmarkFanOut(b, tc.concurrency, tc.perProject) })
	}
}

func benchmarkFanOut(b *testing.B, concurrency, perProject int) {
	ctx := context.Background()
	svc, _ := newSQLiteService(b)
	var delivered atomic.Int64
	const sinks = 4
	for i := 0; i < sinks; i++ {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			delivered.Add(1)
			w.WriteHeader(http.StatusNoContent)
		}))
		b.Cleanup(srv.Close)
		if _, err := svc.AddProject(ctx, srv.URL, fmt.Sprintf("sink-%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < b.N; i++ {
		body := fmt.Sprintf(`{"n":%d}`, i)
		if err := svc.Receive(ctx, wxrelay.ReceiveInput{AppKey: "bench", SchoolCode: "1", Event: "addUser", RawData: body, Body: []byte(body)}); err != nil {
			b.Fatal(err)
		}
	}
	hook := webhook.New(webhook.Config{Egress: webhook.Egress{AllowPrivate: true}, Timeout: 5 * time.Second,
		MaxIdlePerHost: perProject, MaxIdle: concurrency})
	d := wxrelay.NewDispatcher(svc, hook, wxrelay.DispatcherConfig{
		Owner: "bench", Concurrency: concurrency, PerProject: perProject, Timeout: 5 * time.Second, Poll: 10 * time.Millisecond,
		Policy: domain.RetryPolicy{MaxAttempts: 3, Base: time.Second, Cap: time.Minute},
	}, nil, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	want := int64(b.N * sinks)
	b.ResetTimer()
	start := time.Now()
	go func() { d.Run(runCtx); close(done) }()
	for delivered.Load() < want {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	<-done
	b.ReportMetric(float64(want)/elapsed.Seconds(), "deliveries/s")
}

// The dispatcher's bookkeeping must keep up: every delivery ends
// succeeded.
func TestFanOutCompletes(t *testing.T) {
	ctx := context.Background()
	svc, db := newSQLiteService(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer srv.Close()
	p, err := svc.AddProject(ctx, srv.URL, "sink")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		body := fmt.Sprintf(`{"n":%d}`, i)
		if err := svc.Receive(ctx, wxrelay.ReceiveInput{AppKey: "bench", SchoolCode: "1", Event: "addUser", RawData: body, Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	hook := webhook.New(webhook.Config{Egress: webhook.Egress{AllowPrivate: true}, Timeout: time.Second})
	d := wxrelay.NewDispatcher(svc, hook, wxrelay.DispatcherConfig{Owner: "t", Concurrency: 8, PerProject: 4, Timeout: time.Second,
		Poll: 10 * time.Millisecond, Policy: domain.RetryPolicy{MaxAttempts: 3, Base: time.Second}}, nil, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { d.Run(runCtx); close(done) }()
	deliveries := storage.NewWXDeliveries(db)
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, n, err := deliveries.List(ctx, ports.DeliveryFilter{ProjectID: p.ID, Status: domain.DeliverySucceeded, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n == 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 50 deliveries succeeded", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
}
