// Command campushub runs the campushub service: the app, 微校 relay and
// activity HTTP APIs, and the outbox relay that publishes every change to
// Kafka.
//
//	campushub [serve]                              run the service (default)
//	campushub migrate                              apply database migrations
//	campushub admin create --account A --password P  create a manager
//	campushub events relay|tail|list               outbox tools
//	campushub healthcheck                          probe /healthz (container health checks)
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/campushub/campushub/adapters/http/httpkit"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "campushub: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Println(usage)
		return nil
	}
	cfg, err := LoadConfig(os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		return migrate(ctx, cfg, log)
	case "admin":
		return adminCommand(ctx, cfg, log, args)
	case "events":
		return eventsCommand(ctx, cfg, log, args)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	default:
		return errors.New("unknown command " + cmd + "\n" + usage)
	}
}

const usage = `usage:
  campushub [serve]                                 run the service
  campushub migrate                                 apply database migrations
  campushub admin create --account A [--password P] create a manager (password from stdin when omitted)
  campushub events relay                            publish the outbox alone
  campushub events tail --topic T [--from-beginning] print events from Kafka
  campushub events list [--limit N]                 print recent outbox rows
  campushub healthcheck                             GET /healthz on HTTP_ADDR
Settings come from environment variables; see README.md.`

func newLogger(cfg Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(os.Stdout, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(os.Stdout, opts)
	}
	return slog.New(httpkit.LogHandler{Handler: h})
}
