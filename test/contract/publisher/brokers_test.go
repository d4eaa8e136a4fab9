// Package publisher is the publisher contract suite: the same tests run
// against every broker the outbox relay can publish to — an in-process
// Kafka-protocol broker (kfake) and the embedded NATS server always, a real
// Apache Kafka and a separate nats-server process when they are available
// (see test/testenv) — in the spirit of Watermill's shared pub/sub tests.
// Where brokers differ by design, a feature flag says what to expect.
package publisher

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/campushub/campushub/adapters/events/kafka"
	"github.com/campushub/campushub/adapters/events/nats"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// Features are the ways brokers differ by design.
type Features struct {
	// StoredOnce: a batch published again (after a failure or a crash) is
	// stored once; otherwise at least once.
	StoredOnce bool
}

// Broker is one kind of broker the suite runs against.
type Broker struct {
	Name     string
	Features Features
	// Start returns a broker holding topics, shared or of the test's own;
	// it skips the test when the broker is not available.
	Start func(t *testing.T, topics []string) *Instance
	// StartOwn returns a broker of the test's own that the test may stop
	// and start again with its data.
	StartOwn func(t *testing.T, topics []string) *Instance
}

// Instance is a running broker.
type Instance struct {
	// NewPublisher returns a publisher to the broker, closed at cleanup.
	NewPublisher func(t *testing.T) ports.Publisher
	// Read reads topics from the oldest message until every id in want
	// was seen, and returns every message read, duplicates included.
	Read func(t *testing.T, topics []string, want []int64) []Received
	// Stored counts the messages the broker holds on topics, when it can
	// tell exactly (nil otherwise).
	Stored func(t *testing.T) int
	// Stop and Restart stop the broker and start it again with its data
	// (StartOwn only).
	Stop, Restart func(t testing.TB)
}

// Received is one message read back, its CloudEvents attributes under their
// attribute names whatever the binding calls them.
type Received struct {
	Topic string
	Attrs map[string]string // id, type, source, time, specversion, datacontenttype, partitionkey
	Value []byte
}

// ID is the event id (ce id), 0 when missing.
func (r Received) ID() int64 {
	id, _ := strconv.ParseInt(r.Attrs["id"], 10, 64)
	return id
}

func brokers() []Broker {
	return []Broker{
		{Name: "kfake", Start: kfakeBroker, StartOwn: kfakeBroker},
		{Name: "kafka", Start: realKafka, StartOwn: ownKafka},
		{Name: "nats-embedded", Features: Features{StoredOnce: true}, Start: embeddedNATS, StartOwn: embeddedNATS},
		{Name: "nats-server", Features: Features{StoredOnce: true}, Start: realNATS, StartOwn: ownNATS},
	}
}

