package shared

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestErrorIsMatchesByCode(t *testing.T) {
	sentinel := NewError(KindConflict, "thing.taken", "taken")
	detailed := sentinel.WithMessage("thing %q is taken", "x")
	wrapped := fmt.Errorf("saving: %w", detailed)
	if !errors.Is(wrapped, sentinel) {
		t.Fatal("a copy with another message does not match its sentinel")
	}
	if errors.Is(wrapped, ErrNotFound) {
		t.Fatal("errors with different codes match")
	}
	if sentinel.Message != "taken" {
		t.Fatal("WithMessage changed the sentinel")
	}
	if got := KindOf(wrapped); got != KindConflict {
		t.Fatalf("KindOf = %v, want conflict", got)
	}
	if got := KindOf(errors.New("boom")); got != KindInternal {
		t.Fatalf("KindOf(plain) = %v, want internal", got)
	}
}

func TestInvalidNamesTheField(t *testing.T) {
	err := Invalid("password", "too short: at least %d", 8)
	if err.Field != "password" || err.Error() != "password: too short: at least 8" {
		t.Fatalf("got field %q message %q", err.Field, err.Error())
	}
}

func TestNewEvent(t *testing.T) {
	at := time.Date(2026, 1, 2, 11, 0, 0, 0, time.FixedZone("CST", 8*3600))
	e := NewEvent("account", "registered", "8", at, nil)
	if e.Topic() != "campushub.account.v1" || e.FullType() != "campushub.account.registered" {
		t.Fatalf("topic %q type %q", e.Topic(), e.FullType())
	}
	if e.OccurredAt.Location() != time.UTC || !e.OccurredAt.Equal(at) || e.Payload == nil {
		t.Fatalf("event time %v payload %v", e.OccurredAt, e.Payload)
	}
}
