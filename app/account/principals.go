package account

import (
	"sync"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
)

// principalCache keeps, for a short time, what Authenticate found for an
// access token (its account and role), so that a client sending many
// requests with one token costs one token and one account lookup per TTL
// instead of two per request.
//
// What this replica changes takes effect at once: the use cases that revoke
// tokens or change an account (sign-out, a reused refresh token, a profile
// change, a lockout) forget the account's entries after their transaction
// has committed and before they answer, and an entry read from the database
// before such a change can no longer be stored afterwards (a generation
// check). What another replica (or `campushub admin`) changes is seen here
// within ttl at most. Only accepted tokens are kept: a wrong token is looked
// up every time, so guessing cannot fill the cache.
type principalCache struct {
	ttl time.Duration
	max int

	mu        sync.Mutex
	gen       uint64 // bumped by every forget
	entries   map[string]cachedPrincipal
	byAccount map[int64]map[string]struct{}
	swept     time.Time
}

type cachedPrincipal struct {
	accountID int64
	role      account.Role
	account   account.Account
	until     time.Time
}

// newPrincipalCache returns a cache keeping entries for ttl and at most max
// of them; nil (no caching) when ttl is not positive.
func newPrincipalCache(ttl time.Duration, max int) *principalCache {
	if ttl <= 0 || max <= 0 {
		return nil
	}
	return &principalCache{ttl: ttl, max: max, entries: map[string]cachedPrincipal{}, byAccount: map[int64]map[string]struct{}{}}
}

// get returns the principal cached for a token hash and still fresh at now.
func (c *principalCache) get(hash string, now time.Time) (auth.Principal, bool) {
	if c == nil {
		return auth.Principal{}, false
	}
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		return auth.Principal{}, false
	}
	a := e.account // each request gets its own copy
	return auth.Principal{AccountID: e.accountID, Role: e.role, Account: &a}, true
}

// generation is read before the database lookup whose result put stores.
func (c *principalCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores what a lookup that began at generation gen found; it stores
// nothing when something was forgotten since (the lookup may have read the
// state before that change). The entry lasts ttl, and never past expires
// (the token's own expiry).
func (c *principalCache) put(gen uint64, hash string, p auth.Principal, now, expires time.Time) {
	if c == nil || p.Account == nil {
		return
	}
	until := now.Add(c.ttl)
	if expires.Before(until) {
		until = expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= c.max {
		c.sweep(now)
		if len(c.entries) >= c.max {
			return // full of fresh entries: this token is looked up each time until some expire
		}
	}
	c.entries[hash] = cachedPrincipal{accountID: p.AccountID, role: p.Role, account: *p.Account, until: until}
	hs := c.byAccount[p.AccountID]
	if hs == nil {
		hs = map[string]struct{}{}
		c.byAccount[p.AccountID] = hs
	}
	hs[hash] = struct{}{}
}

// sweep drops expired entries, at most once per ttl; c.mu is held.
func (c *principalCache) sweep(now time.Time) {
	if now.Sub(c.swept) < c.ttl {
		return
	}
	c.swept = now
	for h, e := range c.entries {
		if !now.Before(e.until) {
			c.drop(h, e.accountID)
		}
	}
}

func (c *principalCache) drop(hash string, accountID int64) {
	delete(c.entries, hash)
	if hs := c.byAccount[accountID]; hs != nil {
		delete(hs, hash)
		if len(hs) == 0 {
			delete(c.byAccount, accountID)
		}
	}
}

// forget drops every entry of an account; lookups already under way store
// nothing.
func (c *principalCache) forget(accountID int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for h := range c.byAccount[accountID] {
		delete(c.entries, h)
	}
	delete(c.byAccount, accountID)
}