// forEachBroker runs fn as one parallel subtest per broker.
func forEachBroker(t *testing.T, fn func(t *testing.T, b Broker)) {
	for _, b := range brokers() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// unique returns prefix with a random suffix, for names no other test uses.
func unique(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// freePort returns a port below Linux's ephemeral range (32768–60999) that
// nothing listens on. A broker the test stops and starts again keeps its
// port, and while it is down its clients keep dialling it: a port inside
// the ephemeral range can then be taken by one of those dials as its own
// source port (TCP connects to itself), and the restart finds it in use.
func freePort(t testing.TB) int {
	t.Helper()
	for i := 0; i < 200; i++ {
		port := 20000 + mrand.IntN(12000)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		ln.Close()
		return port
	}
	t.Fatal("no free port below the ephemeral range")
	return 0
}

// --- Kafka ---

const partitions = 3

func kfakeBroker(t *testing.T, topics []string) *Instance {
	t.Helper()
	port := freePort(t)
	dir := t.TempDir()
	var mu sync.Mutex
	var c *kfake.Cluster
	start := func(t testing.TB) {
		mu.Lock()
		defer mu.Unlock()
		var err error
		c, err = kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.DataDir(dir), kfake.SeedTopics(partitions, topics...))
		if err != nil {
			t.Fatal(err)
		}
	}
	stop := func(testing.TB) {
		mu.Lock()
		defer mu.Unlock()
		if c != nil {
			c.Close()
			c = nil
		}
	}
	start(t)
	t.Cleanup(func() { stop(t) })
	return kafkaInstance([]string{"127.0.0.1:" + strconv.Itoa(port)}, stop, start)
}

func realKafka(t *testing.T, topics []string) *Instance {
	t.Helper()
	addrs := testenv.KafkaBrokers(t)
	if err := kafka.EnsureTopics(context.Background(), addrs, topics, partitions, 1); err != nil {
		t.Fatal(err)
	}
	return kafkaInstance(addrs, nil, nil)
}

// ownKafka is an Apache Kafka broker of the test's own, run by
// test/services/kafka/kafka.sh in a temporary state directory; it needs
// what that script needs (Java, Maven for the jars).
func ownKafka(t *testing.T, topics []string) *Instance {
	t.Helper()
	if testing.Short() {
		t.Skip("a Kafka broker of the test's own is skipped in -short mode")
	}
	testenv.KafkaBrokers(t) // skips with the usual line when no Kafka is configured
	script := strings.TrimSuffix(testenv.NATSScript(), "nats.sh") + "kafka/kafka.sh"
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("restarting a real Kafka skipped: a broker of the test's own needs Java (test/services/kafka/kafka.sh)")
	}
	run := serviceScript(t, script, "KAFKA_PORT=")
	env := run(t, "start")
	t.Cleanup(func() { run(t, "clean") })
	addr, ok := strings.CutPrefix(strings.TrimSpace(env), "CAMPUSHUB_TEST_KAFKA_BROKERS=")
	if !ok {
		t.Fatalf("kafka.sh start printed %q", env)
	}
	addrs := []string{addr}
	if err := kafka.EnsureTopics(context.Background(), addrs, topics, partitions, 1); err != nil {
		t.Fatal(err)
	}
	return kafkaInstance(addrs, func(t testing.TB) { run(t, "stop") }, func(t testing.TB) { run(t, "start") })
}

// serviceScript returns a runner of a test/services script whose state lives
// in a temporary directory of the test's own.
func serviceScript(t *testing.T, script, dropEnv string) func(t testing.TB, cmd string) string {
	dir := t.TempDir()
	return func(t testing.TB, cmd string) string {
		t.Helper()
		c := exec.Command("bash", script, cmd)
		c.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, dropEnv) }),
			"SERVICES_DIR="+dir)
		var stderr strings.Builder
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", script, cmd, err, stderr.String())
		}
		return string(out)
	}
}

func kafkaInstance(addrs []string, stop, restart func(testing.TB)) *Instance {
	return &Instance{
		NewPublisher: func(t *testing.T) ports.Publisher {
			pub, err := kafka.NewPublisher(kafka.Config{Brokers: addrs, Source: "/campushub/contract", WriteTimeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = pub.Close() })
			return pub
		},
		Read:    func(t *testing.T, topics []string, want []int64) []Received { return readKafka(t, addrs, topics, want) },
		Stop:    stop,
		Restart: restart,
	}
}

func readKafka(t *testing.T, addrs, topics []string, want []int64) []Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Every partition read directly from its start, without a consumer
	// group: joining a group first creates __consumer_offsets on a fresh
	// broker, which a busy machine can take longer over than the test
	// waits. Metadata is refreshed often, so partitions that get their
	// leader late are found.
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond),
		kgo.MetadataMinAge(250*time.Millisecond), kgo.MetadataMaxAge(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	missing := idSet(want)
	var out []Received
	for len(missing) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d messages; %d wanted events never arrived", len(out), len(missing))
		}
		fs.EachRecord(func(r *kgo.Record) {
			m := Received{Topic: r.Topic, Value: r.Value, Attrs: map[string]string{"partitionkey": string(r.Key)}}
			for _, h := range r.Headers {
				switch h.Key {
				case "content-type":
					m.Attrs["datacontenttype"] = string(h.Value)
				default:
					if name, ok := strings.CutPrefix(h.Key, "ce_"); ok {
						m.Attrs[name] = string(h.Value)
					}
				}
			}
			delete(missing, m.ID())
			out = append(out, m)
		})
	}
	return out
}

// --- NATS ---

