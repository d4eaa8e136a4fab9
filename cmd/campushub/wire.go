package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/codesender"
	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/http/console"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/ratelimit"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/ports"
)

// wiring is what module wiring functions receive.
type wiring struct {
	cfg      Config
	db       *storage.DB
	log      *slog.Logger
	reg      prometheus.Registerer
	clock    httpkit.Clock
	outbox   *storage.Outbox
	accounts *appaccount.Service // the authenticator every module uses
	app      *appapi.Server      // go-kit server builder of the app API family
	console  console.Services    // the module services the web console calls
	limiter  *ratelimit.Limiter  // abuse limits
}

// wired is the result: routes, error families and background workers.
type wired struct {
	mounts   []server.Mounter
	families httpkit.Families
	workers  []worker
	// middleware runs on every public request (the per-token limit).
	middleware []func(http.Handler) http.Handler
}

// worker is the shape of every background worker: Run until ctx ends. The
// dispatchers and the outbox relay also have a Wake, which the wiring hands
// to whatever queues their work.
type worker interface {
	Run(ctx context.Context) error
}

// loop adapts a plain background loop (a sweeper) to worker.
type loop func(ctx context.Context)

// Run implements worker.
func (l loop) Run(ctx context.Context) error { l(ctx); return nil }

// runWorkers runs each worker in its own goroutine, with a context that
// outlives ctx's cancellation, until stop is called; stop ends them and
// waits for all to return. A worker that returns an error is logged with
// msg.
func runWorkers(ctx context.Context, log *slog.Logger, msg string, workers []worker) (stop func()) {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := wk.Run(runCtx); err != nil {
				log.Error(msg, "err", err)
			}
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// moduleWirings are the modules beyond account; each module's wire_*.go adds
// itself in init.
var moduleWirings []func(w *wiring, out *wired) error

func wire(cfg Config, db *storage.DB, log *slog.Logger, reg prometheus.Registerer) (wired, error) {
	w := &wiring{
		cfg: cfg, db: db, log: log, reg: reg,
		clock:  httpkit.Clock{Loc: cfg.Timezone},
		outbox: storage.NewOutbox(db),
	}
	out := wired{families: httpkit.Families{appapi.Family{Log: log}}}
	var sweep func(context.Context)
	if w.limiter, sweep = newLimiter(w); sweep != nil {
		out.workers = append(out.workers, loop(sweep))
	}
	out.workers = append(out.workers, loop(sweepLoginClients(w)))
	if cfg.CodeSender == "log" {
		// Only the service sends codes; admin create does not, so it does not warn.
		log.Warn("CODE_SENDER=log: verification codes are written to this log; set CODE_SENDER=smtp in production")
	}
	w.accounts = accountService(cfg, db, log, func(s ports.CodeSender) ports.CodeSender { return codeBudget(w, s) })
	w.app = appapi.NewServer(log, w.clock)
	out.mounts = append(out.mounts, appapi.Account{S: w.app, EP: appaccount.MakeEndpoints(w.accounts), Limit: authLimits(w)})
	for _, m := range moduleWirings {
		if err := m(w, &out); err != nil {
			return out, err
		}
	}
	if err := wireConsole(w, &out); err != nil {
		return out, err
	}
	out.middleware = append(out.middleware, perTokenLimit(w, out.families))
	return out, nil
}

// accountService builds the account use cases on db; decorate wraps the
// code sender (the serve command adds the code budget).
func accountService(cfg Config, db *storage.DB, log *slog.Logger, decorate ...func(ports.CodeSender) ports.CodeSender) *appaccount.Service {
	var sender ports.CodeSender = codesender.Log{Logger: log}
	if cfg.CodeSender == "smtp" {
		sender = codesender.NewSMTP(cfg.smtpConfig())
	}
	for _, d := range decorate {
		sender = d(sender)
	}
	return appaccount.NewService(appaccount.Deps{
		UoW: db, Outbox: storage.NewOutbox(db),
		Accounts: storage.NewAccounts(db), Codes: storage.NewCodes(db), Tokens: storage.NewTokens(db), LoginClients: storage.NewLoginClients(db),
		Sender: sender, Hasher: secure.Bcrypt{Cost: cfg.BcryptCost}, Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appaccount.Policy{
		Codes:        account.CodePolicy{TTL: cfg.CodeTTL, Interval: cfg.CodeInterval, DailyLimit: cfg.CodeDailyLimit, Areas: cfg.CodeAreas},
		Lock:         account.LockPolicy{MaxFailures: cfg.LoginMaxFailures, LockFor: cfg.LoginLockDuration, MaxClients: cfg.LoginLockClients, Zone: cfg.Timezone},
		Tokens:       account.TokenPolicy{AccessTTL: cfg.AccessTokenTTL, RefreshTTL: cfg.RefreshTokenTTL},
		PrincipalTTL: cfg.AuthCacheTTL,
	})
}
