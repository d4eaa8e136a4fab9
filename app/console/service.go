// Package console holds the web console's own use cases: signing managers
// in with their password (the account lockout applies) and organisations
// in with one of their tokens, resolving and ending sessions kept in the
// database, and the managers' overview counts. Every other console page
// calls the same module services the JSON API calls.
package console

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/console"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// Passwords checks manager passwords and re-reads accounts; the account
// service implements it.
type Passwords interface {
	// CheckPassword signs in like the API's login, lockout included,
	// without issuing API tokens.
	CheckPassword(ctx context.Context, area, acct, password string) (auth.Principal, error)
	// Principal returns an active account's principal.
	Principal(ctx context.Context, accountID int64) (auth.Principal, error)
}

// Deps are the ports the console's use cases need.
type Deps struct {
	Sessions  ports.ConsoleSessions
	Passwords Passwords
	Orgs      ports.Organisations
	Stats     ports.OverviewStats
	Random    ports.Random
	Clock     ports.Clock
}

// Config is the console's session policy.
type Config struct {
	// Lifetime is how long a session lasts after sign-in.
	Lifetime time.Duration
	// Location decides where "today" starts for the overview.
	Location *time.Location
}

// Service runs the console's use cases.
type Service struct {
	Deps
	cfg Config
}

// NewService returns the console service.
func NewService(d Deps, cfg Config) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = 12 * time.Hour
	}
	return &Service{Deps: d, cfg: cfg}
}

// SignedIn is a new session: the plain id, which only the browser's cookie
// keeps, and the session as stored.
type SignedIn struct {
	ID      string
	Session console.Session
}

// ErrWrongOrgToken answers an organisation token that is wrong or revoked.
var ErrWrongOrgToken = shared.ErrUnauthenticated.WithMessage("this organisation token is wrong or was revoked")

// SignInManager checks a manager's password and opens a session.
func (s *Service) SignInManager(ctx context.Context, area, acct, password string) (SignedIn, error) {
	p, err := s.Passwords.CheckPassword(ctx, area, acct, password)
	if err != nil {
		return SignedIn{}, err
	}
	if !p.IsManager() {
		return SignedIn{}, console.ErrNotManager
	}
	return s.open(ctx, console.Session{Kind: console.KindManager, AccountID: p.AccountID})
}

// SignInOrg checks an organisation token and opens a session for its
// organisation.
func (s *Service) SignInOrg(ctx context.Context, token string) (SignedIn, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return SignedIn{}, shared.Invalid("token", "the organisation token is required")
	}
	if len(token) > 200 {
		return SignedIn{}, ErrWrongOrgToken
	}
	t, err := s.Orgs.TokenByHash(ctx, activity.HashToken(token))
	if errors.Is(err, shared.ErrNotFound) || (err == nil && !t.Active()) {
		return SignedIn{}, ErrWrongOrgToken
	}
	if err != nil {
		return SignedIn{}, err
	}
	return s.open(ctx, console.Session{Kind: console.KindOrg, OrgID: t.OrgID, OrgTokenID: t.ID})
}

func (s *Service) open(ctx context.Context, sess console.Session) (SignedIn, error) {
	plain := s.Random.Token(console.IDLength)
	now := s.Clock.Now()
	sess.IDHash, sess.CreatedAt, sess.ExpiresAt = console.HashID(plain), now, now.Add(s.cfg.Lifetime)
	if err := s.Sessions.Create(ctx, sess); err != nil {
		return SignedIn{}, err
	}
	return SignedIn{ID: plain, Session: sess}, nil
}

// Resolve returns the live session with that plain id and, for a manager
// session, the manager's principal. A session whose account was disabled
// or demoted, or whose organisation token was revoked, ends here: it is
// deleted and reported as console.ErrNoSession.
func (s *Service) Resolve(ctx context.Context, plain string) (console.Session, auth.Principal, error) {
	if plain == "" || len(plain) > 100 {
		return console.Session{}, auth.Principal{}, console.ErrNoSession
	}
	hash := console.HashID(plain)
	sess, err := s.Sessions.ByHash(ctx, hash)
	if errors.Is(err, shared.ErrNotFound) {
		return sess, auth.Principal{}, console.ErrNoSession
	}
	if err != nil {
		return sess, auth.Principal{}, err
	}
	if !sess.Live(s.Clock.Now()) {
		return sess, auth.Principal{}, s.end(ctx, hash, console.ErrExpired)
	}
	switch sess.Kind {
	case console.KindManager:
		p, err := s.Passwords.Principal(ctx, sess.AccountID)
		if shared.KindOf(err) == shared.KindUnauthenticated || (err == nil && !p.IsManager()) {
			return sess, auth.Principal{}, s.end(ctx, hash, console.ErrNoSession)
		}
		return sess, p, err
	case console.KindOrg:
		active, err := s.orgTokenActive(ctx, sess.OrgID, sess.OrgTokenID)
		if err != nil {
			return sess, auth.Principal{}, err
		}
		if !active {
			return sess, auth.Principal{}, s.end(ctx, hash, console.ErrNoSession)
		}
		return sess, auth.Principal{}, nil
	default:
		return sess, auth.Principal{}, s.end(ctx, hash, console.ErrNoSession)
	}
}

func (s *Service) orgTokenActive(ctx context.Context, orgID, tokenID int64) (bool, error) {
	ts, err := s.Orgs.Tokens(ctx, orgID)
	if err != nil {
		return false, err
	}
	for _, t := range ts {
		if t.ID == tokenID {
			return t.Active(), nil
		}
	}
	return false, nil
}

// end deletes a session that may no longer be used and returns why.
func (s *Service) end(ctx context.Context, hash string, why error) error {
	if err := s.Sessions.Delete(ctx, hash); err != nil {
		return err
	}
	return why
}

// SignOut ends the session with that plain id; an unknown id is not an
// error.
func (s *Service) SignOut(ctx context.Context, plain string) error {
	if plain == "" || len(plain) > 100 {
		return nil
	}
	return s.Sessions.Delete(ctx, console.HashID(plain))
}

// Overview returns the counts of the managers' first page.
func (s *Service) Overview(ctx context.Context) (ports.Overview, error) {
	p, err := auth.Caller(ctx)
	if err != nil {
		return ports.Overview{}, err
	}
	if !p.IsManager() {
		return ports.Overview{}, auth.ErrNotManager
	}
	now := s.Clock.Now().In(s.cfg.Location)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.cfg.Location)
	return s.Stats.Overview(ctx, today.UTC())
}

// RunSweeper deletes expired sessions every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.Sessions.DeleteExpired(ctx, s.Clock.Now()); err != nil && ctx.Err() == nil {
			log.Warn("console: deleting expired sessions failed; will try again", "err", err.Error())
		} else if n > 0 {
			log.Debug("console: expired sessions deleted", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
