package wxrelay

import "time"

// BreakerPolicy is the per-project circuit breaker: after OpenAfter
// consecutive failed attempts a project is paused, and only one delivery
// at a time probes it, first after ProbeBase, then on an interval that
// doubles with each failed probe up to ProbeCap. A successful attempt
// closes the breaker and the queue drains. A project that has failed
// continuously for DisableAfter is disabled (its deliveries are then held).
type BreakerPolicy struct {
	OpenAfter    int
	ProbeBase    time.Duration
	ProbeCap     time.Duration
	DisableAfter time.Duration // 0: never disable
}

// Health is a project's delivery health: the breaker's state and the run
// of failures it is based on.
type Health struct {
	// Failures counts consecutive failed attempts; a success resets it.
	Failures int
	// FailingSince is the first failed attempt of the current run; zero
	// when the last attempt succeeded.
	FailingSince time.Time
	// PausedAt is when the breaker opened; zero while it is closed.
	PausedAt time.Time
	// NextProbeAt is when the next probe may start while paused.
	NextProbeAt time.Time
	// ProbeInterval is the current wait between probes.
	ProbeInterval time.Duration
	// DisabledAt is when the project was set invalid; zero while valid.
	DisabledAt time.Time
}

// Transition is what an attempt's outcome did to a project.
type Transition int

// Transitions.
const (
	Unchanged Transition = iota
	Paused               // the breaker opened
	Recovered            // the breaker closed: a probe (or straggler) succeeded
	Disabled             // failing continuously for too long: the project is now invalid
)

// ProjectState names a project's state on the wire and in metrics.
type ProjectState string

// Project states.
const (
	StateOK       ProjectState = "ok"
	StatePaused   ProjectState = "paused"
	StateDisabled ProjectState = "disabled"
)

// State reports whether p delivers normally, is paused by its breaker, or
// is disabled.
func (p Project) State() ProjectState {
	switch {
	case !p.Active():
		return StateDisabled
	case !p.PausedAt.IsZero():
		return StatePaused
	}
	return StateOK
}

// Paused reports whether p's breaker is open.
func (p Project) Paused() bool { return p.Active() && !p.PausedAt.IsZero() }

// ProbeDue reports whether a paused project may be probed at now.
func (p Project) ProbeDue(now time.Time) bool { return p.Paused() && !p.NextProbeAt.After(now) }

// StartProbe reserves the next probe of a paused project: the following
// one may start only an interval later, even if this one's outcome is
// never written (the process stopped).
func (p Project) StartProbe(now time.Time) Project {
	p.NextProbeAt = now.Add(p.ProbeInterval)
	return p
}

// Record applies one attempt's outcome to p's health. probe says whether
// the attempt was the paused project's probe: only a failed probe makes
// the interval grow, so that attempts already in flight when the breaker
// opened do not push the next probe away.
func (p Project) Record(ok bool, probe bool, at time.Time, bp BreakerPolicy) (Project, Transition) {
	if ok {
		was := p.Paused()
		p.Health = Health{DisabledAt: p.DisabledAt}
		if was {
			return p, Recovered
		}
		return p, Unchanged
	}
	p.Failures++
	if p.FailingSince.IsZero() || at.Before(p.FailingSince) {
		p.FailingSince = at
	}
	if !p.Active() {
		return p, Unchanged
	}
	tr := Unchanged
	switch {
	case p.Paused() && probe:
		p.ProbeInterval = min(2*p.ProbeInterval, max(bp.ProbeCap, bp.ProbeBase))
		p.NextProbeAt = at.Add(p.ProbeInterval)
	case !p.Paused() && p.Failures >= max(bp.OpenAfter, 1):
		p.PausedAt, p.ProbeInterval = at, bp.ProbeBase
		p.NextProbeAt = at.Add(bp.ProbeBase)
		tr = Paused
	}
	if p.Paused() && bp.DisableAfter > 0 && at.Sub(p.FailingSince) >= bp.DisableAfter {
		p.Status, p.DisabledAt = StatusInactive, at
		p.PausedAt, p.NextProbeAt, p.ProbeInterval = time.Time{}, time.Time{}, 0
		return p, Disabled
	}
	return p, tr
}
