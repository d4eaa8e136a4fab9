package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/campushub/campushub/ports"
)

// The CloudEvents Kafka binding's header names (binary content mode).
const (
	HeaderID          = "ce_id"
	HeaderType        = "ce_type"
	HeaderSource      = "ce_source"
	HeaderTime        = "ce_time"
	HeaderSpecVersion = "ce_specversion"
	HeaderContentType = "content-type"

	// SpecVersion is the CloudEvents version the headers follow.
	SpecVersion = "1.0"
	// ContentType is the media type of every message value.
	ContentType = "application/json"
)

// Config configures a Publisher.
type Config struct {
	// Brokers are the bootstrap brokers, host:port.
	Brokers []string
	// ClientID names the service to the brokers.
	ClientID string
	// Source is the CloudEvents ce_source of every event, e.g. "/campushub".
	Source string
	// BatchSize is the most messages sent to one partition in one request;
	// it should be at least the relay's batch size (default 10,000).
	BatchSize int
	// BatchBytes is the largest request to one partition (default 1 MiB, the
	// broker's default message.max.bytes).
	BatchBytes int64
	// BatchTimeout is how long a partial batch waits for more messages.
	// Publish hands over whole batches, so it is short (default 1ms).
	BatchTimeout time.Duration
	// WriteTimeout bounds one produce request (default 10s).
	WriteTimeout time.Duration
}

func (c *Config) setDefaults() {
	if c.ClientID == "" {
		c.ClientID = "campushub"
	}
	if c.Source == "" {
		c.Source = "/campushub"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 10000
	}
	if c.BatchBytes <= 0 {
		c.BatchBytes = 1 << 20
	}
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = time.Millisecond
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
}

// Publisher writes outbox messages to Kafka with acks=all.
type Publisher struct {
	cfg Config
	w   *kafkago.Writer
}

var _ ports.Publisher = (*Publisher)(nil)

// NewPublisher returns a publisher to cfg.Brokers. It does not connect until
// the first Publish.
func NewPublisher(cfg Config) (*Publisher, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("kafka: no brokers configured")
	}
	cfg.setDefaults()
	w := &kafkago.Writer{
		Addr:         kafkago.TCP(cfg.Brokers...),
		Balancer:     Partitioner(),
		RequiredAcks: kafkago.RequireAll,
		BatchSize:    cfg.BatchSize,
		BatchBytes:   cfg.BatchBytes,
		BatchTimeout: cfg.BatchTimeout,
		WriteTimeout: cfg.WriteTimeout,
		ReadTimeout:  cfg.WriteTimeout,
		MaxAttempts:  3,
		Transport:    &kafkago.Transport{ClientID: cfg.ClientID, DialTimeout: 5 * time.Second},
	}
	return &Publisher{cfg: cfg, w: w}, nil
}

// Partitioner returns the balancer the publisher uses: murmur2 over the key,
// positive-masked, modulo the partition count, exactly as the Java client's
// default partitioner places keyed records.
func Partitioner() kafkago.Balancer { return &kafkago.Murmur2Balancer{Consistent: true} }

// Publish writes msgs and returns once the brokers acknowledged all of them
// on every in-sync replica. The batch is split into parts small enough that
// each partition receives one produce request per part, and the parts are
// written one after another, stopping at the first failure; so a failed
// Publish never leaves a later event of a key in Kafka without the earlier
// ones, and the retry (which resends everything) keeps each key's order.
func (p *Publisher) Publish(ctx context.Context, msgs []ports.OutboxMessage) error {
	out := make([]kafkago.Message, len(msgs))
	for i, m := range msgs {
		out[i] = p.message(m)
	}
	for len(out) > 0 {
		n := p.partLen(out)
		if err := p.w.WriteMessages(ctx, out[:n]...); err != nil {
			return fmt.Errorf("kafka: publish: %w", err)
		}
		out = out[n:]
	}
	return nil
}

// partLen returns how many of msgs fit in one part: at most BatchSize
// messages and, by a generous estimate of their encoded size, BatchBytes.
func (p *Publisher) partLen(msgs []kafkago.Message) int {
	var bytes int64
	for i, m := range msgs {
		size := int64(len(m.Key) + len(m.Value) + 64)
		for _, h := range m.Headers {
			size += int64(len(h.Key) + len(h.Value) + 10)
		}
		if i > 0 && (i >= p.cfg.BatchSize || bytes+size > p.cfg.BatchBytes) {
			return i
		}
		bytes += size
	}
	return len(msgs)
}

// message encodes one outbox message in CloudEvents binary mode.
func (p *Publisher) message(m ports.OutboxMessage) kafkago.Message {
	return kafkago.Message{
		Topic: m.Topic,
		Key:   []byte(m.Key),
		Value: m.Payload,
		Time:  m.OccurredAt,
		Headers: []kafkago.Header{
			{Key: HeaderSpecVersion, Value: []byte(SpecVersion)},
			{Key: HeaderID, Value: []byte(strconv.FormatInt(m.ID, 10))},
			{Key: HeaderType, Value: []byte(m.Type)},
			{Key: HeaderSource, Value: []byte(p.cfg.Source)},
			{Key: HeaderTime, Value: []byte(m.OccurredAt.UTC().Format(time.RFC3339Nano))},
			{Key: HeaderContentType, Value: []byte(ContentType)},
		},
	}
}

// Close flushes and closes the writer.
func (p *Publisher) Close() error { return p.w.Close() }
