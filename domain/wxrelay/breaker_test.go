package wxrelay

import (
	"testing"
	"time"
)

func TestBreakerRecord(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bp := BreakerPolicy{OpenAfter: 3, ProbeBase: time.Second, ProbeCap: 4 * time.Second, DisableAfter: time.Hour}
	p := Project{Status: StatusActive}
	step := func(ok, probe bool, at time.Time, want Transition) {
		t.Helper()
		var tr Transition
		p, tr = p.Record(ok, probe, at, bp)
		if tr != want {
			t.Fatalf("Record(ok=%v, probe=%v, %s) = %v, want %v (project %+v)", ok, probe, at.Sub(t0), tr, want, p.Health)
		}
	}
	step(false, false, t0, Unchanged)
	step(false, false, t0, Unchanged)
	step(false, false, t0.Add(time.Millisecond), Paused)
	if !p.Paused() || !p.NextProbeAt.Equal(t0.Add(time.Second+time.Millisecond)) || p.ProbeDue(t0.Add(time.Second)) {
		t.Fatalf("paused project %+v", p.Health)
	}
	step(false, false, t0.Add(2*time.Millisecond), Unchanged) // a straggler does not move the probe
	if p.ProbeInterval != time.Second || p.Failures != 4 {
		t.Fatalf("after a straggler: %+v", p.Health)
	}
	for i, want := range []time.Duration{2 * time.Second, 4 * time.Second, 4 * time.Second} {
		at := t0.Add(time.Duration(i+1) * 10 * time.Second)
		step(false, true, at, Unchanged)
		if p.ProbeInterval != want || !p.NextProbeAt.Equal(at.Add(want)) {
			t.Fatalf("after failed probe %d: interval %s, next %s; want %s", i+1, p.ProbeInterval, p.NextProbeAt, want)
		}
	}
	step(true, true, t0.Add(time.Minute), Recovered)
	if p.Health != (Health{}) || p.State() != StateOK {
		t.Fatalf("recovered project %+v", p.Health)
	}
	// Failing continuously for DisableAfter disables it, not before.
	for i := 0; i < 3; i++ {
		step(false, false, t0.Add(2*time.Minute), map[bool]Transition{true: Paused, false: Unchanged}[i == 2])
	}
	step(false, true, t0.Add(2*time.Minute+59*time.Minute), Unchanged)
	step(false, true, t0.Add(2*time.Minute+time.Hour), Disabled)
	if p.Active() || p.State() != StateDisabled || !p.DisabledAt.Equal(t0.Add(62*time.Minute)) || p.Paused() {
		t.Fatalf("disabled project %+v", p)
	}
}

func TestStartProbeReserves(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := Project{Health: Health{PausedAt: t0, NextProbeAt: t0, ProbeInterval: 2 * time.Second}}
	if !p.ProbeDue(t0) {
		t.Fatal("probe not due")
	}
	if p = p.StartProbe(t0); p.ProbeDue(t0.Add(time.Second)) || !p.ProbeDue(t0.Add(2*time.Second)) {
		t.Fatalf("after StartProbe: next probe at %s", p.NextProbeAt)
	}
}
