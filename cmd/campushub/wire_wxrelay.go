package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/wxapi"
	"github.com/campushub/campushub/adapters/ratelimit"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/adapters/wxcrypto"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

func init() { moduleWirings = append(moduleWirings, wireWXRelay) }

// wireWXRelay mounts the 微校 relay's routes and family and runs its
// delivery dispatcher as a background worker.
func wireWXRelay(w *wiring, out *wired) error {
	apps := w.cfg.WXApps
	egress := webhook.Egress{AllowPrivate: w.cfg.WebhookAllowPrivate}
	svc := relayService(w.db, w.outbox, egress, appwx.Config{Apps: apps, DedupWindow: w.cfg.WXDedupWindow, HoldRetention: w.cfg.WebhookHoldFor})
	w.console.Relay = svc

	hook := webhook.New(webhook.Config{Egress: egress, Timeout: w.cfg.WebhookTimeout,
		MaxIdlePerHost: w.cfg.WebhookPerProject, MaxIdle: w.cfg.WebhookConcurrency})
	dispatcher := appwx.NewDispatcher(svc, hook, appwx.DispatcherConfig{
		Owner:       dispatcherOwner(),
		Concurrency: w.cfg.WebhookConcurrency,
		PerProject:  w.cfg.WebhookPerProject,
		Timeout:     w.cfg.WebhookTimeout,
		Policy: wxrelay.RetryPolicy{
			MaxAttempts: w.cfg.WebhookMaxAttempts, MaxAge: w.cfg.WebhookMaxAge,
			Base: w.cfg.WebhookBackoffBase, Cap: time.Hour,
		},
		Breaker: wxrelay.BreakerPolicy{
			OpenAfter: w.cfg.WebhookPauseAfter, ProbeBase: w.cfg.WebhookProbeBase, ProbeCap: w.cfg.WebhookProbeMax,
			DisableAfter: w.cfg.WebhookDisableAfter,
		},
		Location: w.cfg.Timezone,
	}, w.log, newDeliveryMetrics(w.reg))
	svc.OnQueued(dispatcher.Wake)
	if w.reg != nil {
		w.reg.MustRegister(newProjectCollector(svc, w.log))
	}

	srv := wxapi.NewServer(w.log, w.clock)
	ep := appwx.MakeEndpoints(svc, w.accounts)
	ep.Receive = w.limiter.Endpoint(ratelimit.Limit{Name: "wx_receive", Scope: ratelimit.ScopeAppKey, Rate: w.cfg.RateWXReceive, Local: true},
		func(req any) string { in, _ := req.(appwx.ReceiveInput); return in.AppKey })(ep.Receive)
	out.families = append(out.families, srv.Family())
	out.mounts = append(out.mounts, wxapi.Push{S: srv, EP: ep}, wxapi.Receive{S: srv, EP: ep})
	out.workers = append(out.workers, dispatcher)
	if len(apps) == 0 {
		w.log.Warn("WX_APPS is empty: every push to /wx/wxc/receive will be refused")
	}
	for key, secret := range apps {
		if secret == "" {
			w.log.Warn("WX_APPS: an app has no secret, so its pushes are authenticated by the app key alone; anyone who learns the key can inject events (configure the app's secret)", "app_key_prefix", maskKey(key))
		}
	}
	return nil
}

// relayService builds the relay's use cases on db, writing their events to
// outbox and checking project URLs with egress.
func relayService(db *storage.DB, outbox ports.Outbox, egress webhook.Egress, cfg appwx.Config) *appwx.Service {
	return appwx.NewService(appwx.Deps{
		UoW: db, Outbox: outbox,
		Projects: storage.NewWXProjects(db), Events: storage.NewWXEvents(db), Deliveries: storage.NewWXDeliveries(db),
		Egress: egress, Cipher: wxcrypto.Cipher{}, Random: secure.Random{}, Clock: ports.SystemClock{},
	}, cfg)
}

// maskKey shows enough of an app key to recognise it in a log, never all
// of it: without a secret the key is the app's only credential.
func maskKey(key string) string {
	if len(key) <= 8 {
		return key[:min(2, len(key))] + "…"
	}
	return key[:4] + "…"
}

// dispatcherOwner names this process in delivery leases.
func dispatcherOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), secure.Random{}.Token(6))
}

// deliveryMetrics counts webhook attempts by outcome.
type deliveryMetrics struct {
	attempts *prometheus.CounterVec
	latency  prometheus.Histogram
}

