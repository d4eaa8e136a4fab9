package wxrelay

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// DispatcherConfig tunes delivery.
type DispatcherConfig struct {
	// Owner names this process in delivery leases; unique per replica.
	Owner string
	// Concurrency bounds attempts in flight overall, PerProject per project.
	Concurrency int
	PerProject  int
	// Timeout bounds one attempt.
	Timeout time.Duration
	// LeaseFor is how long a claim lasts unless renewed (default 6 s):
	// the dispatcher renews the leases of the deliveries it holds every
	// third of it, so after a crash another process takes them over
	// within LeaseFor.
	LeaseFor time.Duration
	// Poll is how often due deliveries are looked for when idle.
	Poll   time.Duration
	Policy wxrelay.RetryPolicy
	// Breaker pauses, probes and finally disables failing projects.
	Breaker wxrelay.BreakerPolicy
	// Location renders received_at in payloads.
	Location *time.Location
}

// DefaultLease is the lease when none is configured.
const DefaultLease = 6 * time.Second

// Lease is how long a claimed delivery stays reserved for its owner
// without a renewal. After a crash it is claimed again once the lease
// runs out.
func (c DispatcherConfig) Lease() time.Duration {
	if c.LeaseFor > 0 {
		return c.LeaseFor
	}
	return DefaultLease
}

// Observer is told about every attempt, e.g. for metrics; outcome is
// "succeeded", "retrying" or "failed".
type Observer interface {
	Attempted(outcome string, latency time.Duration)
}

// Dispatcher delivers pending deliveries: it claims due rows, posts them
// concurrently within the overall and per-project bounds, and writes the
// outcomes back in batches. Several dispatchers, in one process or many,
// may run against one database.
type Dispatcher struct {
	svc      *Service
	hook     ports.WebhookDeliverer
	cfg      DispatcherConfig
	log      *slog.Logger
	observer Observer

	wake    chan struct{}
	results chan result

	// wg counts the attempts running.
	wg sync.WaitGroup

	mu         sync.Mutex
	inflight   int
	perProject map[int64]int
	// queue holds claimed deliveries waiting for a free slot, so a slot
	// that frees is filled at once, without waiting for the next claim.
	queue []queued
	// starting holds deliveries given a slot whose attempts Run's loop
	// records before their requests leave; running, the deliveries whose
	// requests are under way.
	starting []job
	running  map[int64]bool
	// failing counts, per project, failed attempts not yet written.
	failing map[int64]int
	// paused holds the projects whose breaker is open, as last read;
	// probing, those with a probe claimed by this dispatcher.
	paused  map[int64]wxrelay.Project
	probing map[int64]bool

	// pausedRead is when paused was last read and pausedStale says it
	// must be read again; nextSweep is when held deliveries are next
	// checked for expiry. Only Run's goroutine uses them.
	pausedRead  time.Time
	pausedStale bool
	nextSweep   time.Time
	nextRenew   time.Time
	failures    failLog

	// payloads caches rendered event bodies; only Run's goroutine uses it.
	payloads map[int64][]byte
}

// job is one claimed delivery with what its attempt needs.
type job struct {
	d     wxrelay.Delivery
	p     wxrelay.Project
	found bool // the project still exists
	probe bool // the single probe of a paused project
	// attempt is the attempt recorded before the request leaves; zero
	// when the delivery ends without one.
	attempt wxrelay.Attempt
	body    []byte // the event's payload; nil when the event is gone
	bodyErr error  // why the payload could not be rendered
}

// result is the outcome to write back for one claimed delivery.
type result struct {
	d       wxrelay.Delivery
	attempt *wxrelay.Attempt // nil when no attempt was made
	release bool             // give the lease back without recording anything
	probe   bool             // the attempt was a paused project's probe
	why     wxrelay.FailureReason
}

// NewDispatcher returns a dispatcher of svc's deliveries through hook.
func NewDispatcher(svc *Service, hook ports.WebhookDeliverer, cfg DispatcherConfig, log *slog.Logger, obs Observer) *Dispatcher {
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 1
	}
	if cfg.PerProject < 1 || cfg.PerProject > cfg.Concurrency {
		cfg.PerProject = cfg.Concurrency
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 200 * time.Millisecond
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{
		svc: svc, hook: hook, cfg: cfg, log: log, observer: obs,
		wake: make(chan struct{}, 1), results: make(chan result, cfg.Concurrency),
		perProject: map[int64]int{}, failing: map[int64]int{}, payloads: map[int64][]byte{},
		paused: map[int64]wxrelay.Project{}, probing: map[int64]bool{}, running: map[int64]bool{},
	}
}

