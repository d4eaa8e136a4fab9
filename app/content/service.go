// Package content holds the content use cases — FAQ and feedback categories
// (read by users, written by managers), users' feedback, managers' replies —
// and the go-kit endpoints that wrap them.
package content

import (
	"github.com/campushub/campushub/ports"
)

// Deps are the ports the content service needs.
type Deps struct {
	UoW        ports.UnitOfWork
	Outbox     ports.Outbox
	FAQs       ports.FAQs
	Categories ports.Categories
	Feedbacks  ports.Feedbacks
	Clock      ports.Clock
}

// Service runs the content use cases.
type Service struct{ Deps }

// NewService returns the content service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{Deps: d}
}
