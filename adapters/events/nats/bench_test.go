package nats_test

import (
	"context"
	"testing"

	"github.com/campushub/campushub/adapters/events/nats"
)

// BenchmarkPublish publishes batches of 2,000 events to the embedded
// server, in process, as the relay does.
func BenchmarkPublish(b *testing.B) {
	s, err := nats.StartServer(nats.ServerConfig{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Shutdown)
	pub, err := nats.NewPublisher(nats.Config{Conn: nats.Conn{InProcess: s.InProcess()}, Stream: nats.Stream{Name: "BENCH", Create: true}})
	if err != nil {
		b.Fatal(err)
	}
	defer pub.Close()
	const batch = 2000
	msgs := events("campushub.account.v1", 1, b.N)
	b.ResetTimer()
	for i := 0; i < len(msgs); i += batch {
		if err := pub.Publish(context.Background(), msgs[i:min(i+batch, len(msgs))]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
