package nats

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/campushub/campushub/ports"
)

// The CloudEvents NATS binding's header names (binary content mode), the
// partition key, and JetStream's duplicate and order headers.
const (
	HeaderSpecVersion  = "ce-specversion"
	HeaderID           = "ce-id"
	HeaderSource       = "ce-source"
	HeaderType         = "ce-type"
	HeaderTime         = "ce-time"
	HeaderPartitionKey = "ce-partitionkey"
	HeaderContentType  = "content-type"
	// HeaderMsgID is JetStream's de-duplication id: the event id.
	HeaderMsgID = jetstream.MsgIDHeader
	// SpecVersion is the CloudEvents version the headers follow.
	SpecVersion = "1.0"
	// ContentType is the media type of every message value.
	ContentType = "application/json"
)

// errCodeWrongLastMsgID is JetStream's answer to a message whose
// Nats-Expected-Last-Msg-Id is not the id of the stream's last message.
const errCodeWrongLastMsgID jetstream.ErrorCode = 10070

// Config configures a Publisher.
type Config struct {
	// Conn says how to reach the servers.
	Conn Conn
	// Stream is the stream the events go to.
	Stream Stream
	// Source is the CloudEvents ce-source of every event, e.g. "/campushub".
	Source string
	// MaxPending is the most messages awaiting their acknowledgement at
	// once; it should be at least the relay's batch size (default 8192).
	MaxPending int
	// AckTimeout is how long one message may wait for its acknowledgement
	// (default 10s).
	AckTimeout time.Duration
}

func (c *Config) setDefaults() {
	c.Stream.setDefaults()
	if c.Source == "" {
		c.Source = "/campushub"
	}
	if c.MaxPending <= 0 {
		c.MaxPending = 8192
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 10 * time.Second
	}
}

// Publisher writes outbox messages to a JetStream stream and returns once
// the stream stored them.
type Publisher struct {
	cfg Config
	nc  *natsgo.Conn
	js  jetstream.JetStream

	streamMu  sync.Mutex
	streamOK  atomic.Bool // the stream was found (or made) on the servers
	streamErr string      // the last failure to find or make it, reported once

	wake chan struct{} // nudges keepStream (a reconnect, a missing stream)
	stop chan struct{}
	done chan struct{}
}

var _ ports.Publisher = (*Publisher)(nil)

// NewPublisher connects to the servers and returns without waiting for
// them: when they answer at once the stream is created (or checked) before
// it returns, otherwise in the background as soon as they answer.
func NewPublisher(cfg Config) (*Publisher, error) {
	cfg.setDefaults()
	if err := cfg.Stream.Validate(); err != nil {
		return nil, err
	}
	p := &Publisher{cfg: cfg, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	conn := cfg.Conn
	onEvent := conn.OnEvent
	conn.OnEvent = func(msg string, err error) {
		if onEvent != nil {
			onEvent(msg, err)
		}
		p.nudge()
	}
	nc, err := Connect(conn)
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc,
		jetstream.WithPublishAsyncMaxPending(cfg.MaxPending),
		jetstream.WithPublishAsyncTimeout(cfg.AckTimeout),
	)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: %w", err)
	}
	p.nc, p.js = nc, js
	if nc.IsConnected() {
		// A server that answers at once (always the embedded one) gets
		// its stream before the service reports on it; keepStream retries
		// otherwise.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = p.ensureStream(ctx)
		cancel()
	}
	go p.keepStream()
	return p, nil
}

// keepStream creates (or checks) the stream as soon as a server answers,
// so that it exists before the first event, and again after a reconnect or
// when a publish found it missing; it retries every few seconds until it
// succeeds. A failure is reported through Conn.OnEvent once, not on every
// try.
func (p *Publisher) keepStream() {
	defer close(p.done)
	retry := time.NewTimer(0)
	defer retry.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		case <-retry.C:
		}
		if p.streamOK.Load() {
			continue
		}
		if p.nc.IsConnected() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := p.ensureStream(ctx)
			cancel()
			if err == nil {
				continue
			}
		}
		retry.Reset(3 * time.Second)
	}
}

// nudge wakes keepStream without waiting.
func (p *Publisher) nudge() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Publish stores msgs in the stream in order and returns once JetStream
// acknowledged every one of them; see the package documentation for why a
// failed Publish never leaves a later event stored without the earlier ones
// and why sending a batch again stores nothing twice.
func (p *Publisher) Publish(ctx context.Context, msgs []ports.OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := p.connected(); err != nil {
		return err
	}
	if err := p.ensureStream(ctx); err != nil {
		return err
	}
	if p.sendBatch(ctx, msgs) {
		return nil
	}
	for len(msgs) > 0 {
		n, err := p.send(ctx, msgs)
		if err != nil {
			if errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, natsgo.ErrNoResponders) || errors.Is(err, jetstream.ErrStreamNotFound) {
				p.streamOK.Store(false) // look for (or make) the stream again
				p.nudge()
			}
			return err
		}
		msgs = msgs[n:]
	}
	return nil
}

