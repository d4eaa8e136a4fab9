// Package push holds the push use cases — binding devices, the per-device
// switch, the users' push log and unread counts, managers sending pushes —
// the dispatcher that hands queued pushes to the push provider after commit,
// and the go-kit endpoints that wrap them.
package push

import (
	"log/slog"

	"github.com/campushub/campushub/ports"
)

// Deps are the ports the push service needs.
type Deps struct {
	UoW        ports.UnitOfWork
	Outbox     ports.Outbox
	Devices    ports.Devices
	Logs       ports.PushLogs
	Deliveries ports.Deliveries
	Provider   ports.PushProvider
	Replies    ports.UnreadReplies
	Clock      ports.Clock
	Logger     *slog.Logger
}

// Service runs the push use cases.
type Service struct {
	Deps
	// queued, when set, is called after a push was queued, so that a
	// local dispatcher starts at once rather than at its next poll.
	queued func()
}

// NewService returns the push service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d}
}

// OnQueued registers fn to be called after each commit that queued a push
// (the dispatcher's Wake).
func (s *Service) OnQueued(fn func()) { s.queued = fn }
