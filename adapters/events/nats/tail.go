package nats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// TailEvent is one line Tail prints. Topic is the subject, so that lines
// from NATS and from Kafka name the same fields the same way.
type TailEvent struct {
	Topic     string            `json:"topic"`
	Stream    string            `json:"stream"`
	Sequence  uint64            `json:"sequence"`
	Timestamp time.Time         `json:"timestamp"`
	Headers   map[string]string `json:"headers"`
	Key       string            `json:"key"`
	// Value is the message data: embedded as JSON when it is valid JSON,
	// otherwise as a string.
	Value json.RawMessage `json:"value"`
}

// TailOptions say what Tail reads.
type TailOptions struct {
	// Stream holds the events (default CAMPUSHUB).
	Stream string
	// Subject is what to read, e.g. campushub.account.v1; wildcards work
	// (campushub.>).
	Subject string
	// FromBeginning starts at the oldest event the stream holds instead
	// of the next new one.
	FromBeginning bool
	// Durable names a durable consumer that remembers what was read, so a
	// later Tail with the same name goes on from there; empty reads with an
	// ordered consumer of its own that the server forgets afterwards.
	Durable string
	// Known are the subjects the service publishes. A subject that matches
	// none of them and that the stream holds no event on is refused
	// (ErrNoSubject): a typo would otherwise wait forever. Empty: any
	// subject of the stream is read.
	Known []string
}

// ErrNoSubject is returned by Tail for a subject no event is, or will be,
// published on.
var ErrNoSubject = errors.New("no such subject")

// Tail reads events from js and writes one JSON line per event to w until
// ctx ends.
func Tail(ctx context.Context, js jetstream.JetStream, o TailOptions, w io.Writer) error {
	if o.Subject == "" {
		return errors.New("nats: tail needs a subject")
	}
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	deliver := jetstream.DeliverNewPolicy
	if o.FromBeginning {
		deliver = jetstream.DeliverAllPolicy
	}
	if err := checkSubject(ctx, js, o); err != nil {
		return err
	}
	var cons jetstream.Consumer
	var err error
	if o.Durable == "" {
		cons, err = js.OrderedConsumer(ctx, o.Stream, jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{o.Subject},
			DeliverPolicy:  deliver,
		})
	} else {
		cons, err = js.CreateOrUpdateConsumer(ctx, o.Stream, jetstream.ConsumerConfig{
			Durable:       o.Durable,
			FilterSubject: o.Subject,
			DeliverPolicy: deliver,
			AckPolicy:     jetstream.AckExplicitPolicy,
		})
	}
	if err != nil {
		return fmt.Errorf("nats: tail %s on stream %s: %w", o.Subject, o.Stream, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("nats: tail %s: %w", o.Subject, err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	defer it.Stop()
	enc := json.NewEncoder(w)
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return fmt.Errorf("nats: tail %s: %w", o.Subject, err)
		}
		if err := enc.Encode(tailEvent(m)); err != nil {
			return fmt.Errorf("nats: tail: write: %w", err)
		}
		if o.Durable != "" {
			if err := m.Ack(); err != nil {
				return fmt.Errorf("nats: tail: acknowledge: %w", err)
			}
		}
	}
}

func tailEvent(m jetstream.Msg) TailEvent {
	e := TailEvent{
		Topic:   m.Subject(),
		Headers: make(map[string]string, len(m.Headers())),
		Value:   m.Data(),
	}
	if md, err := m.Metadata(); err == nil {
		e.Stream = md.Stream
		e.Sequence = md.Sequence.Stream
		e.Timestamp = md.Timestamp.UTC()
	}
	for k, v := range m.Headers() {
		if len(v) > 0 {
			e.Headers[k] = v[0]
		}
	}
	e.Key = e.Headers[HeaderPartitionKey]
	if !json.Valid(e.Value) {
		e.Value, _ = json.Marshal(string(m.Data()))
	}
	return e
}

// checkSubject refuses a subject that matches none of o.Known and on which
// the stream holds no event.
func checkSubject(ctx context.Context, js jetstream.JetStream, o TailOptions) error {
	if len(o.Known) == 0 {
		return nil
	}
	for _, k := range o.Known {
		if subjectMatches(o.Subject, k) {
			return nil
		}
	}
	st, err := js.Stream(ctx, o.Stream)
	if err != nil {
		return fmt.Errorf("nats: tail %s: stream %s: %w", o.Subject, o.Stream, err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(o.Subject))
	if err != nil {
		return fmt.Errorf("nats: tail %s: stream %s: %w", o.Subject, o.Stream, err)
	}
	if len(info.State.Subjects) > 0 {
		return nil
	}
	return fmt.Errorf("nats: subject %q does not exist: no event is published on it and stream %s holds none (the service publishes %s): %w",
		o.Subject, o.Stream, strings.Join(o.Known, ", "), ErrNoSubject)
}

// subjectMatches reports whether pattern (with NATS wildcards * and >)
// matches the literal subject.
func subjectMatches(pattern, subject string) bool {
	p, s := strings.Split(pattern, "."), strings.Split(subject, ".")
	for i, tok := range p {
		switch {
		case tok == ">":
			return i < len(s)
		case i >= len(s):
			return false
		case tok != "*" && tok != s[i]:
			return false
		}
	}
	return len(p) == len(s)
}
