package account

import (
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// KnownClientFor is how long a client stays known to an account after it
// last signed in with the right password: a known client keeps signing in
// while the account is locked against unknown ones.
const KnownClientFor = 90 * 24 * time.Hour

// LockPolicy bounds password guessing without handing an attacker a way to
// lock an account's owner out. Wrong passwords are counted per account and
// client (the client's address): MaxFailures in a row from one client lock
// that client out of that account for LockFor, and nobody else. When
// MaxClients clients are locked out of one account at once — guessing
// spread over many addresses — the account itself is locked for LockFor,
// but only against clients it does not know: a client that signed in to it
// with the right password in the last KnownClientFor keeps getting in.
type LockPolicy struct {
	MaxFailures int            // wrong passwords in a row from one client before it is locked out
	LockFor     time.Duration  // how long a lock lasts
	MaxClients  int            // clients locked out at once before the account is locked against unknown clients; 0: never
	Zone        *time.Location // the zone the lock messages write times in (TIMEZONE); nil: UTC
}

// until writes t as the lock messages do: in the policy's zone, named.
func (p LockPolicy) until(t time.Time) string {
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("2006-01-02 15:04:05") + " " + zone.String()
}

// LoginClient is what an account knows about one client's password logins.
type LoginClient struct {
	AccountID   int64
	Client      string // the client's address key (IPv6: its /64)
	Failures    int    // wrong passwords in a row
	LockedUntil time.Time
	LastSuccess time.Time
	UpdatedAt   time.Time
}

// Locked reports whether this client is locked out of the account at now.
func (c LoginClient) Locked(now time.Time) bool { return now.Before(c.LockedUntil) }

// Known reports whether the client signed in to the account with the right
// password recently enough to be trusted while the account is locked.
func (c LoginClient) Known(now time.Time) bool {
	return !c.LastSuccess.IsZero() && now.Sub(c.LastSuccess) < KnownClientFor
}

// Refuse returns the error a login to a from c gets at now before its
// password is looked at, nil when the password may be checked.
func (p LockPolicy) Refuse(a Account, c LoginClient, now time.Time) error {
	if c.Locked(now) {
		return ErrLocked.WithMessage("this client is locked out of this account after repeated wrong passwords until %s", p.until(c.LockedUntil)).
			WithRetryAfter(c.LockedUntil.Sub(now))
	}
	if a.Locked(now) && !c.Known(now) {
		return ErrLocked.WithMessage("account is locked after wrong passwords from many clients until %s; devices that signed in to it before can still sign in", p.until(a.LockedUntil)).
			WithRetryAfter(a.LockedUntil.Sub(now))
	}
	return nil
}

// Failed records a wrong password from c at now. lockedOthers is how many
// other clients are locked out of a at now. It returns the events of the
// locks it set (none, the client's, or the client's and the account's);
// the caller saves c, and a when an account lock was set.
func (p LockPolicy) Failed(a *Account, c *LoginClient, lockedOthers int, now time.Time) []shared.Event {
	if p.LockFor > 0 && !c.UpdatedAt.IsZero() && now.Sub(c.UpdatedAt) >= p.LockFor {
		c.Failures = 0 // a run of failures is forgotten after a quiet LockFor
	}
	c.Failures++
	c.UpdatedAt = now
	if p.MaxFailures <= 0 || c.Failures < p.MaxFailures {
		return nil
	}
	c.Failures = 0
	c.LockedUntil = now.Add(p.LockFor)
	evs := []shared.Event{a.loginLocked(now, "client", c.Client, c.LockedUntil, lockedOthers+1)}
	if p.MaxClients > 0 && lockedOthers+1 >= p.MaxClients && !a.Locked(now) {
		a.LockedUntil = now.Add(p.LockFor)
		a.UpdatedAt = now
		evs = append(evs, a.loginLocked(now, "account", "", a.LockedUntil, lockedOthers+1))
	}
	return evs
}

// Succeeded records the right password from c at now: its failures are
// cleared and it becomes a client the account knows.
func (c *LoginClient) Succeeded(now time.Time) {
	c.Failures = 0
	c.LockedUntil = time.Time{}
	c.LastSuccess = now
	c.UpdatedAt = now
}

// loginLocked is the event of a lock: scope "client" (one client locked
// out of the account) or "account" (the account locked against clients it
// does not know).
func (a Account) loginLocked(now time.Time, scope, client string, until time.Time, clientsLocked int) shared.Event {
	payload := map[string]any{
		"account_id":     a.ID,
		"scope":          scope,
		"locked_until":   until,
		"clients_locked": clientsLocked,
	}
	if client != "" {
		payload["client"] = client
	}
	return shared.NewEvent(Module, "login_locked", a.AggregateID(), now, payload)
}
