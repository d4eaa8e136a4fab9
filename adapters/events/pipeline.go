package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/campushub/campushub/ports"
)

// batch is a run of claimed outbox rows on its way through the relay.
type batch struct {
	msgs    []ports.OutboxMessage
	ids     []int64
	claimed time.Time // when the claim started, for the batch duration metric
}

// flight is a batch being published; done receives Publish's result, and
// landed is closed once it has.
type flight struct {
	batch
	done     chan error
	landed   chan struct{}
	launched time.Time
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
	done := r.done
	r.done = nil
	marked := make(chan error, 1)
	switch {
	case done == nil:
		marked <- nil
	case r.serialWrites:
		marked <- r.mark(ctx, done)
	default:
		// Marked on a connection of its own, while the next batch is
		// claimed and sent.
		skip = append(skip, done.ids...)
		go func() { marked <- r.mark(ctx, done) }()
	}
	claimStart := r.cfg.Now()
	r.blockedUntil = time.Time{}
	msgs, err := r.store.ClaimOutbox(ctx, r.cfg.Owner, r.cfg.BatchSize, r.cfg.LeaseTTL, skip)
	if r.waitForClaim(err) {
		msgs, err = nil, nil
	}
	if len(msgs) > 0 {
		r.claiming = true
		r.blockedBy = ""
		r.lease.claimUntil.Store(claimStart.Add(r.cfg.LeaseTTL).UnixNano())
		r.lease.claimed.Store(true)
	}
	pubErr := r.awaitFlight()
	if pubErr == nil && err == nil && len(msgs) > 0 {
		r.launch(ctx, batch{msgs: msgs, ids: idsOf(msgs), claimed: started})
	}
	if markErr := <-marked; markErr != nil {
		r.keep(done)
		err = errors.Join(err, markErr)
	}
	switch {
	case pubErr != nil:
		return 0, pubErr
	case err != nil:
		return 0, err
	case len(msgs) == 0:
		// Nothing new: record the last batch now rather than a poll later.
		return 0, r.markDone(ctx)
	}
	return len(msgs), nil
}

// launch publishes b in the background, within PublishTimeout; the publish
// finishes even when ctx ends, unless the lease keeper ends it because the
// claim on its rows could not be renewed.
func (r *Relay) launch(ctx context.Context, b batch) {
	f := &flight{batch: b, done: make(chan error, 1), landed: make(chan struct{}), launched: time.Now()}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
	r.setFlightCancel(cancel)
	go func() {
		err := r.pub.Publish(wctx, f.msgs)
		r.setFlightCancel(nil)
		cancel()
		if err != nil {
			err = fmt.Errorf("%d rows: %w", len(f.ids), err)
		}
		f.done <- err
		close(f.landed)
	}()
	r.flight = f
}

// awaitFlight waits for the batch in flight, if any. Once the broker has
// acknowledged it, its rows join those waiting to be marked published.
func (r *Relay) awaitFlight() error {
	f := r.flight
	if f == nil {
		return nil
	}
	r.flight = nil
	if err := <-f.done; err != nil {
		r.failedLaunch = f.launched
		return err
	}
	r.keep(&f.batch)
	r.recovered()
	return nil
}

// markDone marks the acknowledged rows published. On failure they are kept
// and marked again at the next step; meanwhile this relay's claim still
// covers them, so nobody sends them again unless this relay dies.
func (r *Relay) markDone(ctx context.Context) error {
	done := r.done
	if done == nil {
		return nil
	}
	r.done = nil
	if err := r.mark(ctx, done); err != nil {
		r.keep(done)
		return err
	}
	return nil
}

// mark marks b published and counts it.
func (r *Relay) mark(ctx context.Context, b *batch) error {
	if err := r.store.MarkPublished(ctx, b.ids); err != nil {
		return fmt.Errorf("%d rows reached the broker but could not be marked published: %w", len(b.ids), err)
	}
	r.metrics.published.Add(float64(len(b.ids)))
	r.metrics.batch.Observe(time.Since(b.claimed).Seconds())
	return nil
}

// keep adds b to the rows waiting to be marked published.
func (r *Relay) keep(b *batch) {
	if r.done == nil {
		r.done = b
		return
	}
	claimed := r.done.claimed
	if b.claimed.Before(claimed) {
		claimed = b.claimed
	}
	r.done = &batch{ids: append(slices.Clone(b.ids), r.done.ids...), claimed: claimed}
}

// land finishes the pipeline before the relay stops publishing (shutdown or
// a lost lease): it waits for the batch in flight, marks what the broker
// acknowledged and gives up the claim on the outbox, so that the relay that
// takes over need not wait for it to expire.
func (r *Relay) land(ctx context.Context) {
	if !r.claiming {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
	defer cancel()
	r.markLanded(fctx)
	if err := r.awaitFlight(); err != nil {
		r.log.Warn("outbox relay: last batch failed", "err", brief(err))
	}
	r.markLanded(fctx)
	r.release(fctx)
	r.claiming = false
	r.lease.claimed.Store(false)
}

// markLanded marks the acknowledged batch published, or gives up on it: its
// rows are sent again once their lease expires.
func (r *Relay) markLanded(ctx context.Context) {
	if err := r.markDone(ctx); err != nil {
		r.log.Warn("outbox relay: could not mark published rows (they will be sent again)", "err", brief(err))
	}
	r.done = nil
}

// release gives up this relay's claim on the outbox, so another replica can
// claim the rows at once.
func (r *Relay) release(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.store.ReleaseOutbox(rctx, r.cfg.Owner); err != nil && !errors.Is(err, context.Canceled) {
		r.log.Warn("outbox relay: could not release claimed rows", "err", brief(err))
	}
}

func idsOf(msgs []ports.OutboxMessage) []int64 {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}
