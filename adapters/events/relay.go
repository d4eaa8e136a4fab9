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
	LeaseHolder(ctx context.Context, name string) (owner string, until time.Time, err error)
	ReleaseLease(ctx context.Context, name, owner string) error
	// ClaimOutbox returns an error with a ClaimHolder() (owner, until)
	// method while another owner's claim blocks the outbox.
	ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, skip []int64) ([]ports.OutboxMessage, error)
	RenewOutboxClaim(ctx context.Context, owner string, lease time.Duration) (bool, error)
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
	// LeaseTTL is how long the relay lease and the claim on the outbox
	// last without renewal; the holder renews both every LeaseTTL/4, beside
	// publishing, and a replica takes over about this long after the
	// holder died [5s].
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
		c.LeaseTTL = 5 * time.Second
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

	lease      leaseState
	failures   int
	backingOff bool          // the current wait is the backoff after a failure
	wake       chan struct{} // cuts the poll interval short (see Wake)
	retry      chan struct{} // cuts any wait short, the backoff too (see Retry)
	retryAt    atomic.Int64  // when Retry was last called (Unix ns)

	failedLaunch time.Time // when the last failed attempt started

	serialWrites bool      // the store cannot mark and claim at the same time
	claiming     bool      // this relay holds (or may hold) the claim on the outbox
	flight       *flight   // the batch being published
	done         *batch    // the batch acknowledged but not yet marked published
	blockedBy    string    // whose claim on the outbox this relay last waited for
	blockedUntil time.Time // when that claim expires, while the last claim found it
}

// NewRelay returns a relay from store to pub and registers its metrics.
func NewRelay(store Store, pub ports.Publisher, cfg Config) (*Relay, error) {
	cfg.setDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	r := &Relay{cfg: cfg, store: store, pub: pub, metrics: m, log: cfg.Logger.With("owner", cfg.Owner)}
	r.wake, r.retry = make(chan struct{}, 1), make(chan struct{}, 1)
	if sw, ok := store.(SerialWriter); ok {
		r.serialWrites = sw.SerialWrites()
	}
	return r, nil
}

// Wake tells the relay that new rows may be waiting: it looks at once
// instead of at its next poll, unless it is backing off after a failed
// publish (a commit does not make the broker answer again). Storage calls
// it after every commit in this process that appended to the outbox
// (storage.DB.OnOutboxCommit); the poll finds the rows of other processes.
// It never blocks.
func (r *Relay) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Retry cuts the relay's current wait short, the backoff after a failure
// too. Call it when the broker answers again, so that the backlog goes out
// at once rather than after the backoff.
func (r *Relay) Retry() {
	r.retryAt.Store(time.Now().UnixNano())
	select {
	case r.retry <- struct{}{}:
	default:
	}
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
	// The lease keeper outlives ctx until the batch in flight has landed,
	// so that the claim on its rows stays renewed meanwhile.
	keepCtx, stopKeeping := context.WithCancel(context.WithoutCancel(ctx))
	keeperDone := make(chan struct{})
	go func() {
		defer close(keeperDone)
		r.keepLease(keepCtx)
	}()
	defer func() {
		stopUpkeep()
		<-upkeepDone
		r.land(ctx)
		stopKeeping()
		<-keeperDone
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
		wake, landed := r.wake, (<-chan struct{})(nil)
		switch {
		case r.backingOff:
			wake = nil // only Retry ends a backoff early
		case r.flight != nil:
			// The next batch goes out only after this one: claim it when
			// this one has landed, so that it holds every row committed
			// meanwhile, rather than at the first commit.
			wake, landed = nil, r.flight.landed
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-r.retry:
			t.Stop()
		case <-wake:
			t.Stop()
		case <-landed:
			t.Stop()
		case <-t.C:
		}
	}
}

// cycle does one round of work and returns how long to wait before the next.
func (r *Relay) cycle(ctx context.Context) time.Duration {
	r.backingOff = false
	if !r.mayPublish(r.cfg.Now()) {
		r.land(ctx)
		return r.renewEvery()
	}
	n, err := r.step(ctx)
	if ctx.Err() != nil {
		return 0 // Run lands the batch in flight and returns
	}
	if err != nil {
		r.failures++
		r.metrics.failures.Inc()
		wait := r.backoff()
		if r.retryAt.Load() > r.failedLaunch.UnixNano() {
			// Told to retry after the failed attempt started (the broker
			// answered again meanwhile): try again now.
			wait = 0
		}
		r.failedLaunch = time.Now() // only a later Retry cuts the next wait short
		r.log.Warn("outbox relay: publish failed; retrying",
			"attempt", r.failures, "err", brief(err), "retry_in", wait.Round(time.Millisecond).String(),
			"retry_at", r.cfg.Now().Add(wait).UTC().Format(time.RFC3339Nano))
		r.backingOff = true
		return wait
	}
	if r.flight == nil {
		r.recovered()
	}
	if n == r.cfg.BatchSize {
		return 0 // more rows wait: claim the next batch while this one is on its way
	}
	if !r.blockedUntil.IsZero() {
		// Another relay's claim blocks the outbox: look again when it
		// expires, or earlier, in case its holder releases it.
		return min(max(r.blockedUntil.Sub(r.cfg.Now()), r.cfg.PollInterval), r.renewEvery())
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

// maxErrLen bounds an error in a log line.
const maxErrLen = 300

// brief is err's message, cut to maxErrLen bytes on a rune boundary.
func brief(err error) string {
	s := err.Error()
	if len(s) <= maxErrLen {
		return s
	}
	cut := maxErrLen - len("…")
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
