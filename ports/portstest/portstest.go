// Package portstest holds the fakes of the ports every app test needs: a
// clock moved by hand, a unit of work that tells its context apart and
// undoes what a failed one recorded, and an outbox that records events only
// inside a unit of work. Module-specific repositories stay with their
// tests; they keep rows in maps by id and answer through Get, Replace and
// Pick.
package portstest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// Clock is a ports.Clock that tests set and move by hand. It is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

var _ ports.Clock = (*Clock)(nil)

// NewClock returns a Clock telling t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// tx is one unit of work in flight: the undo steps fakes registered.
type tx struct {
	mu   sync.Mutex
	undo []func()
}

type txKey struct{}

// UnitOfWork is a ports.UnitOfWork for fakes. Do runs fn with a context
// that InTx recognises; a Do inside another joins it. When the outermost fn
// fails, the undo steps registered with OnRollback run, newest first.
type UnitOfWork struct {
	// Begin, when set, runs as a unit of work starts and returns what
	// undoes its work on failure (a fake store restoring a snapshot).
	Begin func() (rollback func())
}

var _ ports.UnitOfWork = UnitOfWork{}

// Do implements ports.UnitOfWork.
func (u UnitOfWork) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	t := &tx{}
	if u.Begin != nil {
		t.undo = append(t.undo, u.Begin())
	}
	err := fn(context.WithValue(ctx, txKey{}, t))
	if err != nil {
		t.mu.Lock()
		undo := slices.Clone(t.undo)
		t.mu.Unlock()
		for _, f := range slices.Backward(undo) {
			f()
		}
	}
	return err
}

// InTx reports whether ctx belongs to a unit of work of UnitOfWork.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*tx)
	return ok
}

// OnRollback registers undo to run should the unit of work of ctx fail; it
// does nothing outside a unit of work.
func OnRollback(ctx context.Context, undo func()) {
	if t, ok := ctx.Value(txKey{}).(*tx); ok {
		t.mu.Lock()
		t.undo = append(t.undo, undo)
		t.mu.Unlock()
	}
}

// ErrOutsideTx is what Outbox answers to an Append outside a unit of work:
// the real outbox writes in the caller's transaction, so such a call is a
// bug in the use case.
var ErrOutsideTx = errors.New("outbox written outside a unit of work")

// Outbox is a ports.Outbox that records the events appended inside a unit of
// work of UnitOfWork and forgets them when that unit of work fails. It is
// safe for concurrent use.
type Outbox struct {
	mu     sync.Mutex
	events []recorded
}

// recorded is one appended event and the unit of work that appended it.
type recorded struct {
	tx    *tx
	event shared.Event
}

var _ ports.Outbox = (*Outbox)(nil)

// Append implements ports.Outbox.
func (o *Outbox) Append(ctx context.Context, events ...shared.Event) error {
	t, ok := ctx.Value(txKey{}).(*tx)
	if !ok {
		return ErrOutsideTx
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range events {
		o.events = append(o.events, recorded{tx: t, event: e})
	}
	OnRollback(ctx, func() { o.forget(t) })
	return nil
}

// forget removes the events of the failed unit of work t.
func (o *Outbox) forget(t *tx) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = slices.DeleteFunc(o.events, func(r recorded) bool { return r.tx == t })
}

// Events returns the recorded events in the order they were appended.
func (o *Outbox) Events() []shared.Event {
	o.mu.Lock()
	defer o.mu.Unlock()
	events := make([]shared.Event, len(o.events))
	for i, r := range o.events {
		events[i] = r.event
	}
	return events
}

// Types returns the Type of each recorded event, in order.
func (o *Outbox) Types() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	types := make([]string, len(o.events))
	for i, r := range o.events {
		types[i] = r.event.Type
	}
	return types
}
