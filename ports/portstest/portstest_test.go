package portstest_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports/portstest"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := portstest.NewClock(start)
	c.Advance(time.Hour)
	if got := c.Now(); !got.Equal(start.Add(time.Hour)) {
		t.Fatalf("after Advance: %v", got)
	}
	c.Set(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("after Set: %v", got)
	}
}

func TestOutboxKeepsOnlyCommittedEvents(t *testing.T) {
	ctx := context.Background()
	var out portstest.Outbox
	rollbacks := 0
	uow := portstest.UnitOfWork{Begin: func() func() { return func() { rollbacks++ } }}
	event := func(typ string) shared.Event { return shared.Event{Module: "test", Type: typ} }

	if err := out.Append(ctx, event("outside")); !errors.Is(err, portstest.ErrOutsideTx) {
		t.Fatalf("Append outside a unit of work = %v, want ErrOutsideTx", err)
	}
	if err := uow.Do(ctx, func(ctx context.Context) error {
		if !portstest.InTx(ctx) {
			t.Error("InTx is false inside Do")
		}
		// A nested unit of work joins the outer one.
		return uow.Do(ctx, func(ctx context.Context) error { return out.Append(ctx, event("kept")) })
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := uow.Do(ctx, func(ctx context.Context) error {
		if err := out.Append(ctx, event("dropped"), event("dropped too")); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Do = %v, want the error of fn", err)
	}
	if got := out.Types(); !slices.Equal(got, []string{"kept"}) {
		t.Fatalf("recorded %v, want only the committed event", got)
	}
	if rollbacks != 1 {
		t.Errorf("Begin's rollback ran %d times, want once: for the failed unit of work only", rollbacks)
	}
}
