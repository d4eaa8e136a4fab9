package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/campushub/campushub/adapters/events/nats"
)

// validateNATS checks the NATS settings when a NATS broker is chosen.
func (c Config) validateNATS() []string {
	if c.EventsBroker != "nats" && c.EventsBroker != "embedded" {
		return nil
	}
	var p []string
	if c.EventsBroker == "nats" && len(c.NATSURLs) == 0 {
		p = append(p, "NATS_URL: required when EVENTS_BROKER=nats")
	}
	if c.EventsBroker == "nats" {
		if err := c.natsConn(nil).Validate(); err != nil && len(c.NATSURLs) > 0 {
			p = append(p, "NATS_*: "+strings.TrimPrefix(err.Error(), "nats: "))
		}
	}
	if c.NATSEmbeddedPort < 0 || c.NATSEmbeddedPort > 65535 {
		p = append(p, fmt.Sprintf("NATS_EMBEDDED_PORT: %d is not a port (0-65535; 0 opens none)", c.NATSEmbeddedPort))
	}
	if c.NATSStreamMaxBytes < 0 {
		p = append(p, fmt.Sprintf("NATS_STREAM_MAX_BYTES: %d is negative (0 for no bound)", c.NATSStreamMaxBytes))
	}
	if c.NATSStreamReplicas < 1 || c.NATSStreamReplicas > 5 {
		p = append(p, fmt.Sprintf("NATS_STREAM_REPLICAS: %d is not between 1 and 5", c.NATSStreamReplicas))
	}
	if err := c.natsStream().Validate(); err != nil {
		p = append(p, "NATS_STREAM*: "+strings.TrimPrefix(err.Error(), "nats: "))
	}
	return p
}

// natsConn is how the service reaches NATS_URL; connection changes go to
// log (nil: dropped).
func (c Config) natsConn(log *slog.Logger) nats.Conn {
	conn := nats.Conn{
		URLs: c.NATSURLs, Name: "campushub",
		CredsFile: c.NATSCreds, NKeySeedFile: c.NATSNKeySeed,
		User: c.NATSUser, Password: c.NATSPassword, Token: c.NATSToken,
		TLSCA: c.NATSTLSCA, TLSCert: c.NATSTLSCert, TLSKey: c.NATSTLSKey,
	}
	if log != nil {
		conn.OnEvent = natsEventLogger(log)
	}
	return conn
}

// natsEventLogger logs connection changes; urls in them carry no password
// (nats.go redacts them).
func natsEventLogger(log *slog.Logger) func(string, error) {
	return func(msg string, err error) {
		if err != nil {
			log.Warn("NATS: "+msg, "err", err)
			return
		}
		log.Info("NATS: " + msg)
	}
}

// natsStream is the stream layout from the settings.
func (c Config) natsStream() nats.Stream {
	s := nats.Stream{
		Name:            c.NATSStream,
		Subjects:        nats.DefaultSubjects,
		Create:          c.NATSCreateStream,
		Retention:       nats.Retention(c.NATSStreamRetention),
		Replicas:        c.NATSStreamReplicas,
		MaxAge:          c.NATSStreamMaxAge,
		MaxBytes:        c.NATSStreamMaxBytes,
		DuplicateWindow: c.NATSDuplicateWindow,
	}
	if c.EventsBroker == "embedded" {
		s.Replicas = 1 // one server
		s.Create = true
	}
	return s
}

// embeddedDir is where the embedded broker keeps its files: NATS_EMBEDDED_DIR,
// else beside the SQLite file, else campushub-nats in the working
// directory. An in-memory database gets a temporary directory (temp true),
// removed at shutdown: its event ids start again at 1 with every run, and a
// stream that outlived it would take new events for duplicates of old ones.
func (c Config) embeddedDir() (dir string, temp bool, err error) {
	if c.NATSEmbeddedDir != "" {
		return c.NATSEmbeddedDir, false, nil
	}
	raw := c.DatabaseURL
	if !strings.HasPrefix(raw, "sqlite:") && !strings.HasPrefix(raw, "file:") {
		return "campushub-nats", false, nil
	}
	path := strings.TrimPrefix(raw, "sqlite:")
	path = strings.TrimPrefix(path, "//")
	path = strings.TrimPrefix(path, "file:")
	path, query, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(query)
	if path == "" || strings.Contains(path, ":memory:") || q.Get("mode") == "memory" {
		dir, err := os.MkdirTemp("", "campushub-nats-")
		return dir, true, err
	}
	return path + ".nats", false, nil
}