// embeddedNATS is the embedded broker, reached over its loopback port (so a
// restart is a reconnect, as with a broker of its own).
func embeddedNATS(t *testing.T, topics []string) *Instance {
	t.Helper()
	port, dir := freePort(t), t.TempDir()
	var mu sync.Mutex
	var s *nats.Server
	start := func(t testing.TB) {
		mu.Lock()
		defer mu.Unlock()
		var err error
		if s, err = nats.StartServer(nats.ServerConfig{Port: port, StoreDir: dir}); err != nil {
			t.Fatal(err)
		}
	}
	stop := func(testing.TB) {
		mu.Lock()
		defer mu.Unlock()
		if s != nil {
			s.Shutdown()
			s = nil
		}
	}
	start(t)
	t.Cleanup(func() { stop(t) })
	return natsInstance(t, "nats://127.0.0.1:"+strconv.Itoa(port), topics, stop, start)
}

func realNATS(t *testing.T, topics []string) *Instance {
	t.Helper()
	return natsInstance(t, testenv.NATSURL(t), topics, nil, nil)
}

// ownNATS is a nats-server process of the test's own, run by
// test/services/nats.sh in a temporary state directory.
func ownNATS(t *testing.T, topics []string) *Instance {
	t.Helper()
	if testing.Short() {
		t.Skip("a NATS server of the test's own is skipped in -short mode")
	}
	testenv.NATSURL(t) // skips where no NATS server is configured
	run := serviceScript(t, testenv.NATSScript(), "NATS_PORT=")
	env := run(t, "start")
	t.Cleanup(func() { run(t, "clean") })
	url, ok := strings.CutPrefix(strings.TrimSpace(env), "CAMPUSHUB_TEST_NATS_URL=")
	if !ok {
		t.Fatalf("nats.sh start printed %q", env)
	}
	return natsInstance(t, url, topics, func(t testing.TB) { run(t, "stop") }, func(t testing.TB) { run(t, "start") })
}

// natsInstance publishes to a stream of the test's own holding topics.
func natsInstance(t *testing.T, url string, topics []string, stop, restart func(testing.TB)) *Instance {
	stream := nats.Stream{Name: unique("CONTRACT_"), Subjects: topics, Create: true}
	conn := nats.Conn{URLs: []string{url}}
	js := func(t *testing.T) jetstream.JetStream {
		t.Helper()
		nc, err := nats.Dial(conn, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		j, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if nc, err := nats.Dial(conn, 5*time.Second); err == nil {
			if j, err := jetstream.New(nc); err == nil {
				_ = j.DeleteStream(ctx, stream.Name)
			}
			nc.Close()
		}
	})
	return &Instance{
		NewPublisher: func(t *testing.T) ports.Publisher {
			pub, err := nats.NewPublisher(nats.Config{Conn: conn, Stream: stream, Source: "/campushub/contract", AckTimeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = pub.Close() })
			return pub
		},
		Read: func(t *testing.T, topics []string, want []int64) []Received {
			return readNATS(t, js(t), stream.Name, topics, want)
		},
		Stored: func(t *testing.T) int {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := js(t).Stream(ctx, stream.Name)
			if err != nil {
				t.Fatal(err)
			}
			info, err := s.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(info.State.Msgs)
		},
		Stop:    stop,
		Restart: restart,
	}
}

func readNATS(t *testing.T, js jetstream.JetStream, stream string, topics []string, want []int64) []Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// The publisher creates the stream once the server answers.
	var cons jetstream.Consumer
	testenv.WaitFor(t, 60*time.Second, "stream "+stream, func() bool {
		var err error
		cons, err = js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: topics})
		if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Fatal(err)
		}
		return err == nil
	})
	missing := idSet(want)
	var out []Received
	for len(missing) > 0 {
		if ctx.Err() != nil {
			t.Fatalf("read %d messages; %d wanted events never arrived", len(out), len(missing))
		}
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			r := Received{Topic: m.Subject(), Value: m.Data(), Attrs: map[string]string{}}
			for k, v := range m.Headers() {
				switch {
				case k == "content-type":
					r.Attrs["datacontenttype"] = v[0]
				case strings.HasPrefix(k, "ce-"):
					r.Attrs[strings.TrimPrefix(k, "ce-")] = v[0]
				case k == natsgo.MsgIdHdr && !strings.HasPrefix(v[0], m.Headers().Get("ce-id")+"@"):
					t.Fatalf("Nats-Msg-Id %q does not start with the event id %q and @", v[0], m.Headers().Get("ce-id"))
				}
			}
			delete(missing, r.ID())
			out = append(out, r)
		}
	}
	return out
}

func idSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
