package testenv

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// WaitFor polls cond until it holds and fails the test, naming what it
// waited for, when timeout passes first. Give timeouts generous enough for
// a busy 2-core machine: they bound how long a broken build takes to fail,
// not how fast the code must be. cond runs on the test's goroutine, so it
// may call t.Fatal.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	Eventually(t, timeout, func() error {
		if cond() {
			return nil
		}
		return errors.New(what)
	})
}

// Eventually polls check until it returns nil and fails the test when
// timeout passes first, with check's last error, which should say what was
// awaited and what the state is instead.
func Eventually(t testing.TB, timeout time.Duration, check func() error) {
	t.Helper()
	if err := Poll(timeout, check); err != nil {
		t.Fatal(err)
	}
}

// Poll runs check until it returns nil, and returns check's last error
// once timeout has passed, for a test that has more to do on failure
// than report it. The first check runs at once; the pause between checks
// grows from 2 ms to 20 ms, so that a quick condition is seen quickly and a
// slow one does not load the machine.
func Poll(timeout time.Duration, check func() error) error {
	pause := time.Millisecond
	return poll(timeout, check, func() time.Duration {
		pause = min(2*pause, 20*time.Millisecond)
		return pause
	})
}

// WaitAdvancing is WaitFor for code that runs on a fake clock: after each
// check that fails it calls advance, which moves the clock one step, and
// pauses only 2 ms, so that fake time passes quickly in steps small enough
// for the code under test to act on each.
func WaitAdvancing(t testing.TB, timeout time.Duration, what string, advance func(), cond func() bool) {
	t.Helper()
	err := poll(timeout, func() error {
		if cond() {
			return nil
		}
		advance()
		return errors.New(what)
	}, func() time.Duration { return 2 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
}

// poll runs check until it returns nil, pausing next() between checks, and
// returns check's last error once timeout has passed.
func poll(timeout time.Duration, check func() error, next func() time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still waiting after %s: %w", timeout, err)
		}
		time.Sleep(next())
	}
}
