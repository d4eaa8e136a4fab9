package ratelimit

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// Scopes say what a limit counts per.
const (
	ScopeClient = "client"  // the client's address (IPv6: its /64)
	ScopeToken  = "token"   // the access token presented
	ScopeAppKey = "app_key" // the 微校 app key in the body
	ScopeGlobal = "global"  // the whole service
)

// Module is the events module of abuse limits: campushub.security.v1.
const Module = "security"

// ErrRateLimited answers a request over a limit; the families map it to
// their "too frequent" code with HTTP 429 and Retry-After.
var ErrRateLimited = shared.NewError(shared.KindRateLimited, "rate_limited", "too many requests; try again later")

// Limit is one named token-bucket limit.
type Limit struct {
	Name  string // e.g. "send_code"; labels metrics and events
	Scope string // what the bucket is kept per
	Rate  Rate
	// Local counts in this process's memory even when the Limiter's store
	// is shared: for high-volume routes where a database write per request
	// would cost more than an approximation per replica.
	Local bool
}

// Limiter checks limits against a Store, counts every check in metrics and
// reports limits hit: a log line and a security.rate_limited event, at most
// once a minute per limit and key and at most 10 a second in all, so an
// attack cannot flood the log or the outbox.
type Limiter struct {
	store   Store
	local   *Memory
	now     func() time.Time
	log     *slog.Logger
	outbox  ports.Outbox
	checks  *prometheus.CounterVec
	dropped prometheus.Counter
	seen    *Memory
	reports *rate.Limiter
}

// Options configure a Limiter.
type Options struct {
	Store    Store
	Log      *slog.Logger
	Registry prometheus.Registerer
	// Outbox receives the limit-hit events; nil: none are written.
	Outbox ports.Outbox
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// New returns a Limiter and registers its metrics.
func New(o Options) *Limiter {
	l := &Limiter{
		store: o.Store, now: o.Now, log: o.Log, outbox: o.Outbox,
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campushub_rate_limit_checks_total",
			Help: "Abuse-limit checks by limit and outcome (allowed, limited, error: the store failed and the request was let through).",
		}, []string{"limit", "outcome"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "campushub_rate_limit_reports_suppressed_total",
			Help: "Limit hits not logged or published because more than 10 a second were reported.",
		}),
		seen:    NewMemory(),
		local:   NewMemory(),
		reports: rate.NewLimiter(10, 50),
	}
	if l.store == nil {
		l.store = l.local
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if o.Registry != nil {
		o.Registry.MustRegister(l.checks, l.dropped)
	}
	return l
}

// Now is the limiter's clock.
func (l *Limiter) Now() time.Time { return l.now() }

// Allow takes a token for key from limit lim. Over the limit it returns
// ErrRateLimited with how long to wait. A store that fails lets the request
// through (and says so in the log and metrics): the limits protect the
// service, they must not take it down with the database.
func (l *Limiter) Allow(ctx context.Context, lim Limit, key string) error {
	if lim.Rate.Off() {
		return nil
	}
	now := l.now()
	store := l.store
	if lim.Local {
		store = l.local
	}
	ok, wait, err := store.Take(ctx, lim.Name+":"+key, lim.Rate, now)
	switch {
	case err != nil:
		l.checks.WithLabelValues(lim.Name, "error").Inc()
		l.logOnce(ctx, "error:"+lim.Name, now, func() {
			l.log.WarnContext(ctx, "abuse limit could not be checked; letting requests through", "limit", lim.Name, "err", err)
		})
		return nil
	case ok:
		l.checks.WithLabelValues(lim.Name, "allowed").Inc()
		return nil
	}
	l.checks.WithLabelValues(lim.Name, "limited").Inc()
	l.reportHit(ctx, lim, key, wait, now)
	return ErrRateLimited.
		WithMessage("too many %s requests from this %s; try again in %d seconds", lim.Name, scopeWord(lim.Scope), Seconds(wait)).
		WithRetryAfter(wait)
}

func scopeWord(scope string) string {
	switch scope {
	case ScopeToken:
		return "token"
	case ScopeAppKey:
		return "app key"
	case ScopeGlobal:
		return "service"
	}
	return "client"
}

// Seconds rounds a wait up to whole seconds, at least 1, as Retry-After
// and messages state it.
func Seconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// reportHit logs and publishes the first hit of a limit by a key in a
// minute. Token keys are never published: the event names the limit only.
func (l *Limiter) reportHit(ctx context.Context, lim Limit, key string, wait time.Duration, now time.Time) {
	l.logOnce(ctx, lim.Name+":"+key, now, func() {
		shown := key
		if lim.Scope == ScopeToken {
			shown = ""
		}
		l.log.WarnContext(ctx, "rate limit hit", "limit", lim.Name, "scope", lim.Scope, "key", shown, "rate", lim.Rate.String(), "retry_after_s", Seconds(wait))
		aggregate := lim.Name
		if shown != "" {
			aggregate = shown
		}
		l.publish(ctx, shared.NewEvent(Module, "rate_limited", aggregate, now, map[string]any{
			"limit":               lim.Name,
			"scope":               lim.Scope,
			"key":                 shown,
			"rate":                lim.Rate.String(),
			"retry_after_seconds": Seconds(wait),
		}))
	})
}

// logOnce runs report when id was not reported in the last minute and the
// overall report budget allows it.
func (l *Limiter) logOnce(ctx context.Context, id string, now time.Time, report func()) {
	if first, _, _ := l.seen.Take(ctx, id, Rate{Burst: 1, Per: time.Minute}, now); !first {
		return
	}
	if !l.reports.AllowN(now, 1) {
		l.dropped.Inc()
		return
	}
	report()
}

func (l *Limiter) publish(ctx context.Context, ev shared.Event) {
	if l.outbox == nil {
		return
	}
	if err := l.outbox.Append(context.WithoutCancel(ctx), ev); err != nil {
		l.log.WarnContext(ctx, "recording a limit event failed", "event", ev.FullType(), "err", err)
	}
}
