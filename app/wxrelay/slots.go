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
func (x *Dispatcher) fill(ctx context.Context) (int, error) {
	now := x.svc.Clock.Now()
	if err := x.readPaused(ctx, now); err != nil && ctx.Err() == nil {
		x.log.Error("wxrelay: read paused projects", "error", err)
	}
	x.mu.Lock()
	room := 2*x.cfg.Concurrency - x.inflight - len(x.queue)
	held := x.heldPerProject()
	var skip []int64
	for id, n := range held {
		if n >= 2*x.cfg.PerProject {
			skip = append(skip, id)
		}
	}
	var probes []wxrelay.Project
	for id, p := range x.paused {
		skip = append(skip, id)
		if p.ProbeDue(now) && !x.probing[id] {
			probes = append(probes, p)
		}
	}
	x.mu.Unlock()
	if room <= 0 {
		return 0, nil
	}
	ds, err := x.svc.Deliveries.Claim(ctx, x.cfg.Owner, now, now.Add(x.cfg.Lease()), room, skip)
	if err != nil {
		return 0, err
	}
	probed := x.claimProbes(ctx, probes, now)
	if len(ds)+len(probed) == 0 {
		return 0, nil
	}
	ds = append(ds, probed...)
	if err := x.closeUnknown(ctx, ds); err != nil {
		x.releaseAll(ds)
		x.mu.Lock()
		for _, d := range probed {
			delete(x.probing, d.ProjectID)
		}
		x.mu.Unlock()
		return 0, err
	}
	jobs, err := x.load(ctx, ds)
	if err != nil {
		x.releaseAll(ds)
		x.mu.Lock()
		for _, d := range probed {
			delete(x.probing, d.ProjectID)
		}
		x.mu.Unlock()
		return 0, err
	}
	for i := len(jobs) - len(probed); i < len(jobs); i++ {
		jobs[i].probe = true
	}
	startBy := now.Add(x.cfg.Lease())
	var back []wxrelay.Delivery
	x.mu.Lock()
	for _, j := range jobs {
		if held[j.d.ProjectID] >= 2*x.cfg.PerProject && !j.probe {
			back = append(back, j.d)
			continue
		}
		held[j.d.ProjectID]++
		x.queue = append(x.queue, queued{j: j, startBy: startBy})
	}
	x.mu.Unlock()
	x.releaseAll(append(back, x.startQueued()...))
	return len(jobs) - len(back), nil
}

// heldPerProject counts each project's deliveries in flight or queued;
// x.mu is held.
func (x *Dispatcher) heldPerProject() map[int64]int {
	held := make(map[int64]int, len(x.perProject))
	for id, n := range x.perProject {
		held[id] = n
	}
	for _, q := range x.queue {
		held[q.j.d.ProjectID]++
	}
	return held
}

// startQueued starts queued deliveries, oldest first, while the overall
// and per-project bounds allow and their project has no failed attempt
// waiting to be counted (it may be about to be disabled), and returns those to give back: they
// waited past their start deadline, or the dispatcher is stopping.
func (x *Dispatcher) startQueued() []wxrelay.Delivery {
	now := x.svc.Clock.Now()
	var start bool
	var back []wxrelay.Delivery
	x.mu.Lock()
	kept := x.queue[:0]
	for _, q := range x.queue {
		pid := q.j.d.ProjectID
		switch {
		case x.ctx.Err() != nil || now.After(q.startBy):
			back = append(back, q.j.d)
			if q.j.probe {
				delete(x.probing, pid)
			}
		case !q.j.probe && x.paused[pid].ID != 0:
			back = append(back, q.j.d) // its project was paused after the claim
		case x.inflight < x.cfg.Concurrency && x.perProject[pid] < x.cfg.PerProject && x.failing[pid] == 0:
			x.inflight++
			x.perProject[pid]++
			x.starting = append(x.starting, q.j)
			start = true
		default:
			kept = append(kept, q)
		}
	}
	clear(x.queue[len(kept):])
	x.queue = kept
	x.mu.Unlock()
	if start {
		x.Notify() // Run's loop records their attempts and launches them
	}
	return back
}

// sends reports whether j will make a request (else it ends without one).
func (x *Dispatcher) sends(j job) bool {
	return j.found && j.p.Active() && j.bodyErr == nil && j.body != nil && j.d.Attempts < x.cfg.Policy.MaxAttempts
}

// takeStarting takes the deliveries given a slot, with the attempts to
// record for those that will send a request.
func (x *Dispatcher) takeStarting() ([]job, []wxrelay.Attempt) {
	x.mu.Lock()
	js := x.starting
	x.starting = nil
	x.mu.Unlock()
	if len(js) == 0 {
		return nil, nil
	}
	now := x.svc.Clock.Now()
	var open []wxrelay.Attempt
	for _, j := range js {
		if x.sends(j) {
			open = append(open, wxrelay.Attempt{DeliveryID: j.d.ID, ProjectID: j.d.ProjectID, At: now, InFlight: true})
		}
	}
	return js, open
}

