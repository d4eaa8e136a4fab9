// Command campushub runs the campushub service: the app, 微校 relay and
// activity HTTP APIs, and the outbox relay that publishes every change to
// NATS JetStream (by default to a server embedded in the process) or Kafka.
//
//	campushub [serve]                                  run the service (default)
//	campushub migrate                                  apply database migrations
//	campushub admin create --account A [--password P]  create a manager
//	campushub events relay|tail|list                   outbox tools
//	campushub healthcheck                              probe /healthz (container health checks)
//
// Every command answers -h/--help without reading its configuration or
// touching the database.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/peterbourgon/ff/v3/ffcli"

	"github.com/campushub/campushub/adapters/http/httpkit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit statuses of run.
const (
	exitOK      = 0
	exitFailed  = 1
	exitBadArgs = 2
)

// errUsage marks a command line that names no command campushub knows.
var errUsage = errors.New("bad command line")

// run parses args, runs the command they name and returns the exit status:
// 0 on success and on -h/--help (usage on stdout), 2 when the command line
// is not understood (usage on stderr), 1 when the command fails.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var usage bytes.Buffer
	root := commands(&usage, stdout, getenv)
	err := root.Parse(args)
	parsed := err == nil
	if parsed {
		err = root.Run(ctx)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		_, _ = stdout.Write(usage.Bytes())
		return exitOK
	case !parsed || errors.Is(err, errUsage):
		_, _ = stderr.Write(usage.Bytes())
		fmt.Fprintf(stderr, "campushub: %v\n", err)
		return exitBadArgs
	default:
		fmt.Fprintf(stderr, "campushub: %v\n", err)
		return exitFailed
	}
}

// configured is a command's work once the configuration is loaded.
type configured func(ctx context.Context, cfg Config, log *slog.Logger) error

// cli builds the command tree. Nothing reads the configuration, opens the
// database or listens before a command's Exec runs, so -h is free of side
// effects.
type cli struct {
	usage  io.Writer // usage text and flag errors
	stdout io.Writer // what commands print
	getenv func(string) string
}

func commands(usage, stdout io.Writer, getenv func(string) string) *ffcli.Command {
	c := &cli{usage: usage, stdout: stdout, getenv: getenv}
	serveCmd := &ffcli.Command{
		Name: "serve", ShortUsage: "campushub serve", FlagSet: c.flags("serve"),
		ShortHelp: "run the HTTP APIs, the outbox relay and the background workers (the default command)",
		LongHelp:  "SIGINT or SIGTERM shuts the service down gracefully.\n\n" + settingsHelp(),
		Exec:      c.withConfig("serve", serve),
	}
	migrateCmd := &ffcli.Command{
		Name: "migrate", ShortUsage: "campushub migrate", FlagSet: c.flags("migrate"),
		ShortHelp: "apply pending database migrations (DATABASE_URL) and list them",
		Exec: c.withConfig("migrate", func(ctx context.Context, cfg Config, log *slog.Logger) error {
			return migrate(ctx, cfg, log, stdout)
		}),
	}
	healthCmd := &ffcli.Command{
		Name: "healthcheck", ShortUsage: "campushub healthcheck", FlagSet: c.flags("healthcheck"),
		ShortHelp: "GET /healthz on HTTP_ADDR and fail unless it answers 200 (container health checks)",
		Exec: c.withConfig("healthcheck", func(ctx context.Context, cfg Config, _ *slog.Logger) error {
			return healthcheck(ctx, cfg)
		}),
	}
	root := &ffcli.Command{
		Name: "campushub", ShortUsage: "campushub [serve | migrate | admin | events | healthcheck] [flags]", FlagSet: c.flags("campushub"),
		LongHelp: "Settings come from environment variables; campushub serve --help lists them.\n" +
			"campushub COMMAND --help explains a command.",
		Subcommands: []*ffcli.Command{serveCmd, migrateCmd, c.adminCommand(), c.eventsCommand(), healthCmd},
	}
	root.Exec = func(ctx context.Context, args []string) error {
		if len(args) == 1 && args[0] == "help" {
			return flag.ErrHelp
		}
		if len(args) > 0 {
			return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
		}
		return serveCmd.Exec(ctx, nil)
	}
	return root
}

// flags is a command's flag set: errors are returned, not fatal, and usage
// goes to c.usage.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.usage)
	return fs
}

// withConfig is the Exec of a command that takes no arguments besides its
// flags: it loads the configuration and a logger, then runs do.
func (c *cli) withConfig(name string, do configured) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, name, strings.Join(args, " "))
		}
		cfg, err := LoadConfig(c.getenv)
		if err != nil {
			return err
		}
		log, closeLog := newLogger(cfg, os.Stdout)
		defer closeLog()
		return do(ctx, cfg, log)
	}
}

// wantSubcommand is the Exec of a command that only groups subcommands.
func wantSubcommand(name string, subs []*ffcli.Command) func(context.Context, []string) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.Name
	}
	return func(_ context.Context, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: %s: unknown subcommand %q (want %s)", errUsage, name, args[0], strings.Join(names, ", "))
		}
		return fmt.Errorf("%w: %s: want a subcommand: %s", errUsage, name, strings.Join(names, ", "))
	}
}

// settingsHelp lists the environment variables for `serve --help`.
func settingsHelp() string {
	var b strings.Builder
	b.WriteString("ENVIRONMENT\n")
	tw := tabwriter.NewWriter(&b, 0, 2, 2, ' ', 0)
	for _, s := range settings {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, quoteDefault(s.Default), strings.ReplaceAll(s.Doc, "`", ""))
	}
	_ = tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// newLogger returns the process's logger writing to out and a function
// that writes out what it still holds (LOG_FLUSH_INTERVAL).
func newLogger(cfg Config, out io.Writer) (*slog.Logger, func()) {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	w, closeLog := out, func() {}
	if cfg.LogFlushInterval > 0 {
		b := newLogBuffer(out, cfg.LogFlushInterval)
		w, closeLog = b, func() { _ = b.Close() }
	}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	if b, ok := w.(*logBuffer); ok {
		h = flushOn{Handler: h, buf: b, level: slog.LevelWarn}
	}
	return slog.New(httpkit.LogHandler{Handler: h}), closeLog
}
