package events

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/campushub/campushub/ports"
)

// batch is a run of claimed outbox rows on its way through the relay.
type batch struct {
	msgs    []ports.OutboxMessage
	ids     []int64
	claimed time.Time // when the claim started, for the batch duration metric
}

// flight is a batch being published; done receives Publish's result.
type flight struct {
	batch
	done chan error
}

// step moves the pipeline on by one batch and returns the size of the batch
// it sent off (0 when the outbox is drained). While the batch in flight is
// on its way to the broker, it marks the batch before it published and
// claims the next one, leaving the rows in flight out of the claim. The next
// batch is only handed to the broker once the one in flight was
// acknowledged, so a key's events reach the broker in order; when a publish
// fails, the batch claimed meanwhile is dropped, and the retry claims both
// again from the head of the queue (their rows stay leased to this relay).
func (r *Relay) step(ctx context.Context) (int, error) {
	started := time.Now()
	var skip []int64
	if r.flight != nil {
		skip = append(skip, r.flight.ids...)
	}
	marked := make(chan error, 1)
	switch {
	case r.done == nil:
		marked <- nil
	case r.serialWrites:
		marked <- r.markDone(ctx)
	default:
		// Marked on a connection of its own, at the same time as the claim.
		skip = append(skip, r.done.ids...)
		go func() { marked <- r.markDone(ctx) }()
	}
	msgs, err := r.store.ClaimOutbox(ctx, r.cfg.Owner, r.cfg.BatchSize, r.rowLease(), skip)
	err = errors.Join(<-marked, err)
	landed, pubErr := r.awaitFlight()
	if pubErr != nil {
		if ctx.Err() != nil {
			// Shutting down: hand the rows to whoever takes over.
			r.release(ctx, append(landed.ids, idsOf(msgs)...))
		}
		return 0, pubErr
	}
	if err != nil {
		return 0, err
	}
	if len(msgs) == 0 {
		// Nothing new: record the last batch now rather than a poll later.
		return 0, r.markDone(ctx)
	}
	r.launch(ctx, batch{msgs: msgs, ids: idsOf(msgs), claimed: started})
	return len(msgs), nil
}

// rowLease is how long claimed rows stay leased: a batch may wait for the
// one in flight and then take its own publish, and the lease must outlast
// both, plus the relay lease, so that nobody else claims rows still being
// sent.
func (r *Relay) rowLease() time.Duration { return 2*r.cfg.PublishTimeout + r.cfg.LeaseTTL }

// launch publishes b in the background, within PublishTimeout; the publish
// finishes even when ctx ends.
func (r *Relay) launch(ctx context.Context, b batch) {
	f := &flight{batch: b, done: make(chan error, 1)}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
	go func() {
		defer cancel()
		f.done <- r.pub.Publish(wctx, f.msgs)
	}()
	r.flight = f
}

// awaitFlight waits for the batch in flight, if any. Once the broker has
// acknowledged it, it becomes the batch waiting to be marked published.
func (r *Relay) awaitFlight() (batch, error) {
	f := r.flight
	if f == nil {
		return batch{}, nil
	}
	r.flight = nil
	if err := <-f.done; err != nil {
		return f.batch, err
	}
	r.done = &f.batch
	r.recovered()
	return f.batch, nil
}

// markDone marks the acknowledged batch published. On failure the batch is
// kept and marked again at the next step; its rows stay leased to this
// relay meanwhile, so nobody sends them again unless this relay dies.
func (r *Relay) markDone(ctx context.Context) error {
	b := r.done
	if b == nil {
		return nil
	}
	if err := r.store.MarkPublished(ctx, b.ids); err != nil {
		return fmt.Errorf("%d rows reached the broker but could not be marked published: %w", len(b.ids), err)
	}
	r.done = nil
	r.metrics.published.Add(float64(len(b.ids)))
	r.metrics.batch.Observe(time.Since(b.claimed).Seconds())
	return nil
}

// land finishes the pipeline before the relay stops publishing (shutdown or
// a lost lease): it waits for the batch in flight and marks what the broker
// acknowledged. Rows that could not be published are released on shutdown.
func (r *Relay) land(ctx context.Context) {
	if r.flight == nil && r.done == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
	defer cancel()
	r.markLanded(fctx)
	landed, err := r.awaitFlight()
	switch {
	case err != nil && ctx.Err() != nil:
		r.release(fctx, landed.ids)
	case err != nil:
		r.log.Warn("outbox relay: last batch failed", "err", err)
	}
	r.markLanded(fctx)
}

// markLanded marks the acknowledged batch published, or gives up on it: its
// rows are sent again once their lease expires.
func (r *Relay) markLanded(ctx context.Context) {
	if err := r.markDone(ctx); err != nil {
		r.log.Warn("outbox relay: could not mark published rows (they will be sent again)", "err", err)
	}
	r.done = nil
}

// release drops this relay's leases on ids, so another replica can claim
// them at once.
func (r *Relay) release(ctx context.Context, ids []int64) {
	if len(ids) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.store.ReleaseOutbox(rctx, r.cfg.Owner, ids); err != nil && !errors.Is(err, context.Canceled) {
		r.log.Warn("outbox relay: could not release claimed rows", "err", err)
	}
}

func idsOf(msgs []ports.OutboxMessage) []int64 {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}
