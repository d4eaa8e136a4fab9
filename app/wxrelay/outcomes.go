package wxrelay

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
)

// maxBatch bounds how many outcomes one transaction writes.
const maxBatch = 1024

// changes are the breaker transitions a batch of outcomes caused.
type changes struct {
	paused, recovered, disabled []int64
}

// flush writes a batch of outcomes, the projects' health and the events
// they cause in one transaction, which also records the attempts of the
// deliveries given a slot meanwhile; those start once it commits. When it
// fails, the leases run out and the deliveries are attempted again:
// delivery is at least once. It returns how many deliveries it started.
func (disp *Dispatcher) flush(batch []result) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var release []int64
	var ch changes
	js, open := disp.takeStarting()
	err := disp.svc.UoW.Do(ctx, func(ctx context.Context) error {
		release, ch = release[:0], changes{}
		for i := range open {
			open[i].ID = 0
		}
		if err := disp.svc.Deliveries.OpenAttempts(ctx, open); err != nil {
			return fmt.Errorf("record attempts: %w", err)
		}
		return disp.write(ctx, batch, &release, &ch)
	})
	started := disp.start(js, open, err)
	if err != nil {
		disp.log.Error("wxrelay: write delivery outcomes", "error", err, "deliveries", len(batch))
		ch = changes{}
	}
	if len(release) > 0 {
		if err := disp.svc.Deliveries.Release(ctx, disp.cfg.Owner, release, disp.svc.Clock.Now()); err != nil {
			disp.log.Error("wxrelay: release deliveries", "error", err)
		}
	}
	disp.failures.note(disp.log, batch, disp.svc.Clock.Now())
	disp.settle(batch, ch)
	return started
}

// settle lets queued deliveries of projects whose failed attempts are now
// counted start again, ends the probes whose outcome is written, and gives
// back the queued deliveries of projects just paused or disabled.
func (disp *Dispatcher) settle(batch []result, ch changes) {
	stop := append(append([]int64(nil), ch.paused...), ch.disabled...)
	var back []wxrelay.Delivery
	disp.mu.Lock()
	for _, r := range batch {
		if r.attempt != nil && !r.attempt.Succeeded() {
			if disp.failing[r.d.ProjectID]--; disp.failing[r.d.ProjectID] <= 0 {
				delete(disp.failing, r.d.ProjectID)
			}
		}
		if r.probe {
			delete(disp.probing, r.d.ProjectID)
		}
	}
	for _, id := range ch.recovered {
		delete(disp.paused, id)
	}
	for _, id := range ch.disabled {
		delete(disp.paused, id)
	}
	if len(stop) > 0 {
		kept := disp.queue[:0]
		for _, q := range disp.queue {
			if slices.Contains(stop, q.j.d.ProjectID) {
				back = append(back, q.j.d)
			} else {
				kept = append(kept, q)
			}
		}
		clear(disp.queue[len(kept):])
		disp.queue = kept
	}
	disp.mu.Unlock()
	if len(ch.paused)+len(ch.recovered)+len(ch.disabled) > 0 {
		disp.pausedStale = true
	}
	disp.releaseAll(append(back, disp.startQueued()...))
}

func (disp *Dispatcher) write(ctx context.Context, batch []result, release *[]int64, ch *changes) error {
	var attempts []wxrelay.Attempt
	pids := map[int64]bool{}
	for _, r := range batch {
		if r.attempt != nil {
			attempts = append(attempts, *r.attempt)
			pids[r.d.ProjectID] = true
		}
	}
	if err := disp.svc.Deliveries.CloseAttempts(ctx, attempts); err != nil {
		return fmt.Errorf("write attempt outcomes: %w", err)
	}
	projects, err := disp.projects(ctx, pids)
	if err != nil {
		return err
	}
	var save []wxrelay.Delivery
	for _, r := range batch {
		if r.release {
			*release = append(*release, r.d.ID)
		} else {
			save = append(save, r.d)
		}
	}
	held, err := disp.svc.Deliveries.SaveAll(ctx, disp.cfg.Owner, save)
	if err != nil {
		return fmt.Errorf("save deliveries: %w", err)
	}
	saved := make(map[int64]bool, len(held))
	for _, id := range held {
		saved[id] = true
	}
	var events []shared.Event
	before := make(map[int64]wxrelay.Project, len(projects))
	for id, p := range projects {
		before[id] = p
	}
	for _, r := range batch {
		if !saved[r.d.ID] {
			continue // released, or the lease ran out and another dispatcher took over
		}
		switch r.d.Status {
		case wxrelay.DeliverySucceeded:
			events = append(events, wxrelay.SucceededEvent(r.d))
		case wxrelay.DeliveryFailed:
			events = append(events, wxrelay.FailedEvent(r.d, r.why))
		}
		if r.attempt == nil {
			continue
		}
		p, ok := projects[r.d.ProjectID]
		if !ok {
			continue
		}
		pausedAt := p.PausedAt
		p, tr := p.Record(r.attempt.Succeeded(), r.probe, r.attempt.At, disp.cfg.Breaker)
		switch tr {
		case wxrelay.Paused:
			events = append(events, wxrelay.ProjectPaused(p))
			ch.paused = append(ch.paused, p.ID)
			disp.log.Warn("wxrelay: project paused after consecutive failed attempts; probing it with one delivery at a time",
				"project_id", p.ID, "consecutive_failures", p.Failures, "next_probe_at", p.NextProbeAt)
		case wxrelay.Recovered:
			events = append(events, wxrelay.ProjectRecovered(p, pausedAt, r.attempt.At))
			ch.recovered = append(ch.recovered, p.ID)
			disp.log.Info("wxrelay: project recovered; its queue drains", "project_id", p.ID, "paused_at", pausedAt)
		case wxrelay.Disabled:
			n, err := disp.svc.Deliveries.HoldPending(ctx, p.ID, r.attempt.At)
			if err != nil {
				return fmt.Errorf("hold deliveries of project %d: %w", p.ID, err)
			}
			events = append(events, wxrelay.ProjectDisabled(p, n, r.attempt.At))
			ch.disabled = append(ch.disabled, p.ID)
			disp.log.Warn("wxrelay: project disabled after failing continuously; its deliveries are held until it is enabled again",
				"project_id", p.ID, "failing_since", p.FailingSince, "held", n, "hold_retention", disp.svc.cfg.HoldRetention.String())
		}
		projects[p.ID] = p
	}
	for id, p := range projects {
		if b := before[id]; b.Health == p.Health && b.Status == p.Status {
			continue // the common case: a healthy project stays healthy
		}
		if err := disp.svc.Projects.SetHealth(ctx, p); err != nil {
			return fmt.Errorf("set project %d health: %w", p.ID, err)
		}
	}
	return disp.svc.Outbox.Append(ctx, events...)
}

func (disp *Dispatcher) projects(ctx context.Context, ids map[int64]bool) (map[int64]wxrelay.Project, error) {
	out := make(map[int64]wxrelay.Project, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	ps, err := disp.svc.Projects.ByIDs(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("load projects: %w", err)
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}