// sendBatch is the fast way to publish msgs: every message but the last
// without asking for an acknowledgement, the last one waiting for it. Each
// message but the first expects its predecessor as the stream's last
// message, so the last one is stored only if every one before it was: when
// JetStream stored it (not as a duplicate), the whole batch is in the
// stream, in order, and sendBatch reports true. Any other answer — a
// failure, a timeout, or a duplicate, which says nothing about the messages
// before it — and Publish sends the batch again with an acknowledgement
// for every message (send), which finds out what the stream holds; messages
// stored meanwhile are then duplicates and stored once.
func (p *Publisher) sendBatch(ctx context.Context, msgs []ports.OutboxMessage) bool {
	last := len(msgs) - 1
	for i, m := range msgs[:last] {
		msg := p.message(m)
		msg.Header[jetstream.MsgIDHeader] = []string{msgID(m)}
		if i > 0 {
			msg.Header[jetstream.ExpectedLastMsgIDHeader] = []string{msgID(msgs[i-1])}
		}
		if err := p.nc.PublishMsg(msg); err != nil {
			return false
		}
	}
	opts := []jetstream.PublishOpt{jetstream.WithMsgID(msgID(msgs[last]))}
	if last > 0 {
		opts = append(opts, jetstream.WithExpectLastMsgID(msgID(msgs[last-1])))
	}
	ack, err := p.js.PublishMsg(ctx, p.message(msgs[last]), opts...)
	return err == nil && !ack.Duplicate
}

// send publishes msgs, each but the first expecting its predecessor as the
// stream's last message, and waits for the acknowledgements. It returns how
// many leading messages the stream holds now. When every message was stored
// that is all of them. It also returns early without an error when the
// first refused message was refused only because its predecessor, though
// stored, was not the stream's last message (it was stored before, as a
// duplicate, or something else was appended since); the caller then sends
// the rest again, starting with a message that expects nothing.
func (p *Publisher) send(ctx context.Context, msgs []ports.OutboxMessage) (int, error) {
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	var sendErr error
	for i, m := range msgs {
		opts := []jetstream.PublishOpt{jetstream.WithMsgID(msgID(m))}
		if i > 0 {
			opts = append(opts, jetstream.WithExpectLastMsgID(msgID(msgs[i-1])))
		}
		f, err := p.js.PublishMsgAsync(p.message(m), opts...)
		if err != nil {
			sendErr = err
			break
		}
		futures = append(futures, f)
	}
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			var apiErr *jetstream.APIError
			if i > 0 && errors.As(err, &apiErr) && apiErr.ErrorCode == errCodeWrongLastMsgID {
				return i, nil
			}
			return i, fmt.Errorf("nats: event %s not stored: %w", msgID(msgs[i]), err)
		case <-ctx.Done():
			return i, fmt.Errorf("nats: waiting for %d acknowledgements: %w", len(futures)-i, ctx.Err())
		}
	}
	if sendErr != nil {
		return len(futures), fmt.Errorf("nats: publish event %s: %w", msgID(msgs[len(futures)]), sendErr)
	}
	return len(msgs), nil
}

// connected fails fast while the connection is down, instead of letting
// every message of a batch fail on its own.
func (p *Publisher) connected() error {
	if p.nc.IsConnected() {
		return nil
	}
	if err := p.nc.LastError(); err != nil {
		return fmt.Errorf("%w (%s; last error: %v)", errNotConnected, p.nc.Status(), err)
	}
	return fmt.Errorf("%w (%s)", errNotConnected, p.nc.Status())
}

// ensureStream creates or updates the stream, or checks that it exists,
// once per time it was found missing.
func (p *Publisher) ensureStream(ctx context.Context) error {
	if p.streamOK.Load() {
		return nil
	}
	p.streamMu.Lock()
	defer p.streamMu.Unlock()
	if p.streamOK.Load() {
		return nil
	}
	err := EnsureStream(ctx, p.js, p.cfg.Stream)
	if report := p.cfg.Conn.OnEvent; report != nil {
		switch {
		case err != nil && err.Error() != p.streamErr:
			report("stream "+p.cfg.Stream.Name+" not ready", err)
		case err == nil && p.streamErr != "":
			report("stream "+p.cfg.Stream.Name+" ready", nil)
		}
	}
	if err != nil {
		p.streamErr = err.Error()
		return err
	}
	p.streamErr = ""
	p.streamOK.Store(true)
	return nil
}

// Ready reports whether events can be published now: the connection is up
// and the stream exists. It backs the /readyz probe.
func (p *Publisher) Ready(ctx context.Context) error {
	if err := p.connected(); err != nil {
		return err
	}
	if _, err := p.js.Stream(ctx, p.cfg.Stream.Name); err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) && p.cfg.Stream.Create {
			return fmt.Errorf("nats: stream %s not created yet: %w", p.cfg.Stream.Name, err)
		}
		return fmt.Errorf("nats: stream %s: %w", p.cfg.Stream.Name, err)
	}
	return nil
}

// message encodes one outbox message in CloudEvents binary mode.
func (p *Publisher) message(m ports.OutboxMessage) *natsgo.Msg {
	id := strconv.FormatInt(m.ID, 10)
	return &natsgo.Msg{
		Subject: m.Topic,
		Data:    m.Payload,
		Header: natsgo.Header{
			HeaderSpecVersion:  {SpecVersion},
			HeaderID:           {id},
			HeaderSource:       {p.cfg.Source},
			HeaderType:         {m.Type},
			HeaderTime:         {m.OccurredAt.UTC().Format(time.RFC3339Nano)},
			HeaderContentType:  {ContentType},
			HeaderPartitionKey: {m.Key},
		},
	}
}

// msgID is the message's Nats-Msg-Id: the event id (ce-id) and when the
// change happened, in microseconds. A row sent again is read back with both
// unchanged, so JetStream stores it once; an event of another database
// that happens to have the same row id (a second deployment on the same
// servers, a database set up again) differs in its time and is not taken
// for a duplicate and dropped.
func msgID(m ports.OutboxMessage) string {
	return strconv.FormatInt(m.ID, 10) + "@" + strconv.FormatInt(m.OccurredAt.UnixMicro(), 10)
}

// Close stops looking after the stream and closes the connection; it
// drains nothing, since Publish waits for its acknowledgements.
func (p *Publisher) Close() error {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
	p.nc.Close()
	return nil
}
