package shared

import (
	"errors"
	"fmt"
	"strings"
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

func TestMessagesQuoteInputBounded(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	cases := []struct {
		name string
		err  *Error
	}{
		{"invalid", Invalid(long, "%s must be a number, got %q", "page_no", long)},
		{"with message", ErrNotFound.WithMessage("path %s does not exist", long)},
		{"forbidden", Forbidden("%s", strings.Repeat("\xff", 1<<16))},
		{"conflict", Conflict("c", "%q", strings.Repeat("\U0010ffff", 1<<16))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if n := len(tc.err.Error()); n > 512 || !strings.Contains(tc.err.Error(), "…") {
				t.Fatalf("a message of %d bytes quoting a long input: %.100s", n, tc.err.Error())
			}
		})
	}
	if e := Invalid("page_no", "got %q", "12x"); e.Error() != `page_no: got "12x"` {
		t.Fatalf("a short input must be quoted whole: %s", e)
	}
}
