package wxrelay

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// queued is a claimed delivery waiting for a slot.
type queued struct {
	j job
	// startBy is the latest start: a delivery that waited a whole lease
	// (renewed meanwhile) is given back, so claims stay fresh.
	startBy time.Time
}

// fill claims due deliveries for the free slots and as many again to
// queue, and starts what fits. Projects whose slots and queue share are
// taken are left out of the claim; deliveries beyond a project's share are
// given back.
func (disp *Dispatcher) fill(ctx context.Context) (int, error) {
	now := disp.svc.Clock.Now()
	if err := disp.readPaused(ctx, now); err != nil && ctx.Err() == nil {
		disp.log.Error("wxrelay: read paused projects", "error", err)
	}
	disp.mu.Lock()
	room := 2*disp.cfg.Concurrency - disp.inflight - len(disp.queue)
	held := disp.heldPerProject()
	var skip []int64
	for id, n := range held {
		if n >= 2*disp.cfg.PerProject {
			skip = append(skip, id)
		}
	}
	var probes []wxrelay.Project
	for id, p := range disp.paused {
		skip = append(skip, id)
		if p.ProbeDue(now) && !disp.probing[id] {
			probes = append(probes, p)
		}
	}
	disp.mu.Unlock()
	if room <= 0 {
		return 0, nil
	}
	ds, err := disp.svc.Deliveries.Claim(ctx, disp.cfg.Owner, now, now.Add(disp.cfg.Lease()), room, skip)
	if err != nil {
		return 0, err
	}
	probed := disp.claimProbes(ctx, probes, now)
	if len(ds)+len(probed) == 0 {
		return 0, nil
	}
	ds = append(ds, probed...)
	err = disp.closeUnknown(ctx, ds)
	var jobs []job
	if err == nil {
		jobs, err = disp.load(ctx, ds)
	}
	if err != nil {
		disp.dropClaim(ds, probed)
		return 0, err
	}
	for i := len(jobs) - len(probed); i < len(jobs); i++ {
		jobs[i].probe = true
	}
	startBy := now.Add(disp.cfg.Lease())
	var back []wxrelay.Delivery
	disp.mu.Lock()
	for _, j := range jobs {
		if held[j.d.ProjectID] >= 2*disp.cfg.PerProject && !j.probe {
			back = append(back, j.d)
			continue
		}
		held[j.d.ProjectID]++
		disp.queue = append(disp.queue, queued{j: j, startBy: startBy})
	}
	disp.mu.Unlock()
	disp.releaseAll(append(back, disp.startQueued(ctx)...))
	return len(jobs) - len(back), nil
}

// dropClaim gives back claimed deliveries that could not be prepared and
// ends the probes among them.
func (disp *Dispatcher) dropClaim(ds, probed []wxrelay.Delivery) {
	disp.releaseAll(ds)
	disp.mu.Lock()
	for _, d := range probed {
		delete(disp.probing, d.ProjectID)
	}
	disp.mu.Unlock()
}

// heldPerProject counts each project's deliveries in flight or queued;
// disp.mu is held.
func (disp *Dispatcher) heldPerProject() map[int64]int {
	held := make(map[int64]int, len(disp.perProject))
	for id, n := range disp.perProject {
		held[id] = n
	}
	for _, q := range disp.queue {
		held[q.j.d.ProjectID]++
	}
	return held
}

// startQueued starts queued deliveries, oldest first, while the overall
// and per-project bounds allow and their project has no failed attempt
// waiting to be counted (it may be about to be disabled), and returns those to give back: they
// waited past their start deadline, or the dispatcher is stopping (ctx,
// Run's, ended).
func (disp *Dispatcher) startQueued(ctx context.Context) []wxrelay.Delivery {
	now := disp.svc.Clock.Now()
	var start bool
	var back []wxrelay.Delivery
	disp.mu.Lock()
	kept := disp.queue[:0]
	for _, q := range disp.queue {
		pid := q.j.d.ProjectID
		switch {
		case ctx.Err() != nil || now.After(q.startBy):
			back = append(back, q.j.d)
			if q.j.probe {
				delete(disp.probing, pid)
			}
		case !q.j.probe && disp.paused[pid].ID != 0:
			back = append(back, q.j.d) // its project was paused after the claim
		case disp.inflight < disp.cfg.Concurrency && disp.perProject[pid] < disp.cfg.PerProject && disp.failing[pid] == 0:
			disp.inflight++
			disp.perProject[pid]++
			disp.starting = append(disp.starting, q.j)
			start = true
		default:
			kept = append(kept, q)
		}
	}
	clear(disp.queue[len(kept):])
	disp.queue = kept
	disp.mu.Unlock()
	if start {
		disp.Wake() // Run's loop records their attempts and launches them
	}
	return back
}

// sends reports whether j will make a request (else it ends without one).
func (disp *Dispatcher) sends(j job) bool {
	return j.found && j.p.Active() && j.bodyErr == nil && j.body != nil && j.d.Attempts < disp.cfg.Policy.MaxAttempts
}

// takeStarting takes the deliveries given a slot, with the attempts to
// record for those that will send a request.
func (disp *Dispatcher) takeStarting() ([]job, []wxrelay.Attempt) {
	disp.mu.Lock()
	js := disp.starting
	disp.starting = nil
	disp.mu.Unlock()
	if len(js) == 0 {
		return nil, nil
	}
	now := disp.svc.Clock.Now()
	var open []wxrelay.Attempt
	for _, j := range js {
		if disp.sends(j) {
			open = append(open, wxrelay.Attempt{DeliveryID: j.d.ID, ProjectID: j.d.ProjectID, At: now, InFlight: true})
		}
	}
	return js, open
}

