package wxrelay

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// queued is a claimed delivery waiting for a slot.
type queued struct {
	j job
	// startBy is the latest start that still ends the attempt (at most
	// Timeout) well inside the lease; a delivery not started by then is
	// given back, so no other dispatcher can claim it while it runs.
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
	startBy := now.Add(x.cfg.Lease() - x.cfg.Timeout - x.cfg.Timeout/2)
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
	var start []job
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
			start = append(start, q.j)
		default:
			kept = append(kept, q)
		}
	}
	clear(x.queue[len(kept):])
	x.queue = kept
	x.wg.Add(len(start))
	x.mu.Unlock()
	for _, j := range start {
		go x.run(j)
	}
	return back
}

// takeQueued empties the queue and returns what it held.
func (x *Dispatcher) takeQueued() []wxrelay.Delivery {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]wxrelay.Delivery, len(x.queue))
	for i, q := range x.queue {
		out[i] = q.j.d
		if q.j.probe {
			delete(x.probing, q.j.d.ProjectID)
		}
	}
	x.queue = nil
	return out
}

// run makes one attempt, frees its slot, hands the outcome to Run's loop
// and fills the slot from the queue.
func (x *Dispatcher) run(j job) {
	defer x.wg.Done()
	r := x.attempt(x.ctx, j)
	x.mu.Lock()
	x.inflight--
	if x.perProject[j.d.ProjectID]--; x.perProject[j.d.ProjectID] <= 0 {
		delete(x.perProject, j.d.ProjectID)
	}
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
