package events

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/ports"
)

// Store is what the relay needs from the database; storage.RelayStore
// implements it.
type Store interface {
	AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, owner string) error
	ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration) ([]ports.OutboxMessage, error)
	MarkPublished(ctx context.Context, ids []int64) error
	ReleaseOutbox(ctx context.Context, owner string, ids []int64) error
	PruneOutbox(ctx context.Context, before time.Time) (int64, error)
	OutboxLag(ctx context.Context) (count int64, oldest time.Time, err error)
}

// LeaseName is the relay_leases row the relays compete for.
const LeaseName = "outbox-relay"

// Config tunes a Relay. Zero fields take the defaults in brackets.
type Config struct {
	// Owner names this relay in leases [hostname-pid-random].
	Owner string
	// BatchSize is the most rows claimed and published at once [500].
	BatchSize int
	// PollInterval is the wait after a short batch, when the outbox is
	// drained [100ms].
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
		c.PollInterval = 100 * time.Millisecond
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
	leaseUntil  time.Time // when the held lease expires unless renewed
	nextRenewal time.Time
	nextPrune   time.Time
	nextLag     time.Time
	failures    int
}

// NewRelay returns a relay from store to pub and registers its metrics.
func NewRelay(store Store, pub ports.Publisher, cfg Config) (*Relay, error) {
	cfg.setDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	return &Relay{cfg: cfg, store: store, pub: pub, metrics: m, log: cfg.Logger.With("owner", cfg.Owner)}, nil
}

// Owner is the name this relay holds leases under.
func (r *Relay) Owner() string { return r.cfg.Owner }

// Run publishes until ctx ends, then finishes the batch in flight, gives up
// the lease and returns nil. It returns early only if ctx never allowed it
// to start.
func (r *Relay) Run(ctx context.Context) error {
	defer r.stepDown()
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
	r.updateLag(ctx, now)
	if !r.holdLease(ctx, now) {
		return min(r.cfg.LeaseTTL/4, time.Second)
	}
	r.prune(ctx, now)
	n, err := r.publishBatch(ctx)
	if err != nil {
		r.failures++
		r.metrics.failures.Inc()
		wait := r.backoff()
		r.log.Warn("outbox relay: batch failed; retrying", "err", err, "attempt", r.failures, "retry_in", wait)
		return wait
	}
	if r.failures > 0 {
		r.log.Info("outbox relay: publishing again", "after_failures", r.failures)
		r.failures = 0
	}
	if n == r.cfg.BatchSize {
		return 0 // more rows are probably waiting
	}
	return r.cfg.PollInterval
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
	if held {
		r.metrics.leader.Set(1)
		r.leaseUntil = now.Add(r.cfg.LeaseTTL)
		r.nextRenewal = now.Add(r.cfg.LeaseTTL / 4)
	} else {
		r.metrics.leader.Set(0)
	}
	return held
}

// publishBatch claims, publishes and marks one batch and returns its size.
// The batch in flight finishes even when ctx ends, within PublishTimeout.
func (r *Relay) publishBatch(ctx context.Context) (int, error) {
	start := time.Now()
	// Row leases outlive the publish timeout, so nobody else claims rows
	// still being sent.
	msgs, err := r.store.ClaimOutbox(ctx, r.cfg.Owner, r.cfg.BatchSize, r.cfg.PublishTimeout+r.cfg.LeaseTTL)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
	defer cancel()
	if err := r.pub.Publish(wctx, msgs); err != nil {
		// The rows stay leased to this relay, which retries them first; on
		// shutdown, release them for whoever takes over.
		if ctx.Err() != nil {
			_ = r.store.ReleaseOutbox(wctx, r.cfg.Owner, ids)
		}
		return 0, err
	}
	if err := r.store.MarkPublished(wctx, ids); err != nil {
		return 0, fmt.Errorf("published %d rows but could not mark them (they will be sent again): %w", len(ids), err)
	}
	r.metrics.published.Add(float64(len(ids)))
	r.metrics.batch.Observe(time.Since(start).Seconds())
	return len(ids), nil
}

// backoff is the wait after the current run of failures: exponential from
// MinBackoff, capped at MaxBackoff, with jitter over its upper half.
func (r *Relay) backoff() time.Duration {
	d := r.cfg.MinBackoff
	for i := 1; i < r.failures && d < r.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, r.cfg.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// prune deletes rows published more than Retention ago, every PruneInterval.
func (r *Relay) prune(ctx context.Context, now time.Time) {
	if r.cfg.Retention <= 0 || now.Before(r.nextPrune) {
		return
	}
	r.nextPrune = now.Add(r.cfg.PruneInterval)
	n, err := r.store.PruneOutbox(ctx, now.Add(-r.cfg.Retention))
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("outbox relay: prune failed", "err", err)
		}
		return
	}
	r.metrics.pruned.Add(float64(n))
	if n > 0 {
		r.log.Info("outbox relay: pruned published rows", "rows", n, "retention", r.cfg.Retention)
	}
}

// updateLag refreshes the lag gauges, at most once a second.
func (r *Relay) updateLag(ctx context.Context, now time.Time) {
	if now.Before(r.nextLag) {
		return
	}
	r.nextLag = now.Add(time.Second)
	n, oldest, err := r.store.OutboxLag(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("outbox relay: could not read the lag", "err", err)
		}
		return
	}
	r.metrics.unpublished.Set(float64(n))
	if oldest.IsZero() {
		r.metrics.oldestAge.Set(0)
	} else {
		r.metrics.oldestAge.Set(max(0, now.Sub(oldest).Seconds()))
	}
}

// stepDown gives up the lease so another replica takes over at once.
func (r *Relay) stepDown() {
	if !r.leader {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.store.ReleaseLease(ctx, LeaseName, r.cfg.Owner); err != nil && !errors.Is(err, context.Canceled) {
		r.log.Warn("outbox relay: could not release the lease", "err", err)
	}
	r.leader = false
	r.metrics.leader.Set(0)
}
