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
	// Poll is how often due deliveries are looked for when idle.
	Poll   time.Duration
	Policy wxrelay.RetryPolicy
	// Location renders received_at in payloads.
	Location *time.Location
}

// Lease is how long a claimed delivery stays reserved for its owner: long
// enough for one attempt and the write of its outcome. After a crash the
// delivery is claimed again once the lease runs out.
func (c DispatcherConfig) Lease() time.Duration { return 2*c.Timeout + 5*time.Second }

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

	mu         sync.Mutex
	inflight   int
	perProject map[int64]int
}

// job is one claimed delivery with what its attempt needs.
type job struct {
	d       wxrelay.Delivery
	e       wxrelay.Event
	p       wxrelay.Project
	found   bool // the project still exists
	hasBody bool // the event was found
}

// result is the outcome to write back for one claimed delivery.
type result struct {
	d       wxrelay.Delivery
	attempt *wxrelay.Attempt // nil when no attempt was made
	release bool             // give the lease back without recording anything
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
		perProject: map[int64]int{},
	}
}

// Notify makes the dispatcher look for due deliveries now.
func (x *Dispatcher) Notify() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for attempts in flight: those cut
// short give their lease back, and every outcome is written before Run
// returns. One goroutine does all the database work — writing outcomes,
// then claiming — so the dispatcher's transactions never wait on each
// other (on SQLite a waiting writer sleeps in the busy handler).
func (x *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	timer := time.NewTimer(x.cfg.Poll)
	defer timer.Stop()
	batch := make([]result, 0, maxBatch)
	for ctx.Err() == nil {
		batch = x.drain(batch[:0])
		if len(batch) > 0 {
			x.flush(batch)
		}
		started, err := x.fill(ctx, &wg)
		if err != nil && ctx.Err() == nil {
			x.log.Error("wxrelay: claim deliveries", "error", err)
		}
		if len(batch) > 0 || (started > 0 && err == nil) {
			continue
		}
		timer.Reset(x.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-x.wake:
		case <-timer.C:
		}
	}
	go func() { wg.Wait(); close(x.results) }()
	for r := range x.results {
		batch = x.drain(append(batch[:0], r))
		x.flush(batch)
	}
}

