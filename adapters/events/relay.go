package events

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/ports"
)

// Store is what the relay needs from the database; storage.RelayStore
// implements it.
type Store interface {
	AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, owner string) error
	ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, skip []int64) ([]ports.OutboxMessage, error)
	MarkPublished(ctx context.Context, ids []int64) error
	ReleaseOutbox(ctx context.Context, owner string) error
	PruneOutbox(ctx context.Context, before time.Time) (int64, error)
	OutboxLag(ctx context.Context) (count int64, oldest time.Time, err error)
}

// SerialWriter is implemented by stores whose database runs one write
// transaction at a time (SQLite); the relay then marks a batch published
// before it claims the next instead of doing both at once.
type SerialWriter interface {
	SerialWrites() bool
}

// LeaseName is the relay_leases row the relays compete for.
const LeaseName = "outbox-relay"

// Config tunes a Relay. Zero fields take the defaults in brackets.
type Config struct {
	// Owner names this relay in leases [hostname-pid-random].
	Owner string
	// BatchSize is the most rows claimed and published at once [500].
	BatchSize int
	// PollInterval is the wait after a claim found nothing to publish
	// [25ms].
	PollInterval time.Duration
	// Retention is how long published rows are kept; 0 keeps them forever.
	Retention time.Duration
	// PruneInterval is how often old rows are pruned [5m].
	PruneInterval time.Duration
	// LeaseTTL is how long the relay lease lasts without renewal; a
	// replica takes over this long after the holder died [20s].
	LeaseTTL time.Duration
	// PublishTimeout bounds one Publish call [10s].
	PublishTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure [100ms, 30s].
	MinBackoff, MaxBackoff time.Duration
	// Logger receives failures and lease changes [slog.Default()].
	Logger *slog.Logger
	// Registerer receives the relay's metrics; nil registers nothing.
	Registerer prometheus.Registerer
	// Now reads the clock [time.Now].
	Now func() time.Time
}

func (c *Config) setDefaults() {
	if c.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = crand.Read(b)
		c.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 25 * time.Millisecond
	}
	if c.PruneInterval <= 0 {
		c.PruneInterval = 5 * time.Minute
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 20 * time.Second
	}
	if c.PublishTimeout <= 0 {
		c.PublishTimeout = 10 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	c.MaxBackoff = max(c.MaxBackoff, c.MinBackoff)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Relay publishes the outbox; see the package documentation.
type Relay struct {
	cfg     Config
	store   Store
	pub     ports.Publisher
	metrics *metrics
	log     *slog.Logger

	leader      bool
	leading     atomic.Bool // leader, for the upkeep goroutine
	leaseUntil  time.Time   // when the held lease expires unless renewed
	nextRenewal time.Time
	failures    int

	serialWrites bool    // the store cannot mark and claim at the same time
	claiming     bool    // this relay holds (or may hold) the claim on the outbox
	flight       *flight // the batch being published
	done         *batch  // the batch acknowledged but not yet marked published
}

// NewRelay returns a relay from store to pub and registers its metrics.
func NewRelay(store Store, pub ports.Publisher, cfg Config) (*Relay, error) {
	cfg.setDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	r := &Relay{cfg: cfg, store: store, pub: pub, metrics: m, log: cfg.Logger.With("owner", cfg.Owner)}
	if sw, ok := store.(SerialWriter); ok {
		r.serialWrites = sw.SerialWrites()
	}
	return r, nil
}

// Owner is the name this relay holds leases under.
func (r *Relay) Owner() string { return r.cfg.Owner }

// Run publishes until ctx ends, then finishes the batch in flight, marks it
// published, gives up the lease and returns nil. It returns early only if ctx never allowed it
// to start.
func (r *Relay) Run(ctx context.Context) error {
	upkeepCtx, stopUpkeep := context.WithCancel(ctx)
	upkeepDone := make(chan struct{})
	go func() {
		defer close(upkeepDone)
		r.upkeep(upkeepCtx)
	}()
	defer func() {
		stopUpkeep()
		<-upkeepDone
		r.land(ctx)
		r.stepDown()
	}()
	for {
		if ctx.Err() != nil {
			return nil
		}
		wait := r.cycle(ctx)
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// cycle does one round of work and returns how long to wait before the next.
func (r *Relay) cycle(ctx context.Context) time.Duration {
	now := r.cfg.Now()
	if !r.holdLease(ctx, now) {
		r.land(ctx)
		return min(r.cfg.LeaseTTL/4, time.Second)
	}
	n, err := r.step(ctx)
	if ctx.Err() != nil {
		return 0 // Run lands the batch in flight and returns
	}
	if err != nil {
		r.failures++
		r.metrics.failures.Inc()
		wait := r.backoff()
		r.log.Warn("outbox relay: batch failed; retrying", "err", err, "attempt", r.failures, "retry_in", wait)
		return wait
	}
	if r.flight == nil {
		r.recovered()
	}
	if n == r.cfg.BatchSize {
		return 0 // more rows wait: claim the next batch while this one is on its way
	}
	return r.cfg.PollInterval
}

// recovered ends a run of failures once a batch got through (or nothing
// was left to send).
func (r *Relay) recovered() {
	if r.failures > 0 {
		r.log.Info("outbox relay: publishing again", "after_failures", r.failures)
		r.failures = 0
	}
}

// holdLease takes or renews the relay lease when due and reports whether
// this relay may publish.
func (r *Relay) holdLease(ctx context.Context, now time.Time) bool {
	if r.leader && now.Before(r.nextRenewal) {
		return true
	}
	held, err := r.store.AcquireLease(ctx, LeaseName, r.cfg.Owner, r.cfg.LeaseTTL)
	switch {
	case err != nil && r.leader && now.Before(r.leaseUntil.Add(-r.cfg.PublishTimeout)):
		// The database hiccuped but the lease still has time left.
		r.log.Warn("outbox relay: could not renew lease", "err", err)
		return true
	case err != nil:
		if ctx.Err() == nil {
			r.log.Warn("outbox relay: could not take lease", "err", err)
		}
		held = false
	}
	if held != r.leader {
		if held {
			r.log.Info("outbox relay: took the lease; publishing")
		} else {
			r.log.Info("outbox relay: lost the lease; standing by")
		}
	}
	r.leader = held
	r.leading.Store(held)
	if held {
		r.metrics.leader.Set(1)
		r.leaseUntil = now.Add(r.cfg.LeaseTTL)
		r.nextRenewal = now.Add(r.cfg.LeaseTTL / 4)
	} else {
		r.metrics.leader.Set(0)
	}
	return held
}
