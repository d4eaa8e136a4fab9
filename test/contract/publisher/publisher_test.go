package publisher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// messages returns n outbox messages over topics and keys, ids from first.
func messages(topics []string, first, n, keys int) []ports.OutboxMessage {
	at := time.Date(2026, 3, 1, 8, 0, 0, 250_000_000, time.UTC)
	out := make([]ports.OutboxMessage, n)
	for i := range out {
		id := int64(first + i)
		topic := topics[i%len(topics)]
		out[i] = ports.OutboxMessage{
			ID: id, Topic: topic, Type: "campushub.contract.changed", Key: fmt.Sprintf("agg-%d", i%keys),
			Payload: fmt.Appendf(nil, `{"seq":%d}`, id), OccurredAt: at.Add(time.Duration(i) * time.Millisecond),
		}
	}
	return out
}

func ids(msgs []ports.OutboxMessage) []int64 {
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

// checkOrder fails unless every id of want arrived and, per topic and key,
// the first arrival of each event is in id order. It returns how many
// messages were duplicates.
func checkOrder(t *testing.T, got []Received, want []ports.OutboxMessage) (duplicates int) {
	t.Helper()
	byID := map[int64]ports.OutboxMessage{}
	for _, m := range want {
		byID[m.ID] = m
	}
	seen := map[int64]bool{}
	last := map[string]int64{}
	for _, r := range got {
		id := r.ID()
		m, ok := byID[id]
		if !ok {
			t.Fatalf("unexpected event %q on %s", r.Attrs["id"], r.Topic)
		}
		if seen[id] {
			duplicates++
			continue
		}
		seen[id] = true
		k := r.Topic + "/" + r.Attrs["partitionkey"]
		if r.Topic != m.Topic || r.Attrs["partitionkey"] != m.Key {
			t.Fatalf("event %d on %s key %q, want %s key %q", id, r.Topic, r.Attrs["partitionkey"], m.Topic, m.Key)
		}
		if id <= last[k] {
			t.Fatalf("key %s: event %d arrived after %d", k, id, last[k])
		}
		last[k] = id
	}
	if len(seen) != len(want) {
		t.Fatalf("%d of %d events arrived", len(seen), len(want))
	}
	return duplicates
}

// TestPublishCloudEvents: attributes, key, value and per-key order, across
// two topics and two Publish calls.
func TestPublishCloudEvents(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b Broker) {
		topics := []string{"campushub." + unique("ct") + ".v1", "campushub." + unique("ct") + ".v1"}
		in := b.Start(t, topics)
		pub := in.NewPublisher(t)
		msgs := messages(topics, 1, 300, 11)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for _, part := range [][]ports.OutboxMessage{msgs[:120], msgs[120:]} {
			publishEventually(t, ctx, pub, part)
		}
		got := in.Read(t, topics, ids(msgs))
		if dups := checkOrder(t, got, msgs); dups != 0 {
			t.Errorf("%d duplicates without a single failure", dups)
		}
		byID := map[int64]ports.OutboxMessage{}
		for _, m := range msgs {
			byID[m.ID] = m
		}
		for _, r := range got {
			m := byID[r.ID()]
			want := map[string]string{
				"specversion": "1.0", "id": strconv.FormatInt(m.ID, 10), "type": m.Type, "source": "/campushub/contract",
				"time": m.OccurredAt.Format(time.RFC3339Nano), "datacontenttype": "application/json", "partitionkey": m.Key,
			}
			if fmt.Sprint(r.Attrs) != fmt.Sprint(want) {
				t.Fatalf("event %d attributes %v, want %v", m.ID, r.Attrs, want)
			}
			if string(r.Value) != string(m.Payload) {
				t.Fatalf("event %d value %s, want %s", m.ID, r.Value, m.Payload)
			}
		}
	})
}

// TestPublishAgain sends batches again, as the relay does after a failure
// or a crash before marking rows: brokers that store once hold every event
// once, the others every event at least once, each key in order.
func TestPublishAgain(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b Broker) {
		topics := []string{"campushub." + unique("ct") + ".v1"}
		in := b.Start(t, topics)
		pub := in.NewPublisher(t)
		msgs := messages(topics, 1, 400, 7)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for _, part := range [][]ports.OutboxMessage{msgs[:150], msgs[:300], msgs[100:], msgs} {
			publishEventually(t, ctx, pub, part)
		}
		got := in.Read(t, topics, ids(msgs))
		dups := checkOrder(t, got, msgs)
		if b.Features.StoredOnce {
			if dups != 0 {
				t.Fatalf("%d duplicates read", dups)
			}
			if n := in.Stored(t); n != len(msgs) {
				t.Fatalf("the broker holds %d messages, want %d", n, len(msgs))
			}
		} else {
			t.Logf("at least once: %d duplicates", dups)
		}
	})
}

