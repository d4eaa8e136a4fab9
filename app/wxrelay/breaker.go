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
func (x *Dispatcher) readPaused(ctx context.Context, now time.Time) error {
	if !x.pausedStale && now.Sub(x.pausedRead) < pausedEvery {
		return nil
	}
	ps, err := x.svc.Projects.Paused(ctx)
	if err != nil {
		return err
	}
	x.pausedRead, x.pausedStale = now, false
	paused := make(map[int64]wxrelay.Project, len(ps))
	for _, p := range ps {
		paused[p.ID] = p
	}
	x.mu.Lock()
	x.paused = paused
	x.mu.Unlock()
	return nil
}

// claimProbes claims one delivery of each paused project whose probe is
// due and that this dispatcher wins the probe of. The probe's slot is
// reserved for at least a lease, so no other replica probes the project
// while this probe may still be running.
func (x *Dispatcher) claimProbes(ctx context.Context, probes []wxrelay.Project, now time.Time) []wxrelay.Delivery {
	var out []wxrelay.Delivery
	for _, p := range probes {
		next := now.Add(max(p.ProbeInterval, x.cfg.Lease()))
		won, err := x.svc.Projects.TakeProbe(ctx, p.ID, now, next)
		if err != nil {
			x.log.Error("wxrelay: reserve probe", "project_id", p.ID, "error", err)
			continue
		}
		x.mu.Lock()
		p.NextProbeAt = next
		x.paused[p.ID] = p
		x.mu.Unlock()
		if !won {
			x.pausedStale = true // another replica probes it: read its new probe time
			continue
		}
		// Probes alternate between the oldest delivery and the least tried
		// one: the oldest closes the breaker soonest for an endpoint that
		// fails each message's first tries, the least tried keeps one
		// failing delivery (a poison payload, one key of an ordered
		// project) from keeping the project paused for all the others.
		ds, err := x.svc.Deliveries.ClaimProbe(ctx, x.cfg.Owner, p.ID, now, now.Add(x.cfg.Lease()), p.Failures%2 == 1)
		if err != nil {
			x.log.Error("wxrelay: claim probe", "project_id", p.ID, "error", err)
			continue
		}
		if len(ds) == 0 {
			continue
		}
		x.mu.Lock()
		x.probing[p.ID] = true
		x.mu.Unlock()
		out = append(out, ds[0])
	}
	return out
}

// maintain renews the leases this dispatcher holds every third of a
// lease, and fails held deliveries older than the hold retention once per
// sweepEvery.
func (x *Dispatcher) maintain(ctx context.Context) {
	now := x.svc.Clock.Now()
	if !now.Before(x.nextRenew) {
		x.nextRenew = now.Add(x.cfg.Lease() / 3)
		x.renew(ctx, now.Add(x.cfg.Lease()))
	}
	if now.Before(x.nextSweep) {
		return
	}
	x.nextSweep = now.Add(sweepEvery)
	n, err := x.svc.ExpireHeld(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		x.log.Error("wxrelay: expire held deliveries", "error", err)
	case n > 0:
		x.log.Warn("wxrelay: held deliveries expired", "deliveries", n, "retention", x.svc.cfg.HoldRetention.String())
	}
}
