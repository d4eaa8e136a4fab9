package kafka_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/campushub/campushub/test/testenv"
)

// broker is a Kafka the tests run against.
type broker struct {
	name string
	// start returns bootstrap addresses, creating topics with the given
	// partition count, or skips the test.
	start func(t *testing.T, partitions int, topics ...string) []string
}

// brokers lists the in-process kfake broker, always, and a real Apache
// Kafka when one is configured (see testenv.KafkaBrokers).
func brokers() []broker {
	return []broker{
		{name: "kfake", start: fakeKafka},
		{name: "kafka", start: realKafka},
	}
}

func fakeKafka(t *testing.T, partitions int, topics ...string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(int32(partitions), topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func realKafka(t *testing.T, partitions int, topics ...string) []string {
	t.Helper()
	addrs := testenv.KafkaBrokers(t)
	createTopics(t, addrs, partitions, topics...)
	return addrs
}

func createTopics(t *testing.T, addrs []string, partitions int, topics ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := &kafkago.Client{Addr: kafkago.TCP(addrs...)}
	req := &kafkago.CreateTopicsRequest{}
	for _, tp := range topics {
		req.Topics = append(req.Topics, kafkago.TopicConfig{Topic: tp, NumPartitions: partitions, ReplicationFactor: 1})
	}
	res, err := client.CreateTopics(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for tp, err := range res.Errors {
		if err != nil {
			t.Fatalf("create %s: %v", tp, err)
		}
	}
}

// unique returns prefix with a random suffix, for topics and groups no other
// test uses.
func unique(prefix string) string {
	return prefix + "." + rand.Text()
}

// consume reads n messages from topics as a member of a fresh consumer group.
func consume(t *testing.T, addrs []string, n int, topics ...string) []kafkago.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:        addrs,
		GroupID:        unique("test-group"),
		GroupTopics:    topics,
		StartOffset:    kafkago.FirstOffset,
		MinBytes:       1,
		MaxBytes:       10 << 20,
		MaxWait:        200 * time.Millisecond,
		CommitInterval: time.Second,
	})
	defer r.Close()
	out := make([]kafkago.Message, 0, n)
	for len(out) < n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("consumed %d of %d messages: %v", len(out), n, err)
		}
		out = append(out, m)
	}
	return out
}
