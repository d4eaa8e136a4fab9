package events_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/events/nats"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// brokerSetup is one database + broker pairing of the broker comparison.
type brokerSetup struct {
	name  string
	dbURL func(b *testing.B) string
	// publisher returns a publisher to a broker holding topic.
	publisher func(b *testing.B, topic string) ports.Publisher
}

// brokerSetups pair SQLite and PostgreSQL with every broker, so that one
// run measures them all on the same machine at the same time.
func brokerSetups() []brokerSetup {
	sqlite := func(b *testing.B) string { return testenv.SQLiteURL(b) }
	postgres := func(b *testing.B) string {
		if os.Getenv("CAMPUSHUB_TEST_POSTGRES_DSN") == "" {
			b.Skip("PostgreSQL benchmarks skipped: set CAMPUSHUB_TEST_POSTGRES_DSN")
		}
		return testenv.PostgresURL(b)
	}
	kafkaPub := func(b *testing.B, addrs []string) ports.Publisher {
		pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = pub.Close() })
		return pub
	}
	kfakeBroker := func(b *testing.B, topic string) ports.Publisher {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(6, topic))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(c.Close)
		return kafkaPub(b, c.ListenAddrs())
	}
	realKafka := func(b *testing.B, topic string) ports.Publisher {
		addrs := testenv.KafkaBrokers(b)
		if err := kafka.EnsureTopics(context.Background(), addrs, []string{topic}, 6, 1); err != nil {
			b.Fatal(err)
		}
		return kafkaPub(b, addrs)
	}
	natsPub := func(b *testing.B, conn nats.Conn, topic string) ports.Publisher {
		pub, err := nats.NewPublisher(nats.Config{Conn: conn, Stream: nats.Stream{
			Name: "BENCH_" + uniqueModule(), Subjects: []string{topic}, Create: true,
		}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = pub.Close() })
		return pub
	}
	embedded := func(b *testing.B, topic string) ports.Publisher {
		s, err := nats.StartServer(nats.ServerConfig{StoreDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(s.Shutdown)
		return natsPub(b, nats.Conn{InProcess: s.InProcess()}, topic)
	}
	natsServer := func(b *testing.B, topic string) ports.Publisher {
		return natsPub(b, nats.Conn{URLs: []string{testenv.NATSURL(b)}}, topic)
	}
	return []brokerSetup{
		{name: "sqlite-kfake", dbURL: sqlite, publisher: kfakeBroker},
		{name: "sqlite-nats-embedded", dbURL: sqlite, publisher: embedded},
		{name: "postgres-kafka", dbURL: postgres, publisher: realKafka},
		{name: "postgres-nats-embedded", dbURL: postgres, publisher: embedded},
		{name: "postgres-nats-server", dbURL: postgres, publisher: natsServer},
	}
}

// BenchmarkRelayThroughputByBroker measures events per second from a full
// outbox to each broker (claim, publish until the broker acknowledged
// every event, mark published), every broker in the same run.
func BenchmarkRelayThroughputByBroker(b *testing.B) {
	for _, s := range brokerSetups() {
		b.Run(s.name, func(b *testing.B) {
			b.ReportMetric(drain(b, s, b.N), "events/s")
		})
	}
}

// BenchmarkRelayThroughputRatio drains b.N events from PostgreSQL to Kafka,
// to a nats-server and to the embedded NATS server in alternating rounds,
// so that every broker meets the same load of a shared machine, and reports
// each broker's median events/s and the median per-round ratio to Kafka.
func BenchmarkRelayThroughputRatio(b *testing.B) {
	var kafkaSetup brokerSetup
	var natsSetups []brokerSetup
	for _, s := range brokerSetups() {
		switch s.name {
		case "postgres-kafka":
			kafkaSetup = s
		case "postgres-nats-server", "postgres-nats-embedded":
			natsSetups = append(natsSetups, s)
		}
	}
	const rounds = 5
	eps := map[string][]float64{}
	ratios := map[string][]float64{}
	b.ResetTimer()
	for range rounds {
		k := drain(b, kafkaSetup, b.N)
		eps["kafka"] = append(eps["kafka"], k)
		for _, s := range natsSetups {
			n := drain(b, s, b.N)
			name := strings.TrimPrefix(s.name, "postgres-")
			eps[name] = append(eps[name], n)
			ratios[name] = append(ratios[name], n/k)
		}
	}
	b.StopTimer()
	for name, v := range eps {
		b.ReportMetric(median(v), name+"-events/s")
	}
	for name, v := range ratios {
		b.ReportMetric(median(v), name+"/kafka")
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// drain fills a fresh outbox of s's database with n events and returns how
// many per second the relay published to s's broker.
func drain(b *testing.B, s brokerSetup, n int) float64 {
	b.StopTimer()
	module := uniqueModule()
	pub := s.publisher(b, "campushub."+module+".v1")
	db := openBenchDB(b, s.dbURL(b))
	fillOutbox(b, db, module, n)
	reg := prometheus.NewRegistry()
	b.StartTimer()
	start := time.Now()
	_, stop := startRelay(b, db, pub, events.Config{BatchSize: 2000, Registerer: reg})
	testenv.WaitFor(b, 5*time.Minute, "the outbox to be published", func() bool {
		return metricValue(b, reg, "campushub_outbox_published_total") >= float64(n)
	})
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	b.StartTimer()
	return float64(n) / elapsed.Seconds()
}

// BenchmarkRelayCommitToAckByBroker commits 1,000 changes/s (see
// commitPaced) and reports how long each change took from its commit to
// the broker's acknowledgement, for every broker in the same run, with the
// relay polling alone and woken by every commit (see relayModes).
func BenchmarkRelayCommitToAckByBroker(b *testing.B) {
	for _, s := range brokerSetups() {
		for _, mode := range relayModes {
			b.Run(s.name+"/"+mode.name, func(b *testing.B) {
				module := uniqueModule()
				pub := s.publisher(b, "campushub."+module+".v1")
				db := openBenchDB(b, s.dbURL(b))
				acks := &ackRecorder{inner: pub, at: make(map[int64]time.Time, b.N)}
				mode.start(b, db, acks)
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.N)*time.Millisecond+2*time.Minute)
				defer cancel()
				committed := commitPaced(ctx, b, db, module, b.N)
				reportAcks(ctx, b, db, acks, committed)
				b.StopTimer()
			})
		}
	}
}

// outboxKeys maps every outbox row id to its aggregate id.
func outboxKeys(ctx context.Context, db *storage.DB) (map[int64]string, error) {
	var rows []struct {
		ID          int64  `bun:"id"`
		AggregateID string `bun:"aggregate_id"`
	}
	if err := db.NewRaw("SELECT id, aggregate_id FROM outbox").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	keys := make(map[int64]string, len(rows))
	for _, r := range rows {
		keys[r.ID] = r.AggregateID
	}
	return keys, nil
}