// natsBroker is the NATS side of the events wiring: the publisher and,
// with EVENTS_BROKER=embedded, the server inside this process.
type natsBroker struct {
	pub     *nats.Publisher
	srv     *nats.Server
	tempDir string
}

// openNATS starts the embedded server when configured and returns a
// publisher to it or to NATS_URL. It does not wait for NATS_URL to answer.
func openNATS(cfg Config, log *slog.Logger) (*natsBroker, error) {
	b := &natsBroker{}
	conn := cfg.natsConn(log)
	if cfg.EventsBroker == "embedded" {
		dir, temp, err := cfg.embeddedDir()
		if err != nil {
			return nil, fmt.Errorf("NATS_EMBEDDED_DIR: %w", err)
		}
		if temp {
			b.tempDir = dir
		}
		b.srv, err = nats.StartServer(nats.ServerConfig{Port: cfg.NATSEmbeddedPort, StoreDir: dir, Logger: log})
		if err != nil {
			b.close(log)
			return nil, fmt.Errorf("NATS_EMBEDDED_PORT %d: %w", cfg.NATSEmbeddedPort, err)
		}
		listen := b.srv.ClientURL()
		if listen == "" {
			listen = "none (NATS_EMBEDDED_PORT=0)"
		}
		log.Info("embedded NATS server running", "listen", listen, "store", dir)
		if !strings.HasPrefix(cfg.DatabaseURL, "sqlite:") && !strings.HasPrefix(cfg.DatabaseURL, "file:") {
			log.Warn("EVENTS_BROKER=embedded with a shared database: each replica has a broker of its own and publishes while it holds the relay lease, so run a single replica, or use EVENTS_BROKER=nats")
		}
		conn = nats.Conn{InProcess: b.srv.InProcess(), Name: "campushub", OnEvent: natsEventLogger(log)}
	}
	pub, err := nats.NewPublisher(nats.Config{
		Conn: conn, Stream: cfg.natsStream(), Source: cfg.EventsSource,
		MaxPending: max(cfg.OutboxBatchSize, 1),
	})
	if err != nil {
		b.close(log)
		return nil, err
	}
	b.pub = pub
	return b, nil
}

// close closes the publisher, then stops the embedded server.
func (b *natsBroker) close(log *slog.Logger) {
	if b.pub != nil {
		_ = b.pub.Close()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		log.Info("embedded NATS server stopped")
	}
	if b.tempDir != "" {
		_ = os.RemoveAll(b.tempDir)
	}
}

// natsTailConn is how `events tail` reaches the broker: NATS_URL, or the
// embedded broker's port on 127.0.0.1 (served by a running `campushub`).
func natsTailConn(cfg Config) (nats.Conn, string, error) {
	if cfg.EventsBroker == "nats" {
		return cfg.natsConn(nil), nats.RedactURLs(cfg.NATSURLs), nil
	}
	if cfg.NATSEmbeddedPort == 0 {
		return nats.Conn{}, "", fmt.Errorf("the embedded broker opens no port (NATS_EMBEDDED_PORT=0), so only the serving process can read it")
	}
	u := "nats://127.0.0.1:" + strconv.Itoa(cfg.NATSEmbeddedPort)
	return nats.Conn{URLs: []string{u}, Name: "campushub-tail"}, u, nil
}

// natsJetStream connects a command-line tool to the configured broker.
func natsJetStream(cfg Config) (jetstream.JetStream, func(), error) {
	conn, where, err := natsTailConn(cfg)
	if err != nil {
		return nil, nil, err
	}
	conn.Name = "campushub-tail"
	nc, err := nats.Dial(conn, 5*time.Second)
	if err != nil {
		if cfg.EventsBroker == "embedded" {
			return nil, nil, fmt.Errorf("%w (the embedded broker at %s runs inside `campushub serve`; is it running, with the same NATS_EMBEDDED_PORT?)", err, where)
		}
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return js, nc.Close, nil
}
