package kafka_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/ports"
)

func TestKafkaEnsureTopics(t *testing.T) {
	for _, b := range brokers() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			existing := unique("campushub.content.v1")
			addrs := b.start(t, 2, existing)
			fresh := unique("campushub.activity.v1")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for i := 0; i < 2; i++ { // the second call finds both topics there
				if err := kafka.EnsureTopics(ctx, addrs, []string{existing, fresh}, 4, 1); err != nil {
					t.Fatalf("call %d: %v", i+1, err)
				}
			}
			// A transport of the test's own, so that the metadata is fresh.
			transport := &kafkago.Transport{}
			defer transport.CloseIdleConnections()
			client := &kafkago.Client{Addr: kafkago.TCP(addrs...), Transport: transport}
			res, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{existing, fresh}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{existing: 2, fresh: 4}
			for _, tp := range res.Topics {
				if tp.Error != nil || len(tp.Partitions) != want[tp.Name] {
					t.Errorf("topic %s: %d partitions (%v), want %d", tp.Name, len(tp.Partitions), tp.Error, want[tp.Name])
				}
				// EnsureTopics returns once every partition has a leader.
				for _, p := range tp.Partitions {
					if p.Error != nil || p.Leader.Host == "" {
						t.Errorf("topic %s partition %d: leader %+v (%v) right after EnsureTopics", tp.Name, p.ID, p.Leader, p.Error)
					}
				}
			}
		})
	}
}

func TestKafkaPing(t *testing.T) {
	cases := []struct {
		name    string
		addrs   func(t *testing.T) []string
		wantErr bool
	}{
		{name: "broker answers", addrs: func(t *testing.T) []string { return fakeKafka(t, 1) }},
		{name: "nothing listens", addrs: func(*testing.T) []string { return []string{"127.0.0.1:1"} }, wantErr: true},
		{name: "no brokers configured", addrs: func(*testing.T) []string { return nil }, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := kafka.Ping(ctx, tc.addrs(t))
			if (err != nil) != tc.wantErr {
				t.Fatalf("Ping = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

func TestKafkaTail(t *testing.T) {
	for _, b := range brokers() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			topic := unique("campushub.account.v1")
			addrs := b.start(t, 3, topic)
			pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
			msgs := []ports.OutboxMessage{
				{ID: 7, Topic: topic, Type: "campushub.account.registered", Key: "u1", Payload: []byte(`{"account_id":"u1"}`), OccurredAt: at},
				{ID: 8, Topic: topic, Type: "campushub.account.profile_updated", Key: "u1", Payload: []byte(`{"nickname":"x"}`), OccurredAt: at},
			}
			if err := pub.Publish(ctx, msgs); err != nil {
				t.Fatal(err)
			}

			pr, pw := io.Pipe()
			tailCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() {
				done <- kafka.Tail(tailCtx, addrs, topic, true, "", pw)
				_ = pw.Close()
			}()
			lines := bufio.NewScanner(pr)
			var got []kafka.TailEvent
			for len(got) < len(msgs) && lines.Scan() {
				var e kafka.TailEvent
				if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
					t.Fatalf("line %q: %v", lines.Text(), err)
				}
				got = append(got, e)
			}
			stop()
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			if err := <-done; err != nil {
				t.Fatalf("Tail: %v", err)
			}
			if len(got) != len(msgs) {
				t.Fatalf("tail printed %d events, want %d", len(got), len(msgs))
			}
			// Without --group, tail reads the partitions directly: no
			// consumer group is left on the cluster.
			transport := &kafkago.Transport{}
			defer transport.CloseIdleConnections()
			client := &kafkago.Client{Addr: kafkago.TCP(addrs...), Transport: transport}
			groups, err := client.ListGroups(ctx, &kafkago.ListGroupsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range groups.Groups { // the shared cluster has others' groups: only this topic's count
				res, err := client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: g.GroupID, Topics: map[string][]int{topic: {0, 1, 2}}})
				if err != nil {
					continue
				}
				for _, p := range res.Topics[topic] {
					if p.Error == nil && p.CommittedOffset >= 0 {
						t.Errorf("tail left the consumer group %s behind, with offsets on %s", g.GroupID, topic)
						break
					}
				}
			}
			for i, e := range got {
				m := msgs[i]
				if e.Key != m.Key || e.Headers["ce_type"] != m.Type || strings.TrimSpace(string(e.Value)) != string(m.Payload) || e.Topic != topic {
					t.Errorf("event %d = %+v, want %+v", i, e, m)
				}
			}
		})
	}
}

// TestKafkaTailUnknownTopic: a topic the cluster does not have is refused
// by name and not created, even on a broker that creates topics on demand.
func TestKafkaTailUnknownTopic(t *testing.T) {
	for _, b := range brokers() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			existing := unique("campushub.account.v1")
			addrs := b.start(t, 1, existing)
			typo := unique("campushub.acount.v1")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			err := kafka.Tail(ctx, addrs, typo, true, "", io.Discard)
			if !errors.Is(err, kafka.ErrNoTopic) {
				t.Fatalf("Tail(%s) = %v, want ErrNoTopic", typo, err)
			}
			if !strings.Contains(err.Error(), typo) || !strings.Contains(err.Error(), "does not exist") {
				t.Errorf("error %q does not say that %s does not exist", err, typo)
			}
			if b.name == "kfake" && !strings.Contains(err.Error(), existing) { // the shared cluster has more than fit in a line
				t.Errorf("error %q does not list the topics there are (%s)", err, existing)
			}
			if err := kafka.Tail(ctx, addrs, typo, false, "campushub-tail-named", io.Discard); !errors.Is(err, kafka.ErrNoTopic) {
				t.Fatalf("Tail(%s, group) = %v, want ErrNoTopic", typo, err)
			}
			transport := &kafkago.Transport{}
			defer transport.CloseIdleConnections()
			client := &kafkago.Client{Addr: kafkago.TCP(addrs...), Transport: transport}
			res, err := client.Metadata(ctx, &kafkago.MetadataRequest{})
			if err != nil {
				t.Fatal(err)
			}
			for _, tp := range res.Topics {
				if tp.Name == typo {
					t.Errorf("Tail created the topic %s", typo)
				}
			}
		})
	}
}
