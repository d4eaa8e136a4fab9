package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/docs"
)

// openDB opens and, when asked, migrates the database.
func openDB(ctx context.Context, cfg Config, log *slog.Logger, migrate bool) (*storage.DB, error) {
	return openDatabase(ctx, cfg, log, migrate, false)
}

// openDatabase is openDB; serving takes SQLite's WAL checkpoints out of the
// commit path (the caller runs db.RunCheckpoints).
func openDatabase(ctx context.Context, cfg Config, log *slog.Logger, migrate, serving bool) (*storage.DB, error) {
	db, err := storage.Open(ctx, storage.Config{
		URL: cfg.DatabaseURL, MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns, ConnMaxLifetime: cfg.DBConnLifetime,
		CheckpointInBackground: serving,
	})
	if err != nil {
		return nil, err
	}
	if migrate {
		ran, err := db.Migrate(ctx)
		if err != nil {
			_ = db.Close()
			return nil, err
		}
		if len(ran) > 0 {
			log.Info("migrations applied", "migrations", ran)
		}
	}
	return db, nil
}

// migrate applies the pending migrations and prints what it applied.
func migrate(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	db, err := openDB(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	ran, err := db.Migrate(ctx)
	for _, id := range ran {
		fmt.Fprintln(stdout, "applied", id)
	}
	if err != nil {
		return err
	}
	if len(ran) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
	}
	return nil
}

// serve runs the HTTP server and the background workers until ctx ends,
// then shuts down gracefully: stop accepting, let in-flight requests finish,
// stop the workers, close the database.
func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	// Registered first so it runs last: after the workers, the relay, the
	// operations listener and the database have all stopped.
	var shutdownStart time.Time
	defer func() {
		if !shutdownStart.IsZero() {
			log.Info("shutdown complete", "took", time.Since(shutdownStart).Round(time.Millisecond).String())
		}
	}()
	db, err := openDatabase(ctx, cfg, log, cfg.AutoMigrate, true)
	if err != nil {
		return err
	}
	defer db.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	w, err := wire(cfg, db, log, reg)
	if err != nil {
		return err
	}
	stopRelay, eventChecks, err := startRelay(ctx, cfg, db, log, reg)
	if err != nil {
		return err
	}
	defer stopRelay()

	w.workers = append(w.workers, loop(func(ctx context.Context) { db.RunCheckpoints(ctx, log) }))
	defer runWorkers(ctx, log, "background worker stopped", w.workers)()

	ready := append([]server.Check{{Name: "database", Run: db.PingContext}}, eventChecks...)
	handler := server.New(server.Options{
		Logger: log, Registry: reg, BodyLimit: cfg.BodyLimit, OpenAPI: docs.OpenAPI,
		Families: w.families, Mounts: w.mounts, Ready: ready,
		TrustedProxies: cfg.TrustedProxies, Middleware: w.middleware,
	})
	stopOps, err := startOps(cfg, log, server.Ops(server.OpsOptions{Registry: reg, Ready: ready, Pprof: cfg.PprofEnabled}))
	if err != nil {
		return err
	}
	defer stopOps()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	log.Info("campushub listening", "addr", ln.Addr().String(), "database", storage.Redact(cfg.DatabaseURL), "events_broker", cfg.EventsBroker)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownStart = time.Now()
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		log.Warn("requests still running at SHUTDOWN_TIMEOUT are cut off", "timeout", cfg.ShutdownTimeout.String())
		_ = srv.Close()
	}
	return nil
}

// startOps serves the operations handler on OPS_ADDR ("off": not at all)
// and returns the function that closes it.
func startOps(cfg Config, log *slog.Logger, h http.Handler) (stop func(), err error) {
	if cfg.OpsAddr == "off" {
		log.Info("operations listener off (OPS_ADDR=off): no /metrics")
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.OpsAddr)
	if err != nil {
		return nil, fmt.Errorf("OPS_ADDR %s: %w", cfg.OpsAddr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      2 * time.Minute, // CPU profiles and traces take their time
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		log.Warn("the operations listener is reachable beyond this host; keep OPS_ADDR on a private network", "addr", ln.Addr().String())
	}
	log.Info("operations listener", "addr", ln.Addr().String(), "pprof", cfg.PprofEnabled)
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}
