package wxrelay

import (
	"context"
	"fmt"
	"maps"
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

// add notes that project id went through tr.
func (c *changes) add(tr wxrelay.Transition, id int64) {
	switch tr {
	case wxrelay.Paused:
		c.paused = append(c.paused, id)
	case wxrelay.Recovered:
		c.recovered = append(c.recovered, id)
	case wxrelay.Disabled:
		c.disabled = append(c.disabled, id)
	}
}

// flush writes a batch of outcomes, the projects' health and the events
// they cause in one transaction, which also records the attempts of the
// deliveries given a slot meanwhile; those start once it commits. When it
// fails, the leases run out and the deliveries are attempted again:
// delivery is at least once. It returns how many deliveries it started.
// ctx is Run's; the write finishes even after it ended.
func (disp *Dispatcher) flush(ctx context.Context, batch []result) int {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var ch changes
	js, open := disp.takeStarting()
	err := disp.svc.UoW.Do(wctx, func(tctx context.Context) error {
		for i := range open {
			open[i].ID = 0
		}
		if err := disp.svc.Deliveries.OpenAttempts(tctx, open); err != nil {
			return fmt.Errorf("record attempts: %w", err)
		}
		var err error
		ch, err = disp.write(tctx, batch)
		return err
	})
	started := disp.start(ctx, js, open, err)
	if err != nil {
		disp.log.Error("wxrelay: write delivery outcomes", "error", err, "deliveries", len(batch))
		ch = changes{}
	}
	if release := released(batch); len(release) > 0 {
		if err := disp.svc.Deliveries.Release(wctx, disp.cfg.Owner, release, disp.svc.Clock.Now()); err != nil {
			disp.log.Error("wxrelay: release deliveries", "error", err)
		}
	}
	disp.failures.note(disp.log, batch, disp.svc.Clock.Now())
	disp.settle(ctx, batch, ch)
	return started
}

// released lists the deliveries of batch to give back without recording
// anything.
func released(batch []result) []int64 {
	var ids []int64
	for _, r := range batch {
		if r.release {
			ids = append(ids, r.d.ID)
		}
	}
	return ids
}

// settle lets queued deliveries of projects whose failed attempts are now
// counted start again, ends the probes whose outcome is written, and gives
// back the queued deliveries of projects just paused or disabled.
func (disp *Dispatcher) settle(ctx context.Context, batch []result, ch changes) {
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
	disp.releaseAll(append(back, disp.startQueued(ctx)...))
}

// write records a batch of outcomes in the transaction carried by ctx: the
// attempts' results, the deliveries' new states, each attempted project's
// breaker (the rule is wxrelay.Project.Record) and the events of it all. It
// returns the breaker transitions.
func (disp *Dispatcher) write(ctx context.Context, batch []result) (changes, error) {
	var ch changes
	saved, projects, err := disp.save(ctx, batch)
	if err != nil {
		return ch, err
	}
	before := maps.Clone(projects)
	var events []shared.Event
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
		p, ok := projects[r.d.ProjectID]
		if r.attempt == nil || !ok {
			continue
		}
		pausedAt := p.PausedAt
		p, tr := p.Record(r.attempt.Succeeded(), r.probe, r.attempt.At, disp.cfg.Breaker)
		ev, err := disp.transition(ctx, p, tr, pausedAt, r.attempt.At)
		if err != nil {
			return ch, err
		}
		events = append(events, ev...)
		ch.add(tr, p.ID)
		projects[p.ID] = p
	}
	for id, p := range projects {
		if b := before[id]; b.Health == p.Health && b.Status == p.Status {
			continue // the common case: a healthy project stays healthy
		}
		if err := disp.svc.Projects.SetHealth(ctx, p); err != nil {
			return ch, fmt.Errorf("set project %d health: %w", p.ID, err)
		}
	}
	return ch, disp.svc.Outbox.Append(ctx, events...)
}

// save closes the attempts of batch and writes back the deliveries this
// dispatcher still holds. It returns which were written, and the projects
// attempted.
func (disp *Dispatcher) save(ctx context.Context, batch []result) (map[int64]bool, map[int64]wxrelay.Project, error) {
	var attempts []wxrelay.Attempt
	var save []wxrelay.Delivery
	pids := map[int64]bool{}
	for _, r := range batch {
		if r.attempt != nil {
			attempts = append(attempts, *r.attempt)
			pids[r.d.ProjectID] = true
		}
		if !r.release {
			save = append(save, r.d)
		}
	}
	if err := disp.svc.Deliveries.CloseAttempts(ctx, attempts); err != nil {
		return nil, nil, fmt.Errorf("write attempt outcomes: %w", err)
	}
	projects, err := disp.projects(ctx, pids)
	if err != nil {
		return nil, nil, err
	}
	held, err := disp.svc.Deliveries.SaveAll(ctx, disp.cfg.Owner, save)
	if err != nil {
		return nil, nil, fmt.Errorf("save deliveries: %w", err)
	}
	saved := make(map[int64]bool, len(held))
	for _, id := range held {
		saved[id] = true
	}
	return saved, projects, nil
}

// transition logs a breaker transition of p and returns its event; a
// disabled project's pending deliveries are held.
func (disp *Dispatcher) transition(ctx context.Context, p wxrelay.Project, tr wxrelay.Transition, pausedAt, at time.Time) ([]shared.Event, error) {
	switch tr {
	case wxrelay.Paused:
		disp.log.Warn("wxrelay: project paused after consecutive failed attempts; probing it with one delivery at a time",
			"project_id", p.ID, "consecutive_failures", p.Failures, "next_probe_at", p.NextProbeAt)
		return []shared.Event{wxrelay.ProjectPaused(p)}, nil
	case wxrelay.Recovered:
		disp.log.Info("wxrelay: project recovered; its queue drains", "project_id", p.ID, "paused_at", pausedAt)
		return []shared.Event{wxrelay.ProjectRecovered(p, pausedAt, at)}, nil
	case wxrelay.Disabled:
		n, err := disp.svc.Deliveries.HoldPending(ctx, p.ID, at)
		if err != nil {
			return nil, fmt.Errorf("hold deliveries of project %d: %w", p.ID, err)
		}
		disp.log.Warn("wxrelay: project disabled after failing continuously; its deliveries are held until it is enabled again",
			"project_id", p.ID, "failing_since", p.FailingSince, "held", n, "hold_retention", disp.svc.cfg.HoldRetention.String())
		return []shared.Event{wxrelay.ProjectDisabled(p, n, at)}, nil
	}
	return nil, nil
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
