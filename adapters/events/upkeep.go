package events

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// backoff is the wait after the current run of failures, on the service's
// shared schedule: doubling from MinBackoff, capped at MaxBackoff, with
// jitter over its upper half.
func (r *Relay) backoff() time.Duration {
	return shared.Backoff{Base: r.cfg.MinBackoff, Cap: r.cfg.MaxBackoff, Jitter: 0.5}.Delay(r.failures, rand.Float64())
}

// prune deletes rows published more than Retention ago.
func (r *Relay) prune(ctx context.Context) {
	n, err := r.store.PruneOutbox(ctx, r.cfg.Now().Add(-r.cfg.Retention))
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("outbox relay: prune failed", "err", brief(err))
		}
		return
	}
	r.metrics.pruned.Add(float64(n))
	if n > 0 {
		r.log.Info("outbox relay: pruned published rows", "rows", n, "retention", r.cfg.Retention)
	}
}

// upkeep refreshes the lag gauges every second and, while this relay holds
// the lease, prunes every PruneInterval, until ctx ends. It runs beside the
// publishing loop rather than in it, so that neither delays a batch.
func (r *Relay) upkeep(ctx context.Context) {
	t := time.NewTicker(min(time.Second, r.cfg.PruneInterval))
	defer t.Stop()
	var nextLag, nextPrune time.Time
	for {
		now := r.cfg.Now()
		if !now.Before(nextLag) {
			nextLag = now.Add(time.Second)
			r.updateLag(ctx)
		}
		if r.cfg.Retention > 0 && r.lease.leading.Load() && !now.Before(nextPrune) {
			nextPrune = now.Add(r.cfg.PruneInterval)
			r.prune(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// updateLag reads the lag once.
func (r *Relay) updateLag(ctx context.Context) {
	n, oldest, err := r.store.OutboxLag(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("outbox relay: could not read the lag", "err", brief(err))
		}
		return
	}
	r.metrics.unpublished.Set(float64(n))
	if oldest.IsZero() {
		r.metrics.oldestAge.Set(0)
	} else {
		r.metrics.oldestAge.Set(max(0, r.cfg.Now().Sub(oldest).Seconds()))
	}
}
