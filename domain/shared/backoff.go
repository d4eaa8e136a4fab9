package shared

import (
	"math"
	"time"
)

// Backoff is the one retry schedule of the service: the wait before retry
// n grows from Base by Multiplier with each retry, up to Cap, and Jitter
// spreads it so that many retries of one failure do not come back in step.
// It holds no randomness of its own: the caller passes a number from its
// jitter source, so a schedule is fully determined by its inputs.
//
// Its users: webhook deliveries (domain/wxrelay.RetryPolicy), pushes whose
// provider failed (domain/push), the outbox relay after a failed publish
// (adapters/events), and transactions that hit a serialization failure or
// deadlock (adapters/storage).
type Backoff struct {
	// Base is the wait before the first retry.
	Base time.Duration
	// Cap bounds every wait; 0 leaves it unbounded.
	Cap time.Duration
	// Multiplier is how much longer each retry waits than the one before;
	// 0 means 2 (doubling), 1 a constant wait.
	Multiplier float64
	// Jitter is the share of the wait that is random, from 0 (none) to 1
	// ("full jitter"): the wait lies between (1-Jitter)·d and d, where d
	// is the wait without jitter. 0.5 is "equal jitter".
	Jitter float64
}

// maxDelay is where an uncapped schedule stops growing (about 146 years),
// well inside time.Duration.
const maxDelay = float64(1 << 62)

// Delay is the wait before retry n (1 for the first retry). r is a number
// in [0, 1) from the caller's jitter source (rand.Float64); it only
// matters when Jitter is positive.
func (b Backoff) Delay(n int, r float64) time.Duration {
	if n < 1 {
		n = 1
	}
	m := b.Multiplier
	if m == 0 {
		m = 2
	}
	d := float64(b.Base) * math.Pow(max(m, 1), float64(n-1))
	if b.Cap > 0 && d > float64(b.Cap) {
		d = float64(b.Cap)
	}
	d = min(d, maxDelay)
	j := min(max(b.Jitter, 0), 1)
	r = min(max(r, 0), 1)
	return time.Duration(d*(1-j) + d*j*r)
}