// Wake makes the dispatcher look for due deliveries now.
func (disp *Dispatcher) Wake() {
	select {
	case disp.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for attempts in flight: those cut
// short give their lease back, and every outcome is written before Run
// returns. One goroutine does all the database work — writing outcomes,
// then claiming — so the dispatcher's transactions never wait on each
// other (on SQLite a waiting writer sleeps in the busy handler). It
// returns nil.
func (disp *Dispatcher) Run(ctx context.Context) error {
	timer := time.NewTimer(disp.cfg.Poll)
	defer timer.Stop()
	batch := make([]result, 0, maxBatch)
	for ctx.Err() == nil {
		batch = disp.drain(batch[:0])
		launched := 0
		if len(batch) > 0 {
			launched = disp.flush(ctx, batch)
		}
		disp.maintain(ctx)
		launched += disp.launch(ctx)
		started, err := disp.fill(ctx)
		if err != nil && ctx.Err() == nil {
			disp.log.Error("wxrelay: claim deliveries", "error", err)
		}
		launched += disp.launch(ctx)
		if len(batch) > 0 || launched > 0 || (started > 0 && err == nil) {
			continue
		}
		timer.Reset(disp.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-disp.wake:
		case <-timer.C:
		}
	}
	// Stopping: give back what has not started; let the attempts under
	// way finish (each within Timeout), keeping their leases that long.
	disp.releaseAll(disp.takeQueued())
	disp.renew(context.Background(), disp.svc.Clock.Now().Add(disp.cfg.Timeout+disp.cfg.Lease()))
	go func() { disp.wg.Wait(); close(disp.results) }()
	for r := range disp.results {
		batch = disp.drain(append(batch[:0], r))
		disp.flush(ctx, batch) // starts nothing: the queue was given back
	}
	return nil
}

// drain appends the outcomes waiting in the channel, up to maxBatch.
func (disp *Dispatcher) drain(batch []result) []result {
	for len(batch) < maxBatch {
		select {
		case r, ok := <-disp.results:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

func (disp *Dispatcher) releaseAll(ds []wxrelay.Delivery) {
	if len(ds) == 0 {
		return
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	if err := disp.svc.Deliveries.Release(context.Background(), disp.cfg.Owner, ids, disp.svc.Clock.Now()); err != nil {
		disp.log.Error("wxrelay: release deliveries", "error", err)
	}
}

// MessageID is the webhook-id of a delivery: the same on every attempt, so
// receivers can drop repeats.
func MessageID(deliveryID int64) string { return "msg_" + strconv.FormatInt(deliveryID, 10) }

// attempt makes one attempt of j, or gives it up when its project is gone
// or invalid.
func (disp *Dispatcher) attempt(ctx context.Context, j job) result {
	now := disp.svc.Clock.Now()
	switch {
	case !j.found:
		return result{d: j.d.Abandon("project was deleted", now), why: wxrelay.FailedProjectDeleted}
	case !j.p.Active():
		return result{d: j.d.Hold(now)}
	case j.bodyErr != nil:
		return result{d: j.d.Abandon(fmt.Sprintf("render payload: %v", j.bodyErr), now), why: wxrelay.FailedUndeliverable}
	case j.body == nil:
		return result{d: j.d.Abandon("event no longer exists", now), why: wxrelay.FailedUndeliverable}
	case j.d.Attempts >= disp.cfg.Policy.MaxAttempts:
		// Attempts whose outcome was lost used up the run.
		return result{d: j.d.Abandon(j.d.LastError, now), why: wxrelay.FailedAttempts}
	}
	// The attempt finishes even when Run is stopping: it is recorded as
	// made, so its outcome must be too.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), disp.cfg.Timeout)
	res := disp.hook.Deliver(actx, ports.WebhookRequest{URL: j.p.URL, MessageID: MessageID(j.d.ID), Timestamp: j.attempt.At, Body: j.body, Secret: j.p.Secret})
	cancel()
	a := j.attempt
	a.InFlight, a.StatusCode, a.Latency, a.Response = false, res.StatusCode, res.Latency, res.Response
	switch {
	case res.Err != nil:
		a.Error = res.Err.Error()
	case res.StatusCode < 200 || res.StatusCode > 299:
		a.Error = "HTTP " + strconv.Itoa(res.StatusCode)
	}
	d := j.d.Record(a, disp.cfg.Policy, rand.Float64())
	r := result{d: d, attempt: &a, probe: j.probe, why: wxrelay.FailedAttempts}
	if disp.observer != nil {
		outcome := string(d.Status)
		if d.Status == wxrelay.DeliveryPending {
			outcome = "retrying"
		}
		disp.observer.Attempted(outcome, a.Latency)
	}
	return r
}
