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

// flush writes a batch of outcomes, the projects' failure counts and the
// events they cause in one transaction. When it fails, the leases run out
// and the deliveries are attempted again: delivery is at least once.
func (x *Dispatcher) flush(batch []result) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var release, disabled []int64
	err := x.svc.UoW.Do(ctx, func(ctx context.Context) error {
		release, disabled = release[:0], disabled[:0]
		return x.write(ctx, batch, &release, &disabled)
	})
	if err != nil {
		x.log.Error("wxrelay: write delivery outcomes", "error", err, "deliveries", len(batch))
		disabled = nil
	}
	if len(release) > 0 {
		if err := x.svc.Deliveries.Release(ctx, x.cfg.Owner, release, x.svc.Clock.Now()); err != nil {
			x.log.Error("wxrelay: release deliveries", "error", err)
		}
	}
	x.settle(batch, disabled)
}

// settle lets queued deliveries of projects whose failed attempts are now
// counted start again, and drops those of projects just disabled: their
// deliveries were abandoned, leases included.
func (x *Dispatcher) settle(batch []result, disabled []int64) {
	x.mu.Lock()
	for _, r := range batch {
		if r.attempt != nil && !r.attempt.Succeeded() {
			if x.failing[r.d.ProjectID]--; x.failing[r.d.ProjectID] <= 0 {
				delete(x.failing, r.d.ProjectID)
			}
		}
	}
	if len(disabled) > 0 {
		kept := x.queue[:0]
		for _, q := range x.queue {
			if !slices.Contains(disabled, q.j.d.ProjectID) {
				kept = append(kept, q)
			}
		}
		clear(x.queue[len(kept):])
		x.queue = kept
	}
	x.mu.Unlock()
	x.releaseAll(x.startQueued())
}

func (x *Dispatcher) write(ctx context.Context, batch []result, release, disabled *[]int64) error {
	var attempts []wxrelay.Attempt
	pids := map[int64]bool{}
	for _, r := range batch {
		if r.attempt != nil {
			attempts = append(attempts, *r.attempt)
			pids[r.d.ProjectID] = true
		}
	}
	if err := x.svc.Deliveries.AddAttempts(ctx, attempts); err != nil {
		return fmt.Errorf("add attempts: %w", err)
	}
	projects, err := x.projects(ctx, pids)
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
	held, err := x.svc.Deliveries.SaveAll(ctx, x.cfg.Owner, save)
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
		if r.attempt.Succeeded() {
			p.Failures = 0
		} else {
			p.Failures++
		}
		if p.Active() && x.cfg.Policy.DisableAfter > 0 && p.Failures >= x.cfg.Policy.DisableAfter {
			p.Status = wxrelay.StatusInactive
			events = append(events, wxrelay.ProjectDisabled(p, p.Failures, r.attempt.At))
			*disabled = append(*disabled, p.ID)
			reason := fmt.Sprintf("project was disabled after %d consecutive failed attempts", p.Failures)
			if err := x.svc.abandon(ctx, p.ID, wxrelay.FailedProjectDisabled, reason, r.attempt.At); err != nil {
				return err
			}
		}
		projects[p.ID] = p
	}
	for id, p := range projects {
		if b := before[id]; b.Failures == p.Failures && b.Status == p.Status {
			continue // the common case: a healthy project stays healthy
		}
		if err := x.svc.Projects.SetHealth(ctx, p.ID, p.Failures, p.Status); err != nil {
			return fmt.Errorf("set project %d health: %w", p.ID, err)
		}
	}
	return x.svc.Outbox.Append(ctx, events...)
}

func (x *Dispatcher) projects(ctx context.Context, ids map[int64]bool) (map[int64]wxrelay.Project, error) {
	out := make(map[int64]wxrelay.Project, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	ps, err := x.svc.Projects.ByIDs(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("load projects: %w", err)
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}