// TestRelayPublishesOnlyCommitted runs the relay from a database: events
// of rolled-back changes never reach the broker.
func TestRelayPublishesOnlyCommitted(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b Broker) {
		module := unique("ct")
		topic := "campushub." + module + ".v1"
		in := b.Start(t, []string{topic})
		db := openDB(t)
		startRelay(t, db, in.NewPublisher(t))
		out := storage.NewOutbox(db)
		rollback := errors.New("rolled back")
		ctx := context.Background()
		for i, commit := range []bool{true, false, true, false, false, true} {
			ev := shared.NewEvent(module, "changed", "same-key", time.Now(), map[string]any{"i": i, "committed": commit})
			err := db.Do(ctx, func(ctx context.Context) error {
				if err := out.Append(ctx, ev); err != nil {
					return err
				}
				if !commit {
					return rollback
				}
				return nil
			})
			if commit && err != nil || !commit && !errors.Is(err, rollback) {
				t.Fatalf("change %d: %v", i, err)
			}
		}
		rows, err := out.Recent(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var committed []int64
		for _, r := range rows {
			committed = append(committed, r.ID)
		}
		if len(committed) != 3 {
			t.Fatalf("the outbox holds %d rows, want the 3 committed", len(committed))
		}
		// One key: a rolled-back event, were it published, would arrive
		// before the last committed one.
		for _, r := range in.Read(t, []string{topic}, committed) {
			if !bytes.Contains(r.Value, []byte(`"committed":true`)) {
				t.Fatalf("event %s of a rolled-back change was published: %s", r.Attrs["id"], r.Value)
			}
		}
	})
}

// TestRelaySurvivesBrokerRestart stops the broker in the middle of a burst
// of commits and starts it again: every event arrives, each key in order,
// and brokers that store once hold no duplicate.
func TestRelaySurvivesBrokerRestart(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b Broker) {
		module := unique("ct")
		topic := "campushub." + module + ".v1"
		in := b.StartOwn(t, []string{topic})
		db := openDB(t)
		startRelay(t, db, in.NewPublisher(t))

		const total, keys = 600, 10
		out := storage.NewOutbox(db)
		for i := range total {
			if i == total/3 {
				in.Stop(t) // mid-burst: commits go on while the broker is away
			}
			if i == 2*total/3 {
				in.Restart(t)
			}
			ev := shared.NewEvent(module, "changed", "key-"+strconv.Itoa(i%keys), time.Now(), map[string]any{"i": i})
			if err := db.Do(context.Background(), func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond)
		}
		store := storage.NewRelayStore(db, nil)
		testenv.WaitFor(t, 120*time.Second, "the outbox to drain", func() bool {
			n, _, err := store.OutboxLag(context.Background())
			return err == nil && n == 0
		})
		rows, err := out.Recent(context.Background(), total)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]ports.OutboxMessage, len(rows))
		for i, r := range rows {
			want[i] = ports.OutboxMessage{ID: r.ID, Topic: r.Topic, Key: r.AggregateID}
		}
		got := in.Read(t, []string{topic}, ids(want))
		dups := checkOrder(t, got, want)
		if b.Features.StoredOnce {
			if n := in.Stored(t); n != total || dups != 0 {
				t.Fatalf("the broker holds %d messages (%d duplicates read), want %d", n, dups, total)
			}
		} else {
			t.Logf("at least once: %d duplicates", dups)
		}
	})
}

// publishEventually retries Publish while a broker that just started (or
// the stream being created) is not ready yet.
func publishEventually(t *testing.T, ctx context.Context, pub ports.Publisher, msgs []ports.OutboxMessage) {
	t.Helper()
	testenv.Eventually(t, 60*time.Second, func() error { return pub.Publish(ctx, msgs) })
}

func openDB(t *testing.T) *storage.DB {
	t.Helper()
	return testenv.OpenDB(t, testenv.SQLiteURL(t))
}

// startRelay runs a relay from db to pub until the test ends.
func startRelay(t *testing.T, db *storage.DB, pub ports.Publisher) {
	t.Helper()
	r, err := events.NewRelay(storage.NewRelayStore(db, nil), pub, events.Config{
		BatchSize: 50, PollInterval: 5 * time.Millisecond, PublishTimeout: 3 * time.Second,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}
