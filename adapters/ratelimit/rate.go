// Package ratelimit holds the service's abuse limits as adapters: token
// buckets per client, per access token and per 微校 app key (HTTP and
// go-kit endpoint middleware), fixed-window budgets (the verification-code
// budget decorates the code sender), and the stores they count in — memory
// for one replica, the database for several.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is a token bucket: Burst requests at once, refilled evenly so that
// Burst more are allowed every Per. The zero Rate is off (no limit).
type Rate struct {
	Burst int
	Per   time.Duration
}

// ParseRate reads "N/DURATION" (e.g. "20/1h": a burst of 20, one more every
// 3 minutes) or "off".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "off") {
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("want N/DURATION such as 20/1h, or off; got %q", s)
	}
	burst, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || burst <= 0 {
		return Rate{}, fmt.Errorf("want a positive count before the slash, got %q", s)
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("want a positive duration after the slash such as 1h or 15m, got %q", s)
	}
	if d/time.Duration(burst) < time.Microsecond {
		return Rate{}, fmt.Errorf("%q refills faster than one per microsecond", s)
	}
	return Rate{Burst: burst, Per: d}, nil
}

// Off reports whether the rate limits nothing.
func (r Rate) Off() bool { return r.Burst <= 0 || r.Per <= 0 }

// Interval is the time one token takes to come back.
func (r Rate) Interval() time.Duration { return r.Per / time.Duration(r.Burst) }

// String renders the rate the way ParseRate reads it.
func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	return strconv.Itoa(r.Burst) + "/" + r.Per.String()
}

// Store keeps token buckets and window counters.
type Store interface {
	// Take takes one token from bucket key of rate r at now. When the bucket
	// is empty it takes nothing and says how long until a token is back.
	Take(ctx context.Context, key string, r Rate, now time.Time) (ok bool, retryAfter time.Duration, err error)
	// Count adds one to counter key, which lives until until, unless it
	// already counted limit; then it adds nothing and reports false.
	Count(ctx context.Context, key string, limit int, until time.Time, now time.Time) (ok bool, err error)
}

// Buckets is a store that speaks in bursts and intervals, as the database
// store (storage.RateLimits) does.
type Buckets interface {
	TakeToken(ctx context.Context, key string, burst int, interval time.Duration, now time.Time) (bool, time.Duration, error)
	Count(ctx context.Context, key string, limit int, until, now time.Time) (bool, error)
}

// Shared adapts a Buckets to Store.
func Shared(b Buckets) Store { return dbStore{b} }

type dbStore struct{ b Buckets }

func (s dbStore) Take(ctx context.Context, key string, r Rate, now time.Time) (bool, time.Duration, error) {
	if r.Off() {
		return true, 0, nil
	}
	return s.b.TakeToken(ctx, key, r.Burst, r.Interval(), now)
}

func (s dbStore) Count(ctx context.Context, key string, limit int, until, now time.Time) (bool, error) {
	return s.b.Count(ctx, key, limit, until, now)
}
