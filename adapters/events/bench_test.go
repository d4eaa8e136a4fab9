package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// benchSetup is one database + broker pairing to benchmark.
type benchSetup struct {
	name    string
	dbURL   func(b *testing.B) string
	brokers func(b *testing.B, topic string) []string
}

func benchSetups() []benchSetup {
	fake := func(b *testing.B, topic string) []string {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(6, topic))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(c.Close)
		return c.ListenAddrs()
	}
	real := func(b *testing.B, topic string) []string {
		addrs := testenv.KafkaBrokers(b)
		if err := kafka.EnsureTopics(context.Background(), addrs, []string{topic}, 6, 1); err != nil {
			b.Fatal(err)
		}
		return addrs
	}
	postgres := func(b *testing.B) string {
		if os.Getenv("CAMPUSHUB_TEST_POSTGRES_DSN") == "" {
			b.Skip("PostgreSQL benchmarks skipped: set CAMPUSHUB_TEST_POSTGRES_DSN")
		}
		return testenv.PostgresURL(b)
	}
	sqlite := func(b *testing.B) string { return testenv.SQLiteURL(b) }
	return []benchSetup{
		{name: "sqlite-kfake", dbURL: sqlite, brokers: fake},
		{name: "sqlite-kafka", dbURL: sqlite, brokers: real},
		{name: "postgres-kafka", dbURL: postgres, brokers: real},
	}
}

func openBenchDB(b *testing.B, url string) *storage.DB {
	b.Helper()
	db, err := storage.Open(context.Background(), storage.Config{URL: url, MaxOpenConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

// fillOutbox commits n events of module over 1,000 keys, 500 per transaction.
func fillOutbox(b *testing.B, db *storage.DB, module string, n int) {
	b.Helper()
	out := storage.NewOutbox(db)
	for done := 0; done < n; {
		chunk := min(500, n-done)
		evs := make([]shared.Event, chunk)
		for i := range evs {
			id := done + i
			evs[i] = shared.NewEvent(module, "changed", "key-"+strconv.Itoa(id%1000), time.Now(),
				map[string]any{"seq": id, "name": "benchmark event", "status": "active"})
		}
		if err := db.Do(context.Background(), func(ctx context.Context) error { return out.Append(ctx, evs...) }); err != nil {
			b.Fatal(err)
		}
		done += chunk
	}
}

// BenchmarkRelayThroughput measures events per second from a full outbox to
// the broker: claim, publish with acks=all, mark published.
func BenchmarkRelayThroughput(b *testing.B) {
	for _, s := range benchSetups() {
		b.Run(s.name, func(b *testing.B) {
			module := uniqueModule()
			addrs := s.brokers(b, "campushub."+module+".v1")
			db := openBenchDB(b, s.dbURL(b))
			fillOutbox(b, db, module, b.N)
			pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs})
			if err != nil {
				b.Fatal(err)
			}
			defer pub.Close()
			reg := prometheus.NewRegistry()

			b.ResetTimer()
			start := time.Now()
			_, stop := startRelay(b, db, pub, events.Config{BatchSize: 2000, Registerer: reg})
			// Watch the relay's own counter: counting the outbox would load
			// the database the benchmark measures.
			testenv.WaitFor(b, 5*time.Minute, "the outbox to be published", func() bool {
				return metricValue(b, reg, "campushub_outbox_published_total") >= float64(b.N)
			})
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		})
	}
}

// BenchmarkRelayCommitToKafkaLatency commits 1,000 changes/s (see
// commitPaced) with the relay at the default poll interval, once with the
// poll alone and once woken by every commit as the service runs it, and
// reports how long each change took from its commit to the broker's
// acknowledgement (ack-*) and to a consumer group receiving it (*).
func BenchmarkRelayCommitToKafkaLatency(b *testing.B) {
	for _, s := range benchSetups() {
		for _, mode := range relayModes {
			b.Run(s.name+"/"+mode.name, func(b *testing.B) {
				module := uniqueModule()
				topic := "campushub." + module + ".v1"
				addrs := s.brokers(b, topic)
				db := openBenchDB(b, s.dbURL(b))
				pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs})
				if err != nil {
					b.Fatal(err)
				}
				defer pub.Close()
				acks := &ackRecorder{inner: pub, at: make(map[int64]time.Time, b.N)}
				mode.start(b, db, acks)

				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.N)*time.Millisecond+2*time.Minute)
				defer cancel()
				received := consumeSeqs(ctx, b, addrs, topic, module, b.N)
				committed := commitPaced(ctx, b, db, module, b.N)
				got := <-received
				b.StopTimer()
				if got.err != nil {
					b.Fatal(got.err)
				}
				var toConsumer []time.Duration
				for seq, at := range committed {
					toConsumer = append(toConsumer, got.at[seq].Sub(at))
				}
				reportPercentiles(b, "", toConsumer)
				reportAcks(ctx, b, db, acks, committed)
			})
		}
	}
}

// relayMode is how a latency benchmark runs the relay.
type relayMode struct {
	name  string
	start func(b *testing.B, db *storage.DB, pub ports.Publisher)
}

