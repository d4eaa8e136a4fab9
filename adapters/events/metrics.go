package events

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the relay's Prometheus series.
type metrics struct {
	unpublished prometheus.Gauge
	oldestAge   prometheus.Gauge
	leader      prometheus.Gauge
	published   prometheus.Counter
	failures    prometheus.Counter
	pruned      prometheus.Counter
	batch       prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		unpublished: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "campushub_outbox_unpublished",
			Help: "Outbox rows waiting to be published.",
		}),
		oldestAge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "campushub_outbox_oldest_unpublished_age_seconds",
			Help: "Age of the oldest unpublished outbox row (0 when none waits).",
		}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "campushub_outbox_relay_leader",
			Help: "1 while this replica holds the relay lease and publishes, else 0.",
		}),
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "campushub_outbox_published_total",
			Help: "Outbox rows published to the broker.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "campushub_outbox_publish_failures_total",
			Help: "Batches the broker did not accept (they are retried).",
		}),
		pruned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "campushub_outbox_pruned_total",
			Help: "Published outbox rows deleted after the retention period.",
		}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "campushub_outbox_batch_duration_seconds",
			Help:    "Time to claim, publish and mark one batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.unpublished, m.oldestAge, m.leader, m.published, m.failures, m.pruned, m.batch} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("events: register metrics: %w", err)
		}
	}
	return m, nil
}
