package kafka_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/ports"
)

func TestKafkaPublishCloudEvents(t *testing.T) {
	for _, b := range brokers() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			const partitions = 6
			accounts, pushes := unique("campushub.account.v1"), unique("campushub.push.v1")
			addrs := b.start(t, partitions, accounts, pushes)

			at := time.Date(2026, 3, 1, 8, 0, 0, 250_000_000, time.UTC)
			var msgs []ports.OutboxMessage
			for i := 1; i <= 300; i++ {
				topic, typ := accounts, "campushub.account.updated"
				if i%3 == 0 {
					topic, typ = pushes, "campushub.push.device_bound"
				}
				msgs = append(msgs, ports.OutboxMessage{
					ID:         int64(i),
					Topic:      topic,
					Type:       typ,
					Key:        fmt.Sprintf("agg-%d", i%11),
					Payload:    []byte(fmt.Sprintf(`{"seq":%d}`, i)),
					OccurredAt: at.Add(time.Duration(i) * time.Millisecond),
				})
			}
			pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs, Source: "/campushub/test"})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// Two calls, so that order must also hold across batches.
			if err := pub.Publish(ctx, msgs[:120]); err != nil {
				t.Fatal(err)
			}
			if err := pub.Publish(ctx, msgs[120:]); err != nil {
				t.Fatal(err)
			}

			got := consume(t, addrs, len(msgs), accounts, pushes)
			byID := map[int64]ports.OutboxMessage{}
			for _, m := range msgs {
				byID[m.ID] = m
			}
			lastID := map[string]int64{} // topic/key → last ce_id seen
			for _, m := range got {
				h := headers(m)
				id, err := strconv.ParseInt(h["ce_id"], 10, 64)
				if err != nil {
					t.Fatalf("ce_id %q: %v", h["ce_id"], err)
				}
				want, ok := byID[id]
				if !ok {
					t.Fatalf("unexpected ce_id %d", id)
				}
				wantHeaders := map[string]string{
					"ce_specversion": "1.0",
					"ce_id":          strconv.FormatInt(id, 10),
					"ce_type":        want.Type,
					"ce_source":      "/campushub/test",
					"ce_time":        want.OccurredAt.Format(time.RFC3339Nano),
					"content-type":   "application/json",
				}
				if fmt.Sprint(h) != fmt.Sprint(wantHeaders) {
					t.Fatalf("message %d headers = %v, want %v", id, h, wantHeaders)
				}
				if m.Topic != want.Topic || string(m.Key) != want.Key || string(m.Value) != string(want.Payload) {
					t.Fatalf("message %d = %s/%s %s, want %s/%s %s", id, m.Topic, m.Key, m.Value, want.Topic, want.Key, want.Payload)
				}
				if p := javaPartition([]byte(want.Key), partitions); m.Partition != p {
					t.Fatalf("key %s on partition %d; the Java client would choose %d", want.Key, m.Partition, p)
				}
				k := m.Topic + "/" + want.Key
				if id <= lastID[k] {
					t.Fatalf("key %s: event %d arrived after %d", k, id, lastID[k])
				}
				lastID[k] = id
				delete(byID, id)
			}
			if len(byID) != 0 {
				t.Fatalf("%d events never arrived", len(byID))
			}
		})
	}
}

func headers(m kafkago.Message) map[string]string {
	h := make(map[string]string, len(m.Headers))
	for _, kv := range m.Headers {
		h[kv.Key] = string(kv.Value)
	}
	return h
}

func TestKafkaPublishFailsWhenBrokerIsGone(t *testing.T) {
	addrs := fakeKafka(t, 1, "campushub.account.v1")
	pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs, WriteTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msg := ports.OutboxMessage{ID: 1, Topic: "campushub.account.v1", Type: "campushub.account.registered", Key: "a", Payload: []byte(`{}`), OccurredAt: time.Now()}
	if err := pub.Publish(ctx, []ports.OutboxMessage{msg}); err != nil {
		t.Fatal(err)
	}
	dead, err := kafka.NewPublisher(kafka.Config{Brokers: []string{"127.0.0.1:1"}, WriteTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	if err := dead.Publish(ctx, []ports.OutboxMessage{msg}); err == nil {
		t.Fatal("Publish to an unreachable broker succeeded")
	}
}
