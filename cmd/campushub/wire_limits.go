package main

import (
	"context"
	"net/http"
	"time"

	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/ratelimit"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/ports"
)

// newLimiter builds the abuse limiter: buckets and budgets in the database
// on PostgreSQL and MySQL, so they hold across replicas, and in memory on
// SQLite, which runs one replica.
func newLimiter(w *wiring) (*ratelimit.Limiter, func(ctx context.Context)) {
	o := ratelimit.Options{Log: w.log, Registry: w.reg, Outbox: w.outbox}
	if w.db.Dialect == storage.SQLite {
		return ratelimit.New(o), nil
	}
	shared := storage.NewRateLimits(w.db)
	o.Store = ratelimit.Shared(shared)
	return ratelimit.New(o), sweepEvery(w, time.Minute, "rate-limit buckets", func(ctx context.Context, now time.Time) error {
		_, err := shared.Sweep(ctx, now)
		return err
	})
}

// sweepEvery is a background task that deletes the records that no longer
// matter, what names them in the log, every interval until ctx ends; a
// failed sweep is logged and tried again at the next tick.
func sweepEvery(w *wiring, interval time.Duration, what string, sweep func(ctx context.Context, now time.Time) error) func(ctx context.Context) {
	return func(ctx context.Context) {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := sweep(ctx, time.Now()); err != nil && ctx.Err() == nil {
					w.log.Warn("sweeping "+what+" failed; will retry", "err", err)
				}
			}
		}
	}
}

// authLimits are the per-client limits of the unauthenticated auth routes,
// by the names appapi.Account asks for.
func authLimits(w *wiring) func(name string) func(http.Handler) http.Handler {
	rates := map[string]ratelimit.Rate{
		"send_code":  w.cfg.RateSendCode,
		"check_code": w.cfg.RateCheckCode,
		"register":   w.cfg.RateRegister,
		"login":      w.cfg.RateLogin,
		"refresh":    w.cfg.RateRefresh,
	}
	return func(name string) func(http.Handler) http.Handler {
		return w.limiter.PerClient(ratelimit.Limit{Name: name, Rate: rates[name]}, httpkit.Families{appapi.Family{Log: w.log}})
	}
}

// perTokenLimit limits authenticated requests per access token, in memory;
// fams answer in the family of the route.
func perTokenLimit(w *wiring, fams httpkit.Families) func(http.Handler) http.Handler {
	return w.limiter.PerToken(ratelimit.Limit{Name: "per_token", Rate: w.cfg.RatePerToken, Local: true}, fams)
}

// codeBudget wraps the code sender with the service-wide budget.
func codeBudget(w *wiring, sender ports.CodeSender) ports.CodeSender {
	if w.cfg.CodeBudgetMinute == 0 && w.cfg.CodeBudgetDay == 0 {
		return sender
	}
	return ratelimit.NewCodeBudget(sender, w.limiter, ratelimit.BudgetOptions{
		PerMinute: w.cfg.CodeBudgetMinute, PerDay: w.cfg.CodeBudgetDay, Zone: w.cfg.Timezone, Registry: w.reg,
	})
}

// consoleSignInLimit puts the console's sign-in forms under the same
// per-client login limit as /api/auth/access_token: one budget of password
// guesses per client, whichever door it knocks on. Over the limit the
// console shows the sign-in form again with the reason and Retry-After.
func consoleSignInLimit(w *wiring) func(*http.Request) error {
	lim := ratelimit.Limit{Name: "login", Scope: ratelimit.ScopeClient, Rate: w.cfg.RateLogin}
	return func(req *http.Request) error {
		return w.limiter.Allow(req.Context(), lim, auth.ClientFrom(req.Context()))
	}
}

// sweepLoginClients deletes, every ten minutes, the per-client login
// records that no longer matter: no lock, no failure within
// LOGIN_LOCK_DURATION, no sign-in within account.KnownClientFor.
func sweepLoginClients(w *wiring) func(ctx context.Context) {
	clients := storage.NewLoginClients(w.db)
	return sweepEvery(w, 10*time.Minute, "login-client records", func(ctx context.Context, now time.Time) error {
		_, err := clients.Sweep(ctx, now, max(w.cfg.LoginLockDuration, time.Minute))
		return err
	})
}
