package events_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
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
			for metricValue(b, reg, "campushub_outbox_published_total") < float64(b.N) {
				time.Sleep(5 * time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		})
	}
}

// BenchmarkRelayCommitToKafkaLatency commits one change per millisecond
// (1,000 changes/s) with the relay running at its default poll interval, and
// reports how long each took from commit to a consumer receiving it.
func BenchmarkRelayCommitToKafkaLatency(b *testing.B) {
	for _, s := range benchSetups() {
		b.Run(s.name, func(b *testing.B) {
			module := uniqueModule()
			topic := "campushub." + module + ".v1"
			addrs := s.brokers(b, topic)
			db := openBenchDB(b, s.dbURL(b))
			pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs})
			if err != nil {
				b.Fatal(err)
			}
			defer pub.Close()
			startRelay(b, db, pub, events.Config{PollInterval: 100 * time.Millisecond})

			var mu sync.Mutex
			committed := make(map[int64]time.Time, b.N)
			latencies := make([]time.Duration, 0, b.N)
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.N)*time.Millisecond+2*time.Minute)
			defer cancel()
			r := kafkago.NewReader(kafkago.ReaderConfig{
				Brokers: addrs, Topic: topic, GroupID: "bench-" + module,
				StartOffset: kafkago.FirstOffset, MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 10 * time.Millisecond,
				CommitInterval: time.Second, // a synchronous commit per message would be the bottleneck
			})
			defer r.Close()
			done := make(chan error, 1)
			go func() {
				seen := map[int64]bool{}
				for len(seen) < b.N {
					m, err := r.ReadMessage(ctx)
					if err != nil {
						done <- err
						return
					}
					now := time.Now()
					id := ceID(m)
					if seen[id] {
						continue
					}
					seen[id] = true
					mu.Lock()
					at, ok := committed[id]
					mu.Unlock()
					if ok {
						latencies = append(latencies, now.Sub(at))
					}
				}
				done <- nil
			}()

			out := storage.NewOutbox(db)
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				<-tick.C
				ev := shared.NewEvent(module, "changed", "key-"+strconv.Itoa(i%1000), time.Now(), map[string]any{"seq": i})
				if err := db.Do(ctx, func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
					b.Fatal(err)
				}
				at := time.Now()
				mu.Lock()
				committed[int64(i+1)] = at // row ids start at 1 in a fresh database
				mu.Unlock()
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			slices.Sort(latencies)
			if len(latencies) == 0 {
				b.Fatal("no latencies recorded")
			}
			pct := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pct(1), "max-ms")
		})
	}
}

func ceID(m kafkago.Message) int64 {
	for _, h := range m.Headers {
		if h.Key == kafka.HeaderID {
			id, _ := strconv.ParseInt(string(h.Value), 10, 64)
			return id
		}
	}
	panic(fmt.Sprintf("message without %s", kafka.HeaderID))
}
