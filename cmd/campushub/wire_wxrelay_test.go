package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/wxrelay"
)

// TestProjectMetrics: each project's state, failures and backlog are
// exported when /metrics is scraped.
func TestProjectMetrics(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "metrics.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := relayService(db, storage.NewOutbox(db), webhook.Egress{AllowPrivate: true},
		appwx.Config{Apps: map[string]string{"app": ""}, DedupWindow: time.Hour})
	p, err := svc.AddProject(ctx, "http://127.0.0.1:9/h", "sink")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"a":1}`, `{"a":2}`} {
		if err := svc.Receive(ctx, appwx.ReceiveInput{AppKey: "app", SchoolCode: "1", Event: "e", RawData: body, Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	p.Health = wxrelay.Health{Failures: 7, FailingSince: now.Add(-time.Minute), PausedAt: now.Add(-30 * time.Second), NextProbeAt: now, ProbeInterval: time.Second}
	if err := svc.Projects.SetHealth(ctx, p); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(newProjectCollector(svc, slog.New(slog.DiscardHandler)))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				if l.GetName() != "project_id" {
					key += "/" + l.GetValue()
				}
			}
			got[key] = m.GetGauge().GetValue()
		}
	}
	for key, want := range map[string]float64{
		"campushub_webhook_project_consecutive_failures": 7,
		"campushub_webhook_project_queue_depth/pending":  2,
		"campushub_webhook_project_queue_depth/held":     0,
		"campushub_webhook_project_state/paused":         1,
		"campushub_webhook_project_state/ok":             0,
		"campushub_webhook_project_state/disabled":       0,
	} {
		if v, ok := got[key]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", key, v, ok, want)
		}
	}
	for _, key := range []string{"campushub_webhook_project_state_since_seconds", "campushub_webhook_project_oldest_pending_seconds"} {
		if got[key] <= 0 {
			t.Errorf("%s = %v, want a positive age", key, got[key])
		}
	}
}
