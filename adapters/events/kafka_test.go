package events_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// restartable is a broker a test can stop and start again at the same
// address with the same data.
type restartable struct {
	addrs []string
	stop  func(t testing.TB)
	start func(t testing.TB)
}

// fakeRestartable is an in-process kfake broker persisted to a directory.
func fakeRestartable(t testing.TB, partitions int, topic string) *restartable {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	dir := t.TempDir()
	var mu sync.Mutex
	var c *kfake.Cluster
	b := &restartable{addrs: []string{"127.0.0.1:" + strconv.Itoa(port)}}
	b.start = func(t testing.TB) {
		mu.Lock()
		defer mu.Unlock()
		var err error
		c, err = kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.DataDir(dir), kfake.SeedTopics(int32(partitions), topic))
		if err != nil {
			t.Fatal(err)
		}
	}
	b.stop = func(testing.TB) {
		mu.Lock()
		defer mu.Unlock()
		if c != nil {
			c.Close()
			c = nil
		}
	}
	b.start(t)
	t.Cleanup(func() { b.stop(t) })
	return b
}

// uniqueModule returns a module name no other test uses, so its topic
// (campushub.<module>.v1) is the test's own.
func uniqueModule() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "test" + hex.EncodeToString(b)
}

func TestRelaySurvivesKafkaRestart(t *testing.T) {
	cases := []struct {
		name   string
		broker func(t testing.TB, partitions int, topic string) *restartable
	}{
		// The same against a real Apache Kafka broker of the test's own is
		// part of the publisher contract suite (test/contract/publisher).
		{name: "kfake", broker: fakeRestartable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			module := uniqueModule()
			topic := "campushub." + module + ".v1"
			b := tc.broker(t, 3, topic)
			db := openDB(t)
			pub, err := kafka.NewPublisher(kafka.Config{Brokers: b.addrs, WriteTimeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			startRelay(t, db, pub, events.Config{
				BatchSize: 50, PublishTimeout: 3 * time.Second,
				MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond,
			})

			const total, keys = 600, 10
			out := storage.NewOutbox(db)
			for i := 0; i < total; i++ {
				if i == total/3 {
					b.stop(t) // mid-burst: commits go on while the broker is away
				}
				if i == 2*total/3 {
					b.start(t)
				}
				ev := shared.NewEvent(module, "changed", "key-"+strconv.Itoa(i%keys), time.Now(), map[string]any{"i": i})
				if err := db.Do(context.Background(), func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
					t.Fatal(err)
				}
				time.Sleep(2 * time.Millisecond)
			}
			store := storage.NewRelayStore(db, nil)
			testenv.WaitFor(t, 90*time.Second, "the outbox to drain", func() bool {
				n, _, err := store.OutboxLag(context.Background())
				return err == nil && n == 0
			})

			got := consumeAll(t, b.addrs, topic, total)
			checkDelivery(t, got, total)
		})
	}
}

// consumeAll reads topic with a fresh consumer group until every ce_id in
// 1..n has been seen, and returns the messages as outbox messages.
func consumeAll(t testing.TB, addrs []string, topic string, n int) []ports.OutboxMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic), kgo.ConsumerGroup("test-"+uniqueModule()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := map[int64]bool{}
	var out []ports.OutboxMessage
	for len(seen) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d distinct events: %v", len(seen), n, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			var id int64
			for _, h := range r.Headers {
				if h.Key == kafka.HeaderID {
					id, _ = strconv.ParseInt(strings.TrimSpace(string(h.Value)), 10, 64)
				}
			}
			seen[id] = true
			out = append(out, ports.OutboxMessage{ID: id, Topic: r.Topic, Key: string(r.Key), Payload: r.Value})
		})
	}
	return out
}
