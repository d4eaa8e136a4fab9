package ports

import (
	"context"

	"github.com/campushub/campushub/domain/shared"
)

// UnitOfWork runs fn in one database transaction. Repositories called with
// the ctx handed to fn take part in that transaction, so a state change and
// the events it appends to the Outbox commit or roll back together. A nested
// Do joins the outer transaction. Do may run fn again when the database
// reports a serialization failure or deadlock, so fn must not have effects
// outside the database.
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Outbox records domain events in the current transaction, for the relay
// worker to publish after commit.
type Outbox interface {
	Append(ctx context.Context, events ...shared.Event) error
}