// launch records, in one statement, an attempt for every delivery given a
// slot — before any of their requests leaves — and starts them. It
// returns how many it started. ctx is Run's; the attempts outlive it.
func (disp *Dispatcher) launch(ctx context.Context) int {
	js, open := disp.takeStarting()
	if len(js) == 0 {
		return 0
	}
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	err := disp.svc.Deliveries.OpenAttempts(octx, open)
	cancel()
	return disp.start(ctx, js, open, err)
}

// start launches js whose attempts open were recorded, or gives them back
// when recording failed (err). ctx is Run's.
func (disp *Dispatcher) start(ctx context.Context, js []job, open []wxrelay.Attempt, err error) int {
	if len(js) == 0 {
		return 0
	}
	if err != nil {
		disp.log.Error("wxrelay: record attempts", "error", err, "deliveries", len(js))
		var back []wxrelay.Delivery
		disp.mu.Lock()
		for _, j := range js {
			disp.free(j.d.ProjectID)
			if j.probe {
				delete(disp.probing, j.d.ProjectID)
			}
			back = append(back, j.d)
		}
		disp.mu.Unlock()
		disp.releaseAll(back)
		return 0
	}
	byDelivery := make(map[int64]wxrelay.Attempt, len(open))
	for _, a := range open {
		byDelivery[a.DeliveryID] = a
	}
	disp.mu.Lock()
	for i := range js {
		js[i].attempt = byDelivery[js[i].d.ID]
		disp.running[js[i].d.ID] = true
	}
	disp.wg.Add(len(js))
	disp.mu.Unlock()
	for _, j := range js {
		go disp.run(ctx, j)
	}
	return len(js)
}

// free gives back a slot of project pid; disp.mu is held.
func (disp *Dispatcher) free(pid int64) {
	disp.inflight--
	if disp.perProject[pid]--; disp.perProject[pid] <= 0 {
		delete(disp.perProject, pid)
	}
}

// closeUnknown closes the attempts of claimed deliveries that a stopped
// process recorded and never finished, counting them in ds.
func (disp *Dispatcher) closeUnknown(ctx context.Context, ds []wxrelay.Delivery) error {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	counts, err := disp.svc.Deliveries.CloseUnknown(ctx, ids, wxrelay.OutcomeUnknown)
	if err != nil {
		return err
	}
	for i, d := range ds {
		if n := counts[d.ID]; n > 0 {
			ds[i].Attempts += n
			ds[i].LastError = wxrelay.OutcomeUnknown
		}
	}
	if len(counts) > 0 {
		disp.log.Warn("wxrelay: attempts of a stopped process closed as outcome unknown", "deliveries", len(counts))
	}
	return nil
}

// renew extends the leases of every delivery this dispatcher holds —
// queued, starting or under way — until until.
func (disp *Dispatcher) renew(ctx context.Context, until time.Time) {
	disp.mu.Lock()
	ids := make([]int64, 0, len(disp.running)+len(disp.queue)+len(disp.starting))
	for id := range disp.running {
		ids = append(ids, id)
	}
	for _, q := range disp.queue {
		ids = append(ids, q.j.d.ID)
	}
	for _, j := range disp.starting {
		ids = append(ids, j.d.ID)
	}
	disp.mu.Unlock()
	for start := 0; start < len(ids); start += abandonBatch {
		if err := disp.svc.Deliveries.Renew(ctx, disp.cfg.Owner, ids[start:min(start+abandonBatch, len(ids))], until); err != nil {
			disp.log.Error("wxrelay: renew delivery leases", "error", err, "deliveries", len(ids))
			return
		}
	}
}

// abandonBatch bounds the ids of one lease renewal.
const abandonBatch = 1000

// takeQueued empties the queue and returns what it held.
func (disp *Dispatcher) takeQueued() []wxrelay.Delivery {
	disp.mu.Lock()
	defer disp.mu.Unlock()
	out := make([]wxrelay.Delivery, 0, len(disp.queue)+len(disp.starting))
	for _, q := range disp.queue {
		out = append(out, q.j.d)
		if q.j.probe {
			delete(disp.probing, q.j.d.ProjectID)
		}
	}
	for _, j := range disp.starting {
		out = append(out, j.d)
		disp.free(j.d.ProjectID)
		if j.probe {
			delete(disp.probing, j.d.ProjectID)
		}
	}
	disp.queue, disp.starting = nil, nil
	return out
}

// run makes one attempt, frees its slot, hands the outcome to Run's loop
// and fills the slot from the queue. ctx is Run's: the attempt finishes
// even after it ended.
func (disp *Dispatcher) run(ctx context.Context, j job) {
	defer disp.wg.Done()
	r := disp.attempt(ctx, j)
	disp.mu.Lock()
	disp.free(j.d.ProjectID)
	delete(disp.running, j.d.ID)
	if r.attempt != nil && !r.attempt.Succeeded() {
		disp.failing[j.d.ProjectID]++ // until flush counts it towards disabling
	}
	disp.mu.Unlock()
	disp.results <- r
	for _, d := range disp.startQueued(ctx) {
		disp.results <- result{d: d, release: true}
	}
	disp.Wake()
}
