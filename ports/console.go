package ports

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/console"
)

// ConsoleSessions stores web-console sessions by the hash of their id, so
// every replica sees the same sessions. ByHash returns shared.ErrNotFound
// for an unknown or deleted session.
type ConsoleSessions interface {
	Create(ctx context.Context, s console.Session) error
	ByHash(ctx context.Context, hash string) (console.Session, error)
	Delete(ctx context.Context, hash string) error
	// DeleteExpired removes the sessions that ended before now and returns
	// how many.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// Overview is the counts the console's first page shows.
type Overview struct {
	Users, Devices     int64
	PushesToday        int64
	UnansweredFeedback int64
	ProjectsActive     int64 // valid and delivering
	ProjectsInactive   int64
	ProjectsPaused     int64 // valid, but their breaker is open
	DeliveriesPending  int64
	DeliveriesRetrying int64 // pending after at least one failed attempt
	DeliveriesFailed   int64
	DeliveriesHeld     int64 // waiting while their project is invalid
	OutboxBacklog      int64
	OutboxOldest       time.Time // occurred_at of the oldest unpublished event; zero when none
}

// OverviewStats counts what the overview shows; since is the start of
// "today" in the service's time zone.
type OverviewStats interface {
	Overview(ctx context.Context, since time.Time) (Overview, error)
}
