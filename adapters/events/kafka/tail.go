package kafka

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// TailEvent is one line Tail prints.
type TailEvent struct {
	Topic     string            `json:"topic"`
	Partition int               `json:"partition"`
	Offset    int64             `json:"offset"`
	Timestamp time.Time         `json:"timestamp"`
	Headers   map[string]string `json:"headers"`
	Key       string            `json:"key"`
	// Value is the message value: embedded as JSON when it is valid JSON,
	// otherwise as a string.
	Value json.RawMessage `json:"value"`
}

// Tail consumes topic as a member of group and writes one JSON line per
// event to w until ctx ends. An empty group means a fresh group of its own,
// so every partition is read. fromBeginning starts a group that has no
// committed offsets at the oldest event instead of the next new one.
func Tail(ctx context.Context, brokers []string, topic string, fromBeginning bool, group string, w io.Writer) error {
	if len(brokers) == 0 {
		return errors.New("kafka: no brokers configured")
	}
	if topic == "" {
		return errors.New("kafka: tail needs a topic")
	}
	if group == "" {
		group = "campushub-tail-" + randomSuffix()
	}
	start := kafkago.LastOffset
	if fromBeginning {
		start = kafkago.FirstOffset
	}
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:        brokers,
		Topic:          topic,
		GroupID:        group,
		StartOffset:    start,
		MinBytes:       1,
		MaxBytes:       10 << 20,
		MaxWait:        500 * time.Millisecond,
		CommitInterval: time.Second,
	})
	defer r.Close()
	enc := json.NewEncoder(w)
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("kafka: tail %s: %w", topic, err)
		}
		if err := enc.Encode(tailEvent(m)); err != nil {
			return fmt.Errorf("kafka: tail: write: %w", err)
		}
	}
}

func tailEvent(m kafkago.Message) TailEvent {
	e := TailEvent{
		Topic:     m.Topic,
		Partition: m.Partition,
		Offset:    m.Offset,
		Timestamp: m.Time.UTC(),
		Headers:   make(map[string]string, len(m.Headers)),
		Key:       string(m.Key),
		Value:     m.Value,
	}
	for _, h := range m.Headers {
		e.Headers[h.Key] = string(h.Value)
	}
	if !json.Valid(m.Value) {
		e.Value, _ = json.Marshal(string(m.Value))
	}
	return e
}

func randomSuffix() string { return rand.Text() }
