package events

import (
	"context"
	"errors"

	"github.com/campushub/campushub/ports"
)

// ErrNoBroker is what the None publisher answers to every Publish.
var ErrNoBroker = errors.New("events: no broker configured (EVENTS_BROKER=none)")

// None is the publisher for EVENTS_BROKER=none. The relay does not run with
// it; should it be handed to one anyway, every Publish fails, so rows stay
// unpublished in the outbox rather than being marked sent without a broker.
type None struct{}

var _ ports.Publisher = None{}

// Publish accepts nothing and returns ErrNoBroker.
func (None) Publish(context.Context, []ports.OutboxMessage) error { return ErrNoBroker }

// Close does nothing.
func (None) Close() error { return nil }
