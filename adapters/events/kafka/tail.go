package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
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

// ErrNoTopic is returned by Tail for a topic the cluster does not have.
var ErrNoTopic = errors.New("no such topic")

// Tail writes one JSON line per event of topic to w until ctx ends.
//
// A topic the cluster does not have is refused (ErrNoTopic, naming the
// topics it has) without being created: Tail asks for the metadata of every
// topic, never of the one named, which a broker with auto-creation on would
// create.
//
// With an empty group, Tail reads every partition directly, without a
// consumer group, so nothing is left on the cluster after it stops;
// fromBeginning starts at the oldest event instead of the next new one.
// With a group, it consumes as a member of that group, which keeps its
// offsets; fromBeginning then applies only where the group has none.
func Tail(ctx context.Context, brokers []string, topic string, fromBeginning bool, group string, w io.Writer) error {
	if len(brokers) == 0 {
		return errors.New("kafka: no brokers configured")
	}
	if topic == "" {
		return errors.New("kafka: tail needs a topic")
	}
	partitions, err := topicPartitions(ctx, brokers, topic)
	if err != nil {
		return err
	}
	start := kafkago.LastOffset
	if fromBeginning {
		start = kafkago.FirstOffset
	}
	cfg := kafkago.ReaderConfig{
		Brokers:  brokers,
		Topic:    topic,
		MinBytes: 1,
		MaxBytes: 10 << 20,
		MaxWait:  500 * time.Millisecond,
	}
	var readers []*kafkago.Reader
	if group != "" {
		cfg.GroupID, cfg.StartOffset, cfg.CommitInterval = group, start, time.Second
		readers = append(readers, kafkago.NewReader(cfg))
	} else {
		for _, p := range partitions {
			c := cfg
			c.Partition = p
			r := kafkago.NewReader(c)
			if err := r.SetOffset(start); err != nil {
				_ = r.Close()
				closeAll(readers)
				return fmt.Errorf("kafka: tail %s: partition %d: %w", topic, p, err)
			}
			readers = append(readers, r)
		}
	}
	defer closeAll(readers)

	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	errc := make(chan error, len(readers))
	for _, r := range readers {
		go func() {
			for {
				m, err := r.ReadMessage(rctx)
				if err != nil {
					if rctx.Err() != nil {
						errc <- nil
						return
					}
					errc <- fmt.Errorf("kafka: tail %s: %w", topic, err)
					return
				}
				mu.Lock()
				err = enc.Encode(tailEvent(m))
				mu.Unlock()
				if err != nil {
					errc <- fmt.Errorf("kafka: tail: write: %w", err)
					return
				}
			}
		}()
	}
	var first error
	for range readers {
		if err := <-errc; err != nil && first == nil {
			first = err
			cancel() // one reader failed: stop the others
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return first
}

// topicPartitions lists the partitions of topic from the metadata of every
// topic, or says which topics there are when it is not one of them.
func topicPartitions(ctx context.Context, brokers []string, topic string) ([]int, error) {
	var all []kafkago.Partition
	err := withConn(ctx, brokers, func(c *kafkago.Conn) error {
		var err error
		all, err = c.ReadPartitions() // no topic named: every topic, none created
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("kafka: tail %s: read the topics: %w", topic, err)
	}
	var ids []int
	names := map[string]bool{}
	for _, p := range all {
		if p.Topic == topic {
			ids = append(ids, p.ID)
		}
		if !strings.HasPrefix(p.Topic, "__") {
			names[p.Topic] = true
		}
	}
	if len(ids) == 0 {
		list := slices.Sorted(maps.Keys(names))
		if len(list) > 20 {
			list = append(list[:20], "…")
		}
		have := "no topics"
		if len(list) > 0 {
			have = "topics " + strings.Join(list, ", ")
		}
		return nil, fmt.Errorf("kafka: topic %q does not exist (the cluster has %s): %w", topic, have, ErrNoTopic)
	}
	slices.Sort(ids)
	return ids, nil
}

func closeAll(rs []*kafkago.Reader) {
	for _, r := range rs {
		_ = r.Close()
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