// launch records, in one statement, an attempt for every delivery given a
// slot — before any of their requests leaves — and starts them. It
// returns how many it started.
func (x *Dispatcher) launch() int {
	js, open := x.takeStarting()
	if len(js) == 0 {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := x.svc.Deliveries.OpenAttempts(ctx, open)
	cancel()
	return x.start(js, open, err)
}

// start launches js whose attempts open were recorded, or gives them back
// when recording failed (err).
func (x *Dispatcher) start(js []job, open []wxrelay.Attempt, err error) int {
	if len(js) == 0 {
		return 0
	}
	if err != nil {
		x.log.Error("wxrelay: record attempts", "error", err, "deliveries", len(js))
		var back []wxrelay.Delivery
		x.mu.Lock()
		for _, j := range js {
			x.free(j.d.ProjectID)
			if j.probe {
				delete(x.probing, j.d.ProjectID)
			}
			back = append(back, j.d)
		}
		x.mu.Unlock()
		x.releaseAll(back)
		return 0
	}
	byDelivery := make(map[int64]wxrelay.Attempt, len(open))
	for _, a := range open {
		byDelivery[a.DeliveryID] = a
	}
	x.mu.Lock()
	for i := range js {
		js[i].attempt = byDelivery[js[i].d.ID]
		x.running[js[i].d.ID] = true
	}
	x.wg.Add(len(js))
	x.mu.Unlock()
	for _, j := range js {
		go x.run(j)
	}
	return len(js)
}

// free gives back a slot of project pid; x.mu is held.
func (x *Dispatcher) free(pid int64) {
	x.inflight--
	if x.perProject[pid]--; x.perProject[pid] <= 0 {
		delete(x.perProject, pid)
	}
}

// closeUnknown closes the attempts of claimed deliveries that a stopped
// process recorded and never finished, counting them in ds.
func (x *Dispatcher) closeUnknown(ctx context.Context, ds []wxrelay.Delivery) error {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	counts, err := x.svc.Deliveries.CloseUnknown(ctx, ids, wxrelay.OutcomeUnknown)
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
		x.log.Warn("wxrelay: attempts of a stopped process closed as outcome unknown", "deliveries", len(counts))
	}
	return nil
}

// renew extends the leases of every delivery this dispatcher holds —
// queued, starting or under way — until until.
func (x *Dispatcher) renew(ctx context.Context, until time.Time) {
	x.mu.Lock()
	ids := make([]int64, 0, len(x.running)+len(x.queue)+len(x.starting))
	for id := range x.running {
		ids = append(ids, id)
	}
	for _, q := range x.queue {
		ids = append(ids, q.j.d.ID)
	}
	for _, j := range x.starting {
		ids = append(ids, j.d.ID)
	}
	x.mu.Unlock()
	for start := 0; start < len(ids); start += abandonBatch {
		if err := x.svc.Deliveries.Renew(ctx, x.cfg.Owner, ids[start:min(start+abandonBatch, len(ids))], until); err != nil {
			x.log.Error("wxrelay: renew delivery leases", "error", err, "deliveries", len(ids))
			return
		}
	}
}

// abandonBatch bounds the ids of one lease renewal.
const abandonBatch = 1000

// takeQueued empties the queue and returns what it held.
func (x *Dispatcher) takeQueued() []wxrelay.Delivery {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]wxrelay.Delivery, 0, len(x.queue)+len(x.starting))
	for _, q := range x.queue {
		out = append(out, q.j.d)
		if q.j.probe {
			delete(x.probing, q.j.d.ProjectID)
		}
	}
	for _, j := range x.starting {
		out = append(out, j.d)
		x.free(j.d.ProjectID)
		if j.probe {
			delete(x.probing, j.d.ProjectID)
		}
	}
	x.queue, x.starting = nil, nil
	return out
}

// run makes one attempt, frees its slot, hands the outcome to Run's loop
// and fills the slot from the queue.
func (x *Dispatcher) run(j job) {
	defer x.wg.Done()
	r := x.attempt(x.ctx, j)
	x.mu.Lock()
	x.free(j.d.ProjectID)
	delete(x.running, j.d.ID)
	if r.attempt != nil && !r.attempt.Succeeded() {
		x.failing[j.d.ProjectID]++ // until flush counts it towards disabling
	}
	x.mu.Unlock()
	x.results <- r
	for _, d := range x.startQueued() {
		x.results <- result{d: d, release: true}
	}
	x.Notify()
}
