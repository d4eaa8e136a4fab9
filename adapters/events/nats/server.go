package nats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	natsgo "github.com/nats-io/nats.go"
)

// ServerConfig configures the embedded broker.
type ServerConfig struct {
	// Port is the TCP port on 127.0.0.1 other processes (the nats CLI,
	// consumers) connect to; 0 opens no port, so only this process can
	// reach the server.
	Port int
	// StoreDir holds JetStream's files.
	StoreDir string
	// Logger receives the server's warnings and errors [slog.Default()].
	Logger *slog.Logger
	// StartTimeout bounds the start [10s].
	StartTimeout time.Duration
}

// Server is a NATS server with JetStream running inside this process,
// listening on the loopback interface only.
type Server struct {
	s *server.Server
}

// StartServer starts the embedded broker and returns once it accepts
// connections. A port another process holds is an error naming it.
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("nats: the embedded server needs a store directory")
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("nats: port %d is not 0-65535", cfg.Port)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 10 * time.Second
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port))
	if cfg.Port != 0 {
		// nats-server only logs a port it cannot bind; say so clearly.
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("nats: embedded server: %w", err)
		}
		_ = ln.Close()
	}
	opts := &server.Options{
		ServerName:      "campushub-embedded",
		Host:            "127.0.0.1",
		Port:            cfg.Port,
		DontListen:      cfg.Port == 0,
		JetStream:       true,
		StoreDir:        cfg.StoreDir,
		NoSigs:          true,
		NoSystemAccount: false,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("nats: embedded server: %w", err)
	}
	s.SetLoggerV2(serverLog{log: cfg.Logger.With("component", "nats-server")}, false, false, false)
	s.Start()
	if !s.ReadyForConnections(cfg.StartTimeout) {
		s.Shutdown()
		if cfg.Port != 0 {
			return nil, fmt.Errorf("nats: embedded server did not listen on %s within %s (see the log above)", addr, cfg.StartTimeout)
		}
		return nil, fmt.Errorf("nats: embedded server did not start within %s (see the log above)", cfg.StartTimeout)
	}
	if !s.JetStreamEnabled() {
		s.Shutdown()
		return nil, fmt.Errorf("nats: embedded server: JetStream did not start in %s (see the log above)", cfg.StoreDir)
	}
	return &Server{s: s}, nil
}

// InProcess is the provider a client in this process connects through,
// without a socket (Conn.InProcess).
func (s *Server) InProcess() natsgo.InProcessConnProvider { return s.s }

// ClientURL is the URL other processes connect to, or "" when the server
// opened no port.
func (s *Server) ClientURL() string {
	if s.s.Addr() == nil {
		return ""
	}
	return s.s.ClientURL()
}

// Shutdown stops the server and waits until it stopped, with JetStream's
// files flushed.
func (s *Server) Shutdown() {
	s.s.Shutdown()
	s.s.WaitForShutdown()
}

// serverLog sends nats-server's log to slog: notices at debug level (they
// are the start-up banner), warnings and errors as such. Lines are cut at
// 512 bytes.
type serverLog struct{ log *slog.Logger }

func (l serverLog) line(level slog.Level, format string, v []any) {
	msg := fmt.Sprintf(format, v...)
	if len(msg) > 512 {
		msg = strings.ToValidUTF8(msg[:512], "") + "…"
	}
	l.log.Log(context.Background(), level, msg)
}

func (l serverLog) Noticef(format string, v ...any) { l.line(slog.LevelDebug, format, v) }
func (l serverLog) Warnf(format string, v ...any)   { l.line(slog.LevelWarn, format, v) }
func (l serverLog) Fatalf(format string, v ...any)  { l.line(slog.LevelError, format, v) }
func (l serverLog) Errorf(format string, v ...any)  { l.line(slog.LevelError, format, v) }
func (l serverLog) Debugf(format string, v ...any)  { l.line(slog.LevelDebug-4, format, v) }
func (l serverLog) Tracef(format string, v ...any)  { l.line(slog.LevelDebug-8, format, v) }
