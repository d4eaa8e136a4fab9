package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/storage"
)

// eventModules are the modules whose topics (campushub.<module>.v1) the
// service creates when KAFKA_CREATE_TOPICS is set.
var eventModules = []string{"account", "push", "content", "wxrelay", "activity"}

func eventTopics() []string {
	topics := make([]string, len(eventModules))
	for i, m := range eventModules {
		topics[i] = "campushub." + m + ".v1"
	}
	return topics
}

// startRelay starts the outbox relay in the background and returns the
// function that stops it and waits. With EVENTS_BROKER=none nothing runs:
// rows stay in the outbox.
func startRelay(ctx context.Context, cfg Config, db *storage.DB, log *slog.Logger, reg prometheus.Registerer) (stop func(), err error) {
	if cfg.EventsBroker != "kafka" {
		log.Info("outbox relay off; events stay in the outbox table", "events_broker", cfg.EventsBroker)
		return func() {}, nil
	}
	relay, pub, err := newKafkaRelay(ctx, cfg, db, log, reg)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = relay.Run(runCtx)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			if err := pub.Close(); err != nil {
				log.Warn("closing the Kafka publisher", "err", err)
			}
		})
	}, nil
}

// newKafkaRelay creates the topics when configured to and builds a relay
// that publishes to Kafka.
func newKafkaRelay(ctx context.Context, cfg Config, db *storage.DB, log *slog.Logger, reg prometheus.Registerer) (*events.Relay, *kafka.Publisher, error) {
	if cfg.KafkaCreateTopics {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := kafka.EnsureTopics(tctx, cfg.KafkaBrokers, eventTopics(), cfg.KafkaTopicPartitions, cfg.KafkaTopicReplication)
		cancel()
		if err != nil {
			return nil, nil, fmt.Errorf("KAFKA_CREATE_TOPICS: %w", err)
		}
	}
	pub, err := kafka.NewPublisher(kafka.Config{
		Brokers:   cfg.KafkaBrokers,
		ClientID:  cfg.KafkaClientID,
		Source:    cfg.EventsSource,
		BatchSize: max(cfg.OutboxBatchSize, 1),
	})
	if err != nil {
		return nil, nil, err
	}
	relay, err := events.NewRelay(storage.NewRelayStore(db, nil), pub, events.Config{
		BatchSize:    cfg.OutboxBatchSize,
		PollInterval: cfg.OutboxPollInterval,
		Retention:    cfg.OutboxRetention,
		Logger:       log,
		Registerer:   reg,
	})
	if err != nil {
		_ = pub.Close()
		return nil, nil, err
	}
	log.Info("outbox relay publishing to Kafka", "brokers", cfg.KafkaBrokers, "owner", relay.Owner())
	return relay, pub, nil
}

// brokerReady is the broker's /readyz check: always ready without a broker,
// otherwise a metadata round trip to Kafka.
func brokerReady(cfg Config) func(ctx context.Context) error {
	if cfg.EventsBroker != "kafka" {
		return func(context.Context) error { return nil }
	}
	brokers := append([]string(nil), cfg.KafkaBrokers...)
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		return kafka.Ping(ctx, brokers)
	}
}

// eventsCommand runs `campushub events relay|tail|list`.
func eventsCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	if len(args) == 0 {
		return errors.New("events: want a subcommand: relay, tail or list")
	}
	switch args[0] {
	case "relay":
		return eventsRelay(ctx, cfg, log)
	case "tail":
		return eventsTail(ctx, cfg, args[1:], os.Stdout)
	case "list":
		return eventsList(ctx, cfg, log, args[1:], os.Stdout)
	default:
		return fmt.Errorf("events: unknown subcommand %q (want relay, tail or list)", args[0])
	}
}

// eventsRelay publishes the outbox until ctx ends (SIGINT/SIGTERM).
func eventsRelay(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.EventsBroker != "kafka" {
		return errors.New("events relay: EVENTS_BROKER is none; set EVENTS_BROKER=kafka and KAFKA_BROKERS")
	}
	db, err := openDB(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	relay, pub, err := newKafkaRelay(ctx, cfg, db, log, nil)
	if err != nil {
		return err
	}
	defer pub.Close()
	return relay.Run(ctx)
}

// eventsTail prints the events of one topic as JSON lines until ctx ends.
func eventsTail(ctx context.Context, cfg Config, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("events tail", flag.ContinueOnError)
	topic := fs.String("topic", "", "topic to read, e.g. campushub.account.v1")
	fromBeginning := fs.Bool("from-beginning", false, "start at the oldest event instead of the next new one")
	group := fs.String("group", "", "consumer group (default: a new group of its own)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *topic == "" {
		return errors.New("events tail: --topic is required")
	}
	return kafka.Tail(ctx, cfg.KafkaBrokers, *topic, *fromBeginning, *group, w)
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
func eventsList(ctx context.Context, cfg Config, log *slog.Logger, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("events list", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "how many rows to print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *limit <= 0 {
		return errors.New("events list: --limit must be positive")
	}
	db, err := openDB(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := storage.NewOutbox(db).Recent(ctx, *limit)
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
