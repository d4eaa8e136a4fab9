package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/ports"
)

// flakyLeader is a kfake cluster whose produce requests fail with Not
// Leader For Partition: the first failFirst always, and after that every
// one that was not preceded by a metadata request since the last failure
// (a client retrying with the leader it cached meets the same error again).
type flakyLeader struct {
	addrs []string

	mu          sync.Mutex
	failFirst   int
	always      bool
	failed      int
	freshMeta   bool
	metaQueries int
}

func newFlakyLeader(t *testing.T, failFirst int, always bool, topic string) *flakyLeader {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	f := &flakyLeader{addrs: c.ListenAddrs(), failFirst: failFirst, always: always}
	c.ControlKey(int16(kmsg.Metadata), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		f.mu.Lock()
		defer f.mu.Unlock()
		f.freshMeta = true
		f.metaQueries++
		return nil, nil, false
	})
	c.ControlKey(int16(kmsg.Produce), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		f.mu.Lock()
		defer f.mu.Unlock()
		if !f.always && f.failed >= f.failFirst && f.freshMeta {
			return nil, nil, false
		}
		f.failed++
		f.freshMeta = false
		return notLeader(kreq.(*kmsg.ProduceRequest)), nil, true
	})
	return f
}

func (f *flakyLeader) failures() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// notLeader answers req with Not Leader For Partition for every partition.
func notLeader(req *kmsg.ProduceRequest) *kmsg.ProduceResponse {
	resp := req.ResponseKind().(*kmsg.ProduceResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewProduceResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		for _, rp := range rt.Partitions {
			sp := kmsg.NewProduceResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.ErrorCode = kerr.NotLeaderForPartition.Code
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

func outboxMessages(topic string, n int) []ports.OutboxMessage {
	msgs := make([]ports.OutboxMessage, n)
	for i := range msgs {
		msgs[i] = ports.OutboxMessage{
			ID: int64(i + 1), Topic: topic, Type: "campushub.account.updated", Key: fmt.Sprintf("agg-%d", i%7),
			Payload: []byte(fmt.Sprintf(`{"seq":%d}`, i)), OccurredAt: time.Now(),
		}
	}
	return msgs
}

func TestKafkaPublishRetriesNotLeaderWithFreshMetadata(t *testing.T) {
	topic := unique("campushub.account.v1")
	broker := newFlakyLeader(t, 3, false, topic)
	pub, err := kafka.NewPublisher(kafka.Config{Brokers: broker.addrs, RetryFor: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs := outboxMessages(topic, 60)
	if err := pub.Publish(ctx, msgs); err != nil {
		t.Fatalf("Publish gave up on a retriable error: %v", err)
	}
	if n := broker.failures(); n < 3 {
		t.Fatalf("%d produce requests were refused, want at least 3 (the test's broker misbehaves)", n)
	}
	got := consume(t, broker.addrs, len(msgs), topic)
	seen := map[string]int{}
	for _, m := range got {
		seen[headers(m)["ce_id"]]++
	}
	for _, m := range msgs {
		if n := seen[fmt.Sprint(m.ID)]; n != 1 {
			t.Errorf("event %d arrived %d times, want once", m.ID, n)
		}
	}
}

func TestKafkaPublishErrorIsBounded(t *testing.T) {
	topic := unique("campushub.account.v1")
	broker := newFlakyLeader(t, 0, true, topic)
	pub, err := kafka.NewPublisher(kafka.Config{Brokers: broker.addrs, RetryFor: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = pub.Publish(ctx, outboxMessages(topic, 500))
	if err == nil {
		t.Fatal("Publish succeeded against a broker that refuses every write")
	}
	msg := err.Error()
	if len(msg) > 400 {
		t.Fatalf("error is %d bytes, want at most 400: %.600s", len(msg), msg)
	}
	for _, want := range []string{"500 of 500", "[6] Not Leader For Partition"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	var perr *kafka.PublishError
	if !errors.As(err, &perr) || perr.Attempts < 2 {
		t.Errorf("error %v: want a *kafka.PublishError after more than one attempt", err)
	}
	if !kafka.Retriable(err) {
		t.Errorf("Retriable(%v) = false", err)
	}
}
