package events

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// leaseState is what the lease keeper and the publishing loop share.
type leaseState struct {
	leading    atomic.Bool  // this relay holds the relay lease
	leaseUntil atomic.Int64 // when the held lease expires unless renewed (Unix ns)
	claimed    atomic.Bool  // this relay may hold the claim on the outbox
	claimUntil atomic.Int64 // when that claim expires unless renewed (Unix ns)

	mu           sync.Mutex
	cancelFlight context.CancelFunc // ends the publish in flight, if any

	// Owned by the keeper goroutine.
	waitingFor string // whose lease this relay last logged it waits for
	renewErr   bool   // the last renewal failed (logged once per outage)
}

// renewEvery is how often the keeper renews the leases: four times a
// LeaseTTL, so that a slow round trip or two do not lose them.
func (r *Relay) renewEvery() time.Duration { return max(r.cfg.LeaseTTL/4, 10*time.Millisecond) }

// mayPublish reports whether this relay holds the relay lease with time to
// spare.
func (r *Relay) mayPublish(now time.Time) bool {
	return r.lease.leading.Load() && now.Add(r.renewEvery()).UnixNano() < r.lease.leaseUntil.Load()
}

// keepLease takes the relay lease when it is free and renews it, and the
// claim on the outbox while this relay may hold one, every renewEvery,
// until ctx ends. It runs beside the publishing loop, so that a slow
// publish never lets the leases expire and they can be short: a replica
// takes over about LeaseTTL after the holder died.
//
// A standby looks at least every second, so that it takes over within a
// second of a graceful stop (which releases the leases) even when they are
// long.
func (r *Relay) keepLease(ctx context.Context) {
	for {
		r.renew(ctx)
		wait := r.renewEvery()
		if !r.lease.leading.Load() {
			wait = min(wait, time.Second)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// renew runs one round of keepLease.
func (r *Relay) renew(ctx context.Context) {
	start := r.cfg.Now()
	held, err := r.store.AcquireLease(ctx, LeaseName, r.cfg.Owner, r.cfg.LeaseTTL)
	switch {
	case err != nil:
		if ctx.Err() == nil && !r.lease.renewErr {
			r.lease.renewErr = true
			r.log.Warn("outbox relay: could not take or renew the lease; retrying", "err", brief(err),
				"lease_until", unixTime(r.lease.leaseUntil.Load()))
		}
	case held:
		r.lease.renewErr = false
		r.lease.leaseUntil.Store(start.Add(r.cfg.LeaseTTL).UnixNano())
		if !r.lease.leading.Swap(true) {
			r.log.Info("outbox relay: took the lease; publishing")
			r.lease.waitingFor = ""
			r.metrics.leader.Set(1)
			r.Wake()
		}
		r.renewClaim(ctx, start)
	default:
		r.lease.renewErr = false
		if r.lease.leading.Swap(false) {
			r.log.Info("outbox relay: lost the lease; standing by")
			r.metrics.leader.Set(0)
		}
		r.logWaiting(ctx)
	}
	// A claim that could not be renewed must not outlive the publish that
	// relies on it: end that publish before another relay may claim its rows.
	if r.lease.claimed.Load() && r.cfg.Now().Add(r.renewEvery()).UnixNano() >= r.lease.claimUntil.Load() {
		r.abortFlight("the claim on the outbox is about to expire")
	}
}

// renewClaim extends this relay's claim on the outbox, if it holds one.
func (r *Relay) renewClaim(ctx context.Context, start time.Time) {
	if !r.lease.claimed.Load() {
		return
	}
	ok, err := r.store.RenewOutboxClaim(ctx, r.cfg.Owner, r.cfg.LeaseTTL)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			r.log.Warn("outbox relay: could not renew the claim on the outbox", "err", brief(err))
		}
	case ok:
		r.lease.claimUntil.Store(start.Add(r.cfg.LeaseTTL).UnixNano())
	default:
		r.lease.claimUntil.Store(0)
		r.abortFlight("the claim on the outbox expired")
	}
}

// logWaiting says, once per holder, whose lease this standby waits for and
// until when.
func (r *Relay) logWaiting(ctx context.Context) {
	owner, until, err := r.store.LeaseHolder(ctx, LeaseName)
	if err != nil || owner == "" || owner == r.lease.waitingFor {
		return
	}
	r.lease.waitingFor = owner
	r.log.Info("outbox relay: another relay holds the lease; waiting", "holder", owner,
		"until", until.UTC().Format(time.RFC3339Nano))
}

// claimWaiter is the error ClaimOutbox returns while another relay's
// claim blocks the outbox.
type claimWaiter interface {
	ClaimHolder() (owner string, until time.Time)
}

// waitForClaim logs, once per holder, that this relay waits for another
// relay's claim on the outbox to be released or to expire.
func (r *Relay) waitForClaim(err error) bool {
	var w claimWaiter
	if !errors.As(err, &w) {
		return false
	}
	owner, until := w.ClaimHolder()
	r.blockedUntil = until
	if owner != r.blockedBy {
		r.blockedBy = owner
		r.log.Info("outbox relay: another relay's claim covers the oldest rows; waiting", "holder", owner,
			"until", until.UTC().Format(time.RFC3339Nano))
	}
	return true
}

// setFlightCancel records how to end the publish in flight (nil: none).
func (r *Relay) setFlightCancel(cancel context.CancelFunc) {
	r.lease.mu.Lock()
	defer r.lease.mu.Unlock()
	r.lease.cancelFlight = cancel
}

// abortFlight ends the publish in flight, if any; its rows are published
// again by whoever claims them next.
func (r *Relay) abortFlight(why string) {
	r.lease.mu.Lock()
	defer r.lease.mu.Unlock()
	if r.lease.cancelFlight != nil {
		r.log.Warn("outbox relay: abandoning the batch in flight", "reason", why)
		r.lease.cancelFlight()
		r.lease.cancelFlight = nil
	}
}

// stepDown gives up the lease so another replica takes over at once.
func (r *Relay) stepDown() {
	if !r.lease.leading.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.store.ReleaseLease(ctx, LeaseName, r.cfg.Owner); err != nil && !errors.Is(err, context.Canceled) {
		r.log.Warn("outbox relay: could not release the lease", "err", brief(err))
	}
	r.lease.leading.Store(false)
	r.metrics.leader.Set(0)
}

func unixTime(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}
