// Package wxrelay holds the 微校 relay's use cases — push-project
// management, receiving data-change pushes, listing and replaying
// deliveries — the go-kit endpoints that wrap them, and the Dispatcher that
// delivers stored events to every active project.
package wxrelay

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// Deps are the ports the relay needs.
type Deps struct {
	UoW        ports.UnitOfWork
	Outbox     ports.Outbox
	Projects   ports.WXProjects
	Events     ports.WXEvents
	Deliveries ports.WXDeliveries
	Egress     ports.EgressPolicy
	Cipher     ports.WXCipher
	Random     ports.Random
	Clock      ports.Clock
}

// Config is the relay's configuration.
type Config struct {
	// Apps maps each known app_key to its secret ("" means no decryption).
	Apps map[string]string
	// DedupWindow is how long a received body is remembered.
	DedupWindow time.Duration
	// HoldRetention is how long deliveries are held for a disabled
	// project; older ones fail with reason hold_expired (0: 7 days).
	HoldRetention time.Duration
}

// DefaultHoldRetention is the hold retention when none is configured.
const DefaultHoldRetention = 7 * 24 * time.Hour

// Service runs the relay's use cases.
type Service struct {
	Deps
	cfg Config
	// receiver groups concurrent pushes into one transaction.
	receiver batcher
	// queued, when set, is called after a commit that made deliveries
	// due, so a local dispatcher starts without waiting for its next poll.
	queued func()
}

// NewService returns the relay service.
func NewService(d Deps, cfg Config) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if cfg.HoldRetention <= 0 {
		cfg.HoldRetention = DefaultHoldRetention
	}
	return &Service{Deps: d, cfg: cfg}
}

// OnQueued registers fn to be called after each commit that made
// deliveries due: a stored event, a replay, a project enabled again (the
// dispatcher's Wake).
func (s *Service) OnQueued(fn func()) { s.queued = fn }

// wake calls the function registered with OnQueued, if any.
func (s *Service) wake() {
	if s.queued != nil {
		s.queued()
	}
}

// SecretPrefix starts every project secret, as in Standard Webhooks.
const SecretPrefix = "whsec_"

// newSecret returns a fresh signing secret: whsec_ and the Base64 of 32
// random characters, which are the HMAC key.
func (s *Service) newSecret() string {
	return SecretPrefix + base64.StdEncoding.EncodeToString([]byte(s.Random.Token(32)))
}

// caller returns the acting manager's account id, 0 for system actions.
func caller(ctx context.Context) int64 {
	p, err := auth.Caller(ctx)
	if err != nil {
		return 0
	}
	return p.AccountID
}

// projectByID loads a project, mapping a missing row to ErrProjectNotFound.
func (s *Service) projectByID(ctx context.Context, id int64) (wxrelay.Project, error) {
	p, err := s.Projects.ByID(ctx, id)
	if errors.Is(err, shared.ErrNotFound) {
		return p, wxrelay.ErrProjectNotFound.WithMessage("push project %d not found", id)
	}
	return p, err
}