// relayModes are the relay polling alone at its default interval, and the
// same relay also woken by every commit in the process (as the service
// wires it: storage.DB.OnOutboxCommit → Relay.Wake).
var relayModes = []relayMode{
	{"poll", func(b *testing.B, db *storage.DB, pub ports.Publisher) {
		startRelay(b, db, pub, events.Config{PollInterval: defaultPoll})
	}},
	{"wake", func(b *testing.B, db *storage.DB, pub ports.Publisher) {
		r, _ := startRelay(b, db, pub, events.Config{PollInterval: defaultPoll})
		db.OnOutboxCommit(r.Wake)
	}},
}

// defaultPoll is the service's OUTBOX_POLL_INTERVAL default.
const defaultPoll = 25 * time.Millisecond

// commitPaced commits n changes of module, one per transaction, paced at
// 1,000 per second from the timer's start (a late commit is caught up, so
// the rate holds on a busy machine), from 8 goroutines so that a slow
// commit does not hold the pace back. Change i has key change-i and
// payload seq i. It returns when each change committed, by seq.
func commitPaced(ctx context.Context, b *testing.B, db *storage.DB, module string, n int) map[int64]time.Time {
	var mu sync.Mutex
	committed := make(map[int64]time.Time, n)
	out := storage.NewOutbox(db)
	work := make(chan int, 1000)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				ev := shared.NewEvent(module, "changed", "change-"+strconv.Itoa(i), time.Now(), map[string]any{"seq": i})
				if err := db.Do(ctx, func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
					b.Error(err)
					return
				}
				at := time.Now()
				mu.Lock()
				committed[int64(i)] = at
				mu.Unlock()
			}
		}()
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < n; i++ {
		if d := time.Until(start.Add(time.Duration(i) * time.Millisecond)); d > 0 {
			time.Sleep(d)
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return committed
}

// reportAcks waits until the broker acknowledged every committed change
// and reports the percentiles of commit → acknowledgement (ack-*).
func reportAcks(ctx context.Context, b *testing.B, db *storage.DB, acks *ackRecorder, committed map[int64]time.Time) {
	deadline, _ := ctx.Deadline()
	testenv.WaitFor(b, time.Until(deadline), "every change to be acknowledged", func() bool {
		return len(acks.snapshot()) >= len(committed)
	})
	keys, err := outboxKeys(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	var toAck []time.Duration
	for id, at := range acks.snapshot() {
		seq, err := strconv.ParseInt(strings.TrimPrefix(keys[id], "change-"), 10, 64)
		if c, ok := committed[seq]; ok && err == nil {
			toAck = append(toAck, at.Sub(c))
		}
	}
	reportPercentiles(b, "ack-", toAck)
}

// reportPercentiles reports the median, 99th percentile and maximum of ds.
func reportPercentiles(b *testing.B, prefix string, ds []time.Duration) {
	if len(ds) == 0 {
		b.Fatalf("no %slatencies recorded", prefix)
	}
	slices.Sort(ds)
	pct := func(p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.99), prefix+"p99-ms")
	b.ReportMetric(pct(1), prefix+"max-ms")
}

// ackRecorder is a publisher that notes, by the wall clock, when the broker
// acknowledged each row.
type ackRecorder struct {
	inner ports.Publisher
	mu    sync.Mutex
	at    map[int64]time.Time
}

func (a *ackRecorder) Publish(ctx context.Context, msgs []ports.OutboxMessage) error {
	if err := a.inner.Publish(ctx, msgs); err != nil {
		return err
	}
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range msgs {
		if _, ok := a.at[m.ID]; !ok {
			a.at[m.ID] = now
		}
	}
	return nil
}

func (a *ackRecorder) Close() error { return a.inner.Close() }

func (a *ackRecorder) snapshot() map[int64]time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.at)
}

// consumed is what consumeSeqs read: when each seq first arrived, and the
// seq of each ce_id.
type consumed struct {
	at    map[int64]time.Time
	seqOf map[int64]int64
	err   error
}

// consumeSeqs reads topic with a consumer group of its own until it has
// seen n distinct seqs, and then sends what it read.
func consumeSeqs(ctx context.Context, b *testing.B, addrs []string, topic, module string, n int) <-chan consumed {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic), kgo.ConsumerGroup("bench-"+module),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(10*time.Millisecond), kgo.DisableAutoCommit())
	if err != nil {
		b.Fatal(err)
	}
	res := make(chan consumed, 1)
	go func() {
		defer cl.Close()
		c := consumed{at: make(map[int64]time.Time, n), seqOf: make(map[int64]int64, n)}
		for len(c.at) < n {
			fs := cl.PollFetches(ctx)
			now := time.Now()
			if err := ctx.Err(); err != nil {
				c.err = fmt.Errorf("consumed %d of %d: %w", len(c.at), n, err)
				break
			}
			fs.EachRecord(func(r *kgo.Record) {
				var v struct{ Seq int64 }
				_ = json.Unmarshal(r.Value, &v)
				for _, h := range r.Headers {
					if h.Key == kafka.HeaderID {
						id, _ := strconv.ParseInt(string(h.Value), 10, 64)
						c.seqOf[id] = v.Seq
					}
				}
				if _, ok := c.at[v.Seq]; !ok {
					c.at[v.Seq] = now
				}
			})
		}
		res <- c
	}()
	return res
}
