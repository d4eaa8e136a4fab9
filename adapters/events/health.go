package events

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// BrokerState is what the service last learnt about its broker.
type BrokerState struct {
	// Reachable reports whether the last probe got an answer.
	Reachable bool
	// Since is when the broker became reachable or unreachable, as far as
	// the probes can tell (the first failed probe of an outage).
	Since time.Time
	// Checked is when the last probe ended; zero before the first.
	Checked time.Time
	// Err is the last probe's error, cut to a few hundred bytes.
	Err string
}

// HealthConfig tunes a BrokerHealth. Zero fields take the defaults in
// brackets.
type HealthConfig struct {
	// Interval is the time between two probes of Run [5s].
	Interval time.Duration
	// Timeout bounds one probe [3s].
	Timeout time.Duration
	// Logger receives a line when the broker becomes unreachable and when
	// it answers again [slog.Default()].
	Logger *slog.Logger
	// Now reads the clock [time.Now].
	Now func() time.Time
}

// BrokerHealth probes the broker and remembers whether it answered and
// since when, for the readiness endpoint and the logs. Probes must ask the
// broker itself, never a cache (kafka.Ping opens a new connection).
type BrokerHealth struct {
	probe func(context.Context) error
	cfg   HealthConfig

	mu          sync.Mutex
	state       BrokerState
	onReachable []func()
}

// OnReachable adds f to the functions called when the broker answers again
// after it was unreachable (Relay.Retry, so that the backlog goes out at
// once).
func (h *BrokerHealth) OnReachable(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onReachable = append(h.onReachable, f)
}

// NewBrokerHealth returns a BrokerHealth that asks probe.
func NewBrokerHealth(probe func(context.Context) error, cfg HealthConfig) *BrokerHealth {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &BrokerHealth{probe: probe, cfg: cfg}
}

// Run probes every Interval until ctx ends.
func (h *BrokerHealth) Run(ctx context.Context) {
	t := time.NewTicker(h.cfg.Interval)
	defer t.Stop()
	for {
		h.Check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Check probes the broker now, records the answer and returns the state.
func (h *BrokerHealth) Check(ctx context.Context) BrokerState {
	pctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	err := h.probe(pctx)
	cancel()
	if err != nil && ctx.Err() != nil {
		return h.State() // the caller gave up; that says nothing about the broker
	}
	now := h.cfg.Now()
	h.mu.Lock()
	prev := h.state
	next := BrokerState{Reachable: err == nil, Since: prev.Since, Checked: now}
	if err != nil {
		next.Err = brief(err)
	}
	first := prev.Checked.IsZero()
	if first || prev.Reachable != next.Reachable {
		next.Since = now
	}
	h.state = next
	notify := h.onReachable
	h.mu.Unlock()
	switch {
	case err != nil && (first || prev.Reachable):
		h.cfg.Logger.Warn("events broker unreachable; serving on, changes wait in the outbox until it answers", "err", next.Err)
	case err == nil && !first && !prev.Reachable:
		h.cfg.Logger.Info("events broker reachable again", "unreachable_for", now.Sub(prev.Since).Round(time.Second).String())
		for _, f := range notify {
			f()
		}
	}
	return next
}

// State returns what the last probe found.
func (h *BrokerHealth) State() BrokerState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// Report is the broker's entry in the readiness body: the last probe's
// answer (Run probes every Interval; Report probes itself when the last
// answer is older than two of them). A broker outage does not make the
// service unready (ready is always true): the outbox keeps every change
// until the broker answers, so taking the replicas out of service would
// only add an HTTP outage to the broker's.
func (h *BrokerHealth) Report(ctx context.Context) (state any, ready bool) {
	s := h.State()
	if s.Checked.IsZero() || h.cfg.Now().Sub(s.Checked) > 2*h.cfg.Interval {
		s = h.Check(ctx)
	}
	if s.Checked.IsZero() {
		return map[string]any{"status": "unknown"}, true
	}
	out := map[string]any{
		"status":     "ok",
		"since":      s.Since.UTC().Format(time.RFC3339),
		"checked_at": s.Checked.UTC().Format(time.RFC3339),
	}
	if !s.Reachable {
		out["status"] = "unreachable"
		out["for"] = h.cfg.Now().Sub(s.Since).Round(time.Second).String()
		out["error"] = s.Err
	}
	return out, true
}

// LagReader reads the outbox backlog; storage.RelayStore implements it.
type LagReader interface {
	OutboxLag(ctx context.Context) (count int64, oldest time.Time, err error)
}

// OutboxReport returns the outbox's entry in the readiness body: how many
// rows wait to be published and how old the oldest is. A backlog does not
// make the service unready; a database that cannot be asked does, and the
// database check reports that.
func OutboxReport(lag LagReader, now func() time.Time) func(ctx context.Context) (any, bool) {
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context) (any, bool) {
		n, oldest, err := lag.OutboxLag(ctx)
		if err != nil {
			return map[string]any{"status": "unknown", "error": brief(err)}, true
		}
		if n == 0 {
			return map[string]any{"status": "ok", "unpublished": 0}, true
		}
		age := max(0, now().Sub(oldest))
		return map[string]any{
			"status":      "backlog",
			"unpublished": n,
			"oldest_at":   oldest.UTC().Format(time.RFC3339),
			"oldest_age":  age.Round(time.Second).String(),
		}, true
	}
}
