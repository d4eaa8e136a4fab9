package main

import (
	"context"
	"time"

	"github.com/campushub/campushub/adapters/http/console"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	appconsole "github.com/campushub/campushub/app/console"
	"github.com/campushub/campushub/ports"
)

// wireConsole mounts the web console (unless CONSOLE_ENABLED=false) on the
// module services the other wirings built, and sweeps expired sessions.
func wireConsole(w *wiring, out *wired) error {
	if !w.cfg.ConsoleEnabled {
		return nil
	}
	lang := w.cfg.ConsoleLanguage
	if lang == "auto" {
		lang = ""
	}
	svc := appconsole.NewService(appconsole.Deps{
		Sessions: storage.NewConsoleSessions(w.db), Passwords: w.accounts, Orgs: storage.NewOrganisations(w.db),
		Stats: storage.NewConsoleStats(w.db), Random: secure.Random{}, Clock: ports.SystemClock{},
	}, appconsole.Config{Lifetime: w.cfg.ConsoleSessionTTL, Location: w.cfg.Timezone})
	services := w.console
	services.Console = svc
	h, err := console.New(services, console.Config{Language: lang, Clock: w.clock, Log: w.log, SignInLimit: consoleSignInLimit(w)})
	if err != nil {
		return err
	}
	out.mounts = append(out.mounts, h)
	out.workers = append(out.workers, loop(func(ctx context.Context) { svc.RunSweeper(ctx, 10*time.Minute, w.log) }))
	return nil
}
