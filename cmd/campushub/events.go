package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/peterbourgon/ff/v3/ffcli"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/events/nats"
	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/ports"
)

// eventModules are the modules whose topics (campushub.<module>.v1) the
// service creates when KAFKA_CREATE_TOPICS is set.
var eventModules = []string{"account", "push", "content", "wxrelay", "activity", "security"}

func eventTopics() []string {
	topics := make([]string, len(eventModules))
	for i, m := range eventModules {
		topics[i] = "campushub." + m + ".v1"
	}
	return topics
}

// startRelay starts the outbox relay in the background and returns the
// function that stops it and waits (then closes the publisher and stops the
// embedded broker), and the readiness checks of the broker and the outbox.
// With EVENTS_BROKER=none nothing runs: rows stay in the outbox. Nothing
// here waits for Kafka: the service serves while it is unreachable, the
// outbox keeps the changes, and the topics are created when it answers.
func startRelay(ctx context.Context, cfg Config, db *storage.DB, log *slog.Logger, reg prometheus.Registerer) (stop func(), checks []server.Check, err error) {
	if cfg.EventsBroker == "none" {
		log.Info("outbox relay off; events stay in the outbox table", "events_broker", cfg.EventsBroker)
		off := func(context.Context) (any, bool) {
			return map[string]any{"status": "off", "events_broker": "none"}, true
		}
		return func() {}, []server.Check{{Name: "broker", Report: off}}, nil
	}
	b, err := openBroker(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	relay, err := newRelay(cfg, db, b.pub, log, reg)
	if err != nil {
		b.close()
		return nil, nil, err
	}
	log.Info("outbox relay publishing", "events_broker", cfg.EventsBroker, "to", b.describe, "owner", relay.Owner())
	if b.health != nil {
		b.health.OnReachable(relay.Retry) // the backlog goes out at once, not after the backoff
	}
	db.OnOutboxCommit(relay.Wake) // a change goes out at once, not at the next poll
	stopWorkers := runWorkers(ctx, log, "outbox relay stopped", append([]worker{relay}, b.workers...))
	var once sync.Once
	brokerCheck := server.Check{Name: "broker", Run: b.ready, Report: b.report}
	return func() {
		once.Do(func() {
			stopWorkers()
			b.close()
		})
	}, []server.Check{brokerCheck, {Name: "outbox", Report: events.OutboxReport(storage.NewRelayStore(db, nil), nil)}}, nil
}

// broker is the configured publisher with its readiness check, the
// workers that run beside the relay, and what must be closed after the
// relay stopped.
type broker struct {
	pub   ports.Publisher
	ready func(context.Context) error
	// report, when set, replaces ready: the broker's state for /readyz,
	// which a broker outage does not make unready.
	report   func(context.Context) (any, bool)
	health   *events.BrokerHealth // nil for brokers without one
	workers  []worker
	close    func()
	describe string
}

// openBroker builds the publisher EVENTS_BROKER names.
func openBroker(ctx context.Context, cfg Config, log *slog.Logger) (*broker, error) {
	switch cfg.EventsBroker {
	case "kafka":
		pub, err := newKafkaPublisher(cfg)
		if err != nil {
			return nil, err
		}
		brokers := append([]string(nil), cfg.KafkaBrokers...)
		health := events.NewBrokerHealth(func(ctx context.Context) error { return kafka.Ping(ctx, brokers) }, events.HealthConfig{Logger: log})
		return &broker{
			pub: pub, report: health.Report, health: health, describe: strings.Join(cfg.KafkaBrokers, ","),
			workers: []worker{loop(health.Run), loop(func(ctx context.Context) { pub.PrepareTopics(ctx, log) })},
			close: func() {
				if err := pub.Close(); err != nil {
					log.Warn("closing the Kafka publisher", "err", err)
				}
			},
		}, nil
	case "nats", "embedded":
		nb, err := openNATS(cfg, log)
		if err != nil {
			return nil, err
		}
		describe := "the embedded NATS server"
		if cfg.EventsBroker == "nats" {
			describe = nats.RedactURLs(cfg.NATSURLs)
		}
		// The probe is a JetStream API round trip on the publisher's
		// connection: it asks the servers, and says whether the stream is there.
		health := events.NewBrokerHealth(nb.pub.Ready, events.HealthConfig{Logger: log})
		return &broker{
			pub: nb.pub, report: health.Report, health: health, describe: describe,
			workers: []worker{loop(health.Run)},
			close:   func() { nb.close(log) },
		}, nil
	default:
		return nil, fmt.Errorf("EVENTS_BROKER=%s publishes nothing", cfg.EventsBroker)
	}
}

// newKafkaPublisher returns a publisher to Kafka that creates the topics,
// when configured to, before its first publish. It does not connect yet.
func newKafkaPublisher(cfg Config) (*kafka.Publisher, error) {
	pcfg := kafka.Config{
		Brokers:   cfg.KafkaBrokers,
		ClientID:  cfg.KafkaClientID,
		Source:    cfg.EventsSource,
		BatchSize: max(cfg.OutboxBatchSize, 1),
	}
	if cfg.KafkaCreateTopics {
		pcfg.Topics = eventTopics()
		pcfg.TopicPartitions, pcfg.TopicReplication = cfg.KafkaTopicPartitions, cfg.KafkaTopicReplication
	}
	return kafka.NewPublisher(pcfg)
}

// newRelay builds the relay from the outbox to pub.
func newRelay(cfg Config, db *storage.DB, pub ports.Publisher, log *slog.Logger, reg prometheus.Registerer) (*events.Relay, error) {
	return events.NewRelay(storage.NewRelayStore(db, nil), pub, events.Config{
		BatchSize:    cfg.OutboxBatchSize,
		PollInterval: cfg.OutboxPollInterval,
		Retention:    cfg.OutboxRetention,
		Logger:       log,
		Registerer:   reg,
	})
}

// eventsCommand is `campushub events relay|tail|list`.
func (c *cli) eventsCommand() *ffcli.Command {
	relay := &ffcli.Command{
		Name: "relay", ShortUsage: "campushub events relay", FlagSet: c.flags("events relay"),
		ShortHelp: "run only the outbox relay to the configured broker, until SIGINT or SIGTERM",
		Exec:      c.withConfig("events relay", eventsRelay),
	}
	tailFlags := c.flags("events tail")
	topic := tailFlags.String("topic", "", "topic (NATS: subject; wildcards work) to read, e.g. campushub.account.v1 (required)")
	fromBeginning := tailFlags.Bool("from-beginning", false, "start at the oldest event instead of the next new one")
	group := tailFlags.String("group", "", "Kafka consumer group / NATS durable consumer that remembers what was read (default: none; every partition is read directly, nothing is left on the broker)")
	tail := &ffcli.Command{
		Name: "tail", ShortUsage: "campushub events tail --topic T [--from-beginning] [--group G]", FlagSet: tailFlags,
		ShortHelp: "print the events of one topic of the configured broker as JSON lines",
		Exec: c.withConfig("events tail", func(ctx context.Context, cfg Config, _ *slog.Logger) error {
			if *topic == "" {
				return errors.New("events tail: --topic is required")
			}
			return eventsTail(ctx, cfg, *topic, *fromBeginning, *group, c.stdout)
		}),
	}
	listFlags := c.flags("events list")
	limit := listFlags.Int("limit", 20, "how many rows to print")
	list := &ffcli.Command{
		Name: "list", ShortUsage: "campushub events list [--limit N]", FlagSet: listFlags,
		ShortHelp: "print the newest outbox rows as JSON lines, newest first",
		Exec: c.withConfig("events list", func(ctx context.Context, cfg Config, log *slog.Logger) error {
			return eventsList(ctx, cfg, log, *limit, c.stdout)
		}),
	}
	subs := []*ffcli.Command{relay, tail, list}
	return &ffcli.Command{
		Name: "events", ShortUsage: "campushub events relay|tail|list [flags]", FlagSet: c.flags("events"),
		ShortHelp:   "outbox tools: run the relay, tail a topic, list outbox rows",
		Subcommands: subs,
		Exec:        wantSubcommand("events", subs),
	}
}

// eventsRelay publishes the outbox until ctx ends (SIGINT/SIGTERM).
func eventsRelay(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.EventsBroker == "none" {
		return errors.New("events relay: EVENTS_BROKER is none; set EVENTS_BROKER to embedded, nats or kafka")
	}
	db, err := openDB(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := openBroker(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer b.close()
	relay, err := newRelay(cfg, db, b.pub, log, nil)
	if err != nil {
		return err
	}
	log.Info("outbox relay publishing", "events_broker", cfg.EventsBroker, "to", b.describe, "owner", relay.Owner())
	return relay.Run(ctx)
}

// eventsTail prints the events of one topic (NATS: subject) as JSON lines
// until ctx ends, from whichever broker EVENTS_BROKER names.
func eventsTail(ctx context.Context, cfg Config, topic string, fromBeginning bool, group string, w io.Writer) error {
	switch cfg.EventsBroker {
	case "kafka":
		return kafka.Tail(ctx, cfg.KafkaBrokers, topic, fromBeginning, group, w)
	case "nats", "embedded":
		js, closeConn, err := natsJetStream(cfg)
		if err != nil {
			return fmt.Errorf("events tail: %w", err)
		}
		defer closeConn()
		return nats.Tail(ctx, js, nats.TailOptions{Stream: cfg.NATSStream, Subject: topic, FromBeginning: fromBeginning, Durable: group, Known: eventTopics()}, w)
	default:
		return errors.New("events tail: EVENTS_BROKER=none publishes nothing; `campushub events list` shows the outbox")
	}
}

// outboxLine is one row printed by `events list`.
type outboxLine struct {
	ID          int64           `json:"id"`
	Topic       string          `json:"topic"`
	Type        string          `json:"type"`
	Key         string          `json:"key"`
	OccurredAt  time.Time       `json:"occurred_at"`
	PublishedAt *time.Time      `json:"published_at"`
	Payload     json.RawMessage `json:"payload"`
}

// eventsList prints the newest outbox rows, newest first, as JSON lines.
func eventsList(ctx context.Context, cfg Config, log *slog.Logger, limit int, w io.Writer) error {
	if limit <= 0 {
		return errors.New("events list: --limit must be positive")
	}
	db, err := openDB(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := storage.NewOutbox(db).Recent(ctx, limit)
	if err != nil {
		return fmt.Errorf("events list: %w", err)
	}
	enc := json.NewEncoder(w)
	for _, r := range rows {
		line := outboxLine{ID: r.ID, Topic: r.Topic, Type: r.Type, Key: r.AggregateID,
			OccurredAt: r.OccurredAt.UTC(), PublishedAt: r.PublishedAt, Payload: json.RawMessage(r.Payload)}
		if !json.Valid(line.Payload) {
			line.Payload, _ = json.Marshal(r.Payload)
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}
