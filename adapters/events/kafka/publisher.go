package kafka

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
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
	// RetryFor bounds how long Publish retries errors Kafka documents as
	// retriable (not leader, leader not available, request timed out, not
	// enough replicas, a broker that closed the connection, …), each time
	// with fresh cluster metadata, before it gives up and leaves the retry
	// to its caller (default 5s; the context's deadline also bounds it).
	RetryFor time.Duration
	// Topics, when set, are created before the first message is published
	// (see EnsureTopics), with TopicPartitions partitions and
	// TopicReplication replicas each.
	Topics                            []string
	TopicPartitions, TopicReplication int
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
	if c.RetryFor <= 0 {
		c.RetryFor = 5 * time.Second
	}
	if c.TopicPartitions <= 0 {
		c.TopicPartitions = 1
	}
	if c.TopicReplication <= 0 {
		c.TopicReplication = 1
	}
}

// Publisher writes outbox messages to Kafka with acks=all.
type Publisher struct {
	cfg       Config
	w         *kafkago.Writer
	transport *kafkago.Transport

	topicsMu    sync.Mutex
	topicsReady atomic.Bool
}

var _ ports.Publisher = (*Publisher)(nil)

// NewPublisher returns a publisher to cfg.Brokers. It does not connect until
// the first Publish.
func NewPublisher(cfg Config) (*Publisher, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("kafka: no brokers configured")
	}
	cfg.setDefaults()
	transport := &kafkago.Transport{ClientID: cfg.ClientID, DialTimeout: 5 * time.Second}
	w := &kafkago.Writer{
		Addr:         kafkago.TCP(cfg.Brokers...),
		Balancer:     Partitioner(),
		RequiredAcks: kafkago.RequireAll,
		BatchSize:    cfg.BatchSize,
		BatchBytes:   cfg.BatchBytes,
		BatchTimeout: cfg.BatchTimeout,
		WriteTimeout: cfg.WriteTimeout,
		ReadTimeout:  cfg.WriteTimeout,
		// Publish retries itself, with fresh metadata; the writer's own
		// retries would ask the same stale leader again.
		MaxAttempts: 1,
		Transport:   transport,
	}
	p := &Publisher{cfg: cfg, w: w, transport: transport}
	p.topicsReady.Store(len(cfg.Topics) == 0)
	return p, nil
}

// Partitioner returns the balancer the publisher uses: murmur2 over the key,
// positive-masked, modulo the partition count, exactly as the Java client's
// default partitioner places keyed records.
func Partitioner() kafkago.Balancer { return &kafkago.Murmur2Balancer{Consistent: true} }

// EnsureTopics creates the configured topics and waits until every
// partition has a leader, once: after it succeeded it returns nil at once.
func (p *Publisher) EnsureTopics(ctx context.Context) error {
	if p.topicsReady.Load() {
		return nil
	}
	p.topicsMu.Lock()
	defer p.topicsMu.Unlock()
	if p.topicsReady.Load() {
		return nil
	}
	if err := EnsureTopics(ctx, p.cfg.Brokers, p.cfg.Topics, p.cfg.TopicPartitions, p.cfg.TopicReplication); err != nil {
		return err
	}
	p.topicsReady.Store(true)
	return nil
}

// TopicsReady reports whether the configured topics exist with a leader for
// every partition (true when none are configured).
func (p *Publisher) TopicsReady() bool { return p.topicsReady.Load() }

// Publish writes msgs and returns once the brokers acknowledged all of them
// on every in-sync replica. The batch is split into parts small enough that
// each partition receives one produce request per part, and the parts are
// written one after another, stopping at the first failure; so a failed
// Publish never leaves a later event of a key in Kafka without the earlier
// ones, and the retry (which resends everything) keeps each key's order.
//
// The configured topics are created first if they are not yet (see
// EnsureTopics). Errors Kafka documents as retriable are retried within
// RetryFor, each time with fresh metadata and only for the messages that
// failed (a key's messages share one partition and so fail or succeed
// together). A failure is returned as a *PublishError.
func (p *Publisher) Publish(ctx context.Context, msgs []ports.OutboxMessage) error {
	if err := p.EnsureTopics(ctx); err != nil {
		return err
	}
	out := make([]kafkago.Message, len(msgs))
	for i, m := range msgs {
		out[i] = p.message(m)
	}
	for len(out) > 0 {
		n := p.partLen(out)
		if err := p.write(ctx, out[:n]); err != nil {
			return err
		}
		out = out[n:]
	}
	return nil
}

// write sends one part, retrying the messages that failed with a retriable
// error, with fresh metadata, until RetryFor has passed.
func (p *Publisher) write(ctx context.Context, part []kafkago.Message) error {
	total := len(part)
	giveUp := time.Now().Add(p.cfg.RetryFor)
	if d, ok := ctx.Deadline(); ok && d.Before(giveUp) {
		giveUp = d
	}
	for attempt := 1; ; attempt++ {
		err := p.w.WriteMessages(ctx, part...)
		if err == nil {
			return nil
		}
		failed, errs := failures(part, err)
		wait := retryWait(attempt)
		if !allRetriable(errs) || ctx.Err() != nil || time.Now().Add(wait).After(giveUp) {
			return newPublishError(errs, len(failed), total, attempt)
		}
		// The leaders may have moved: forget the cached cluster metadata,
		// so that the next attempt asks the brokers again.
		p.transport.CloseIdleConnections()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return newPublishError(append(errs, ctx.Err()), len(failed), total, attempt)
		case <-t.C:
		}
		part = failed
	}
}

// retryWait is the pause before the attempt after attempt: 50ms, doubling,
// at most 1s.
func retryWait(attempt int) time.Duration {
	return min(50*time.Millisecond<<min(attempt-1, 5), time.Second)
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
func (p *Publisher) Close() error {
	err := p.w.Close()
	p.transport.CloseIdleConnections()
	return err
}

// PrepareTopics creates the configured topics as soon as the brokers
// answer: it tries at once, then again after a wait growing from 1s to 30s,
// until the topics are ready or ctx ends. It logs when it starts waiting
// and when the topics are ready. Publish creates them too; this creates
// them even while nothing is published.
func (p *Publisher) PrepareTopics(ctx context.Context, log *slog.Logger) {
	if p.TopicsReady() {
		return
	}
	wait, waiting := time.Second, false
	for {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := p.EnsureTopics(tctx)
		cancel()
		if err == nil {
			log.Info("kafka: topics ready", "topics", p.cfg.Topics)
			return
		}
		if ctx.Err() != nil {
			return
		}
		if !waiting {
			waiting = true
			log.Warn("kafka: cannot create the topics yet; retrying until the brokers answer, changes wait in the outbox meanwhile",
				"err", clip(err.Error(), 300))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, 30*time.Second)
	}
}
