package main

import (
	"fmt"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/wxapi"
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
	svc := appwx.NewService(appwx.Deps{
		UoW: w.db, Outbox: w.outbox,
		Projects: storage.NewWXProjects(w.db), Events: storage.NewWXEvents(w.db), Deliveries: storage.NewWXDeliveries(w.db),
		Egress: egress, Cipher: wxcrypto.Cipher{}, Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appwx.Config{Apps: apps, DedupWindow: w.cfg.WXDedupWindow})
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
			Base: w.cfg.WebhookBackoffBase, Cap: time.Hour, DisableAfter: w.cfg.WebhookDisableAfter,
		},
		Location: w.cfg.Timezone,
	}, w.log, newDeliveryMetrics(w.reg))
	svc.OnReceived(dispatcher.Notify)

	srv := wxapi.NewServer(w.log, w.clock)
	ep := appwx.MakeEndpoints(svc, w.accounts)
	out.families = append(out.families, wxapi.Family{Log: w.log})
	out.mounts = append(out.mounts, wxapi.Push{S: srv, EP: ep}, wxapi.Receive{S: srv, EP: ep})
	out.workers = append(out.workers, dispatcher.Run)
	if len(apps) == 0 {
		w.log.Warn("WX_APPS is empty: every push to /wx/wxc/receive will be refused")
	}
	return nil
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