// drain appends the outcomes waiting in the channel, up to maxBatch.
func (x *Dispatcher) drain(batch []result) []result {
	for len(batch) < maxBatch {
		select {
		case r, ok := <-x.results:
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

// fill claims as many due deliveries as there are free slots and starts an
// attempt for each; deliveries beyond a project's bound are given back.
func (x *Dispatcher) fill(ctx context.Context, wg *sync.WaitGroup) (int, error) {
	x.mu.Lock()
	free := x.cfg.Concurrency - x.inflight
	var skip []int64
	for id, n := range x.perProject {
		if n >= x.cfg.PerProject {
			skip = append(skip, id)
		}
	}
	x.mu.Unlock()
	if free <= 0 {
		return 0, nil
	}
	now := x.svc.Clock.Now()
	ds, err := x.svc.Deliveries.Claim(ctx, x.cfg.Owner, now, now.Add(x.cfg.Lease()), free, skip)
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	jobs, err := x.load(ctx, ds)
	if err != nil {
		x.releaseAll(ds)
		return 0, err
	}
	var back []int64
	started := 0
	for _, j := range jobs {
		x.mu.Lock()
		full := x.perProject[j.d.ProjectID] >= x.cfg.PerProject
		if !full {
			x.perProject[j.d.ProjectID]++
			x.inflight++
		}
		x.mu.Unlock()
		if full {
			back = append(back, j.d.ID)
			continue
		}
		started++
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := x.attempt(ctx, j)
			x.mu.Lock()
			x.inflight--
			if x.perProject[j.d.ProjectID]--; x.perProject[j.d.ProjectID] <= 0 {
				delete(x.perProject, j.d.ProjectID)
			}
			x.mu.Unlock()
			x.results <- r
			x.Notify()
		}()
	}
	if len(back) > 0 {
		if err := x.svc.Deliveries.Release(context.WithoutCancel(ctx), x.cfg.Owner, back); err != nil {
			x.log.Error("wxrelay: release deliveries", "error", err)
		}
	}
	return started, nil
}

// load fetches the events and projects of claimed deliveries.
func (x *Dispatcher) load(ctx context.Context, ds []wxrelay.Delivery) ([]job, error) {
	eids, pids := make([]int64, 0, len(ds)), make([]int64, 0, len(ds))
	for _, d := range ds {
		eids, pids = append(eids, d.EventID), append(pids, d.ProjectID)
	}
	events, err := x.svc.Events.ByIDs(ctx, eids)
	if err != nil {
		return nil, err
	}
	projects, err := x.svc.Projects.ByIDs(ctx, pids)
	if err != nil {
		return nil, err
	}
	byEvent := make(map[int64]wxrelay.Event, len(events))
	for _, e := range events {
		byEvent[e.ID] = e
	}
	byProject := make(map[int64]wxrelay.Project, len(projects))
	for _, p := range projects {
		byProject[p.ID] = p
	}
	jobs := make([]job, len(ds))
	for i, d := range ds {
		e, okE := byEvent[d.EventID]
		p, okP := byProject[d.ProjectID]
		jobs[i] = job{d: d, e: e, p: p, found: okP, hasBody: okE}
	}
	return jobs, nil
}

func (x *Dispatcher) releaseAll(ds []wxrelay.Delivery) {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	if err := x.svc.Deliveries.Release(context.Background(), x.cfg.Owner, ids); err != nil {
		x.log.Error("wxrelay: release deliveries", "error", err)
	}
}

// MessageID is the webhook-id of a delivery: the same on every attempt, so
// receivers can drop repeats.
func MessageID(deliveryID int64) string { return "msg_" + strconv.FormatInt(deliveryID, 10) }

// attempt makes one attempt of j, or gives it up when its project is gone
// or invalid.
func (x *Dispatcher) attempt(ctx context.Context, j job) result {
	now := x.svc.Clock.Now()
	switch {
	case !j.found:
		return result{d: j.d.Abandon("project was deleted", now), why: wxrelay.FailedProjectDeleted}
	case !j.p.Active():
		return result{d: j.d.Abandon("project is invalid (statu 1)", now), why: wxrelay.FailedProjectDisabled}
	case !j.hasBody:
		return result{d: j.d.Abandon("event no longer exists", now), why: wxrelay.FailedUndeliverable}
	}
	body, err := Payload(j.e, x.cfg.Location)
	if err != nil {
		return result{d: j.d.Abandon(fmt.Sprintf("render payload: %v", err), now), why: wxrelay.FailedUndeliverable}
	}
	actx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	res := x.hook.Deliver(actx, ports.WebhookRequest{URL: j.p.URL, MessageID: MessageID(j.d.ID), Timestamp: now, Body: body, Secret: j.p.Secret})
	cancel()
	if ctx.Err() != nil {
		return result{d: j.d, release: true}
	}
	a := wxrelay.Attempt{DeliveryID: j.d.ID, ProjectID: j.d.ProjectID, At: now, StatusCode: res.StatusCode, Latency: res.Latency, Response: res.Response}
	switch {
	case res.Err != nil:
		a.Error = res.Err.Error()
	case res.StatusCode < 200 || res.StatusCode > 299:
		a.Error = "HTTP " + strconv.Itoa(res.StatusCode)
	}
	d := j.d.Record(a, x.cfg.Policy, rand.Float64())
	r := result{d: d, attempt: &a, why: wxrelay.FailedAttempts}
	if x.observer != nil {
		outcome := string(d.Status)
		if d.Status == wxrelay.DeliveryPending {
			outcome = "retrying"
		}
		x.observer.Attempted(outcome, a.Latency)
	}
	return r
}