func newDeliveryMetrics(reg prometheus.Registerer) *deliveryMetrics {
	m := &deliveryMetrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campushub_webhook_attempts_total", Help: "Webhook delivery attempts by outcome (succeeded, retrying, failed).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "campushub_webhook_attempt_seconds", Help: "Latency of webhook delivery attempts.", Buckets: prometheus.DefBuckets,
		}),
	}
	if reg != nil {
		reg.MustRegister(m.attempts, m.latency)
	}
	return m
}

// Attempted implements appwx.Observer.
func (m *deliveryMetrics) Attempted(outcome string, latency time.Duration) {
	m.attempts.WithLabelValues(outcome).Inc()
	m.latency.Observe(latency.Seconds())
}

// projectCollector exports each push project's delivery state, read from
// the database when /metrics is scraped.
type projectCollector struct {
	svc                                       *appwx.Service
	log                                       interface{ Warn(string, ...any) }
	state, since, failures, depth, oldestDesc *prometheus.Desc
}

func newProjectCollector(svc *appwx.Service, log interface{ Warn(string, ...any) }) *projectCollector {
	return &projectCollector{svc: svc, log: log,
		state:      prometheus.NewDesc("campushub_webhook_project_state", "1 for a push project's delivery state (ok, paused, disabled), 0 for the others.", []string{"project_id", "state"}, nil),
		since:      prometheus.NewDesc("campushub_webhook_project_state_since_seconds", "How long a push project has been paused or disabled; 0 when ok.", []string{"project_id"}, nil),
		failures:   prometheus.NewDesc("campushub_webhook_project_consecutive_failures", "Consecutive failed attempts of a push project.", []string{"project_id"}, nil),
		depth:      prometheus.NewDesc("campushub_webhook_project_queue_depth", "Deliveries a push project has not received yet, by status (pending, held).", []string{"project_id", "status"}, nil),
		oldestDesc: prometheus.NewDesc("campushub_webhook_project_oldest_pending_seconds", "Age of a push project's oldest pending or held delivery; 0 when none.", []string{"project_id"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *projectCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.state, c.since, c.failures, c.depth, c.oldestDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *projectCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ps, err := c.svc.ProjectStatuses(ctx)
	if err != nil {
		c.log.Warn("wxrelay: project metrics unavailable", "error", err)
		return
	}
	now := time.Now()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, p := range ps {
		id := strconv.FormatInt(p.ID, 10)
		for _, st := range []wxrelay.ProjectState{wxrelay.StateOK, wxrelay.StatePaused, wxrelay.StateDisabled} {
			gauge(c.state, map[bool]float64{true: 1}[p.State() == st], id, string(st))
		}
		var since time.Time
		switch p.State() {
		case wxrelay.StatePaused:
			since = p.PausedAt
		case wxrelay.StateDisabled:
			since = p.DisabledAt
		}
		gauge(c.since, ageSeconds(now, since), id)
		gauge(c.failures, float64(p.Failures), id)
		gauge(c.depth, float64(p.Pending), id, "pending")
		gauge(c.depth, float64(p.Held), id, "held")
		gauge(c.oldestDesc, ageSeconds(now, p.Oldest), id)
	}
}

func ageSeconds(now, t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return max(now.Sub(t).Seconds(), 0)
}

// validateWebhooks checks the delivery settings that must be positive or
// ordered.
func (c Config) validateWebhooks() []string {
	var p []string
	for _, v := range []struct {
		name string
		bad  bool
		want string
	}{
		{"WEBHOOK_MAX_ATTEMPTS", c.WebhookMaxAttempts < 1, "at least 1"},
		{"WEBHOOK_TIMEOUT", c.WebhookTimeout <= 0, "positive"},
		{"WEBHOOK_CONCURRENCY", c.WebhookConcurrency < 1, "at least 1"},
		{"WEBHOOK_PER_PROJECT", c.WebhookPerProject < 1, "at least 1"},
		{"WEBHOOK_PAUSE_AFTER", c.WebhookPauseAfter < 1, "at least 1"},
		{"WEBHOOK_PROBE_INTERVAL", c.WebhookProbeBase <= 0, "positive"},
		{"WEBHOOK_PROBE_MAX", c.WebhookProbeMax < c.WebhookProbeBase, "at least WEBHOOK_PROBE_INTERVAL"},
		{"WEBHOOK_DISABLE_AFTER", c.WebhookDisableAfter < 0, "0s (never) or positive"},
		{"WEBHOOK_HOLD_RETENTION", c.WebhookHoldFor <= 0, "positive"},
	} {
		if v.bad {
			p = append(p, v.name+": must be "+v.want)
		}
	}
	return p
}
