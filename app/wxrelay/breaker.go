package wxrelay

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

const (
	// pausedEvery is how often the dispatcher reads which projects are
	// paused, so that a breaker another replica opened or closed is seen.
	pausedEvery = time.Second
	// sweepEvery is how often held deliveries are checked for expiry.
	sweepEvery = time.Minute
)

// readPaused reads the paused projects when the last read is older than
// pausedEvery or a flush changed a breaker.
func (disp *Dispatcher) readPaused(ctx context.Context, now time.Time) error {
	if !disp.pausedStale && now.Sub(disp.pausedRead) < pausedEvery {
		return nil
	}
	ps, err := disp.svc.Projects.Paused(ctx)
	if err != nil {
		return err
	}
	disp.pausedRead, disp.pausedStale = now, false
	paused := make(map[int64]wxrelay.Project, len(ps))
	for _, p := range ps {
		paused[p.ID] = p
	}
	disp.mu.Lock()
	disp.paused = paused
	disp.mu.Unlock()
	return nil
}

// claimProbes claims one delivery of each paused project whose probe is
// due and that this dispatcher wins the probe of. The probe's slot is
// reserved for at least a lease, so no other replica probes the project
// while this probe may still be running.
func (disp *Dispatcher) claimProbes(ctx context.Context, probes []wxrelay.Project, now time.Time) []wxrelay.Delivery {
	var out []wxrelay.Delivery
	for _, p := range probes {
		next := now.Add(max(p.ProbeInterval, disp.cfg.Lease()))
		won, err := disp.svc.Projects.TakeProbe(ctx, p.ID, now, next)
		if err != nil {
			disp.log.Error("wxrelay: reserve probe", "project_id", p.ID, "error", err)
			continue
		}
		disp.mu.Lock()
		p.NextProbeAt = next
		disp.paused[p.ID] = p
		disp.mu.Unlock()
		if !won {
			disp.pausedStale = true // another replica probes it: read its new probe time
			continue
		}
		// Probes alternate between the oldest delivery and the least tried
		// one: the oldest closes the breaker soonest for an endpoint that
		// fails each message's first tries, the least tried keeps one
		// failing delivery (a poison payload, one key of an ordered
		// project) from keeping the project paused for all the others.
		ds, err := disp.svc.Deliveries.ClaimProbe(ctx, disp.cfg.Owner, p.ID, now, now.Add(disp.cfg.Lease()), p.Failures%2 == 1)
		if err != nil {
			disp.log.Error("wxrelay: claim probe", "project_id", p.ID, "error", err)
			continue
		}
		if len(ds) == 0 {
			continue
		}
		disp.mu.Lock()
		disp.probing[p.ID] = true
		disp.mu.Unlock()
		out = append(out, ds[0])
	}
	return out
}

// maintain renews the leases this dispatcher holds every third of a
// lease, and fails held deliveries older than the hold retention once per
// sweepEvery.
func (disp *Dispatcher) maintain(ctx context.Context) {
	now := disp.svc.Clock.Now()
	if !now.Before(disp.nextRenew) {
		disp.nextRenew = now.Add(disp.cfg.Lease() / 3)
		disp.renew(ctx, now.Add(disp.cfg.Lease()))
	}
	if now.Before(disp.nextSweep) {
		return
	}
	disp.nextSweep = now.Add(sweepEvery)
	n, err := disp.svc.ExpireHeld(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		disp.log.Error("wxrelay: expire held deliveries", "error", err)
	case n > 0:
		disp.log.Warn("wxrelay: held deliveries expired", "deliveries", n, "retention", disp.svc.cfg.HoldRetention.String())
	}
}
