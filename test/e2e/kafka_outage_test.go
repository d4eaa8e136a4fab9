package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

// privateKafka is an Apache Kafka broker of the test's own, run by
// test/services/kafka/kafka.sh in a temporary state directory on a port
// chosen up front, so that the test can point the service at it before it
// runs and stop and start it without disturbing any other test.
type privateKafka struct {
	addr string
	dir  string
	port string
}

// newPrivateKafka prepares (but does not start) a broker. It needs what the
// script needs (Java; Maven or the cached jars), so it runs where the shared
// test broker is configured and Java is installed, and skips elsewhere.
func newPrivateKafka(t *testing.T) *privateKafka {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped in -short mode: starts a Kafka broker of its own")
	}
	testenv.KafkaBrokers(t) // skips with the usual line when no Kafka is configured
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("skipped: a broker of the test's own needs Java (test/services/kafka/kafka.sh)")
	}
	addr := restartableAddr(t)
	_, port, _ := strings.Cut(addr, ":")
	b := &privateKafka{addr: addr, dir: t.TempDir(), port: port}
	t.Cleanup(func() { b.run(t, "clean") })
	return b
}

func (b *privateKafka) run(t *testing.T, cmd string) {
	t.Helper()
	c := exec.Command("bash", filepath.Join(repoRoot(), "test", "services", "kafka", "kafka.sh"), cmd)
	c.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "KAFKA_PORT=") || strings.HasPrefix(kv, "SERVICES_DIR=")
	}), "SERVICES_DIR="+b.dir, "KAFKA_PORT="+b.port)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("kafka.sh %s: %v\n%s", cmd, err, out)
	}
	if cmd == "start" && !strings.Contains(string(out), "CAMPUSHUB_TEST_KAFKA_BROKERS="+b.addr) {
		t.Fatalf("kafka.sh start did not start the broker on %s:\n%s", b.addr, out)
	}
}

func (b *privateKafka) start(t *testing.T) { t.Helper(); b.run(t, "start") }
func (b *privateKafka) stop(t *testing.T)  { t.Helper(); b.run(t, "stop") }

// readiness is the body of /readyz.
type readiness struct {
	HTTPStatus int
	Ready      bool `json:"ready"`
	Checks     struct {
		Database string `json:"database"`
		Broker   struct {
			Status string `json:"status"`
			Since  string `json:"since"`
			For    string `json:"for"`
			Error  string `json:"error"`
		} `json:"broker"`
		Outbox struct {
			Status      string `json:"status"`
			Unpublished int64  `json:"unpublished"`
			OldestAt    string `json:"oldest_at"`
			OldestAge   string `json:"oldest_age"`
		} `json:"outbox"`
	} `json:"checks"`
	Raw string
}

func readyz(t *testing.T, base string) readiness {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	defer resp.Body.Close()
	var r readiness
	raw := new(strings.Builder)
	if err := json.NewDecoder(io.TeeReader(resp.Body, raw)).Decode(&r); err != nil {
		t.Fatalf("GET /readyz: HTTP %d, %v", resp.StatusCode, err)
	}
	r.HTTPStatus, r.Raw = resp.StatusCode, raw.String()
	return r
}

// waitReady polls /readyz on base (the public or the operations address)
// until cond holds and returns the last answer.
func waitReady(t *testing.T, s *service, base string, timeout time.Duration, what string, cond func(readiness) bool) readiness {
	t.Helper()
	var r readiness
	testenv.Eventually(t, timeout, func() error {
		if r = readyz(t, base); cond(r) {
			return nil
		}
		return fmt.Errorf("/readyz to show %s; last answer HTTP %d %s\nlog:\n%s", what, r.HTTPStatus, r.Raw, tail(s.log(), 4000))
	})
	return r
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func uniqueSource() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "/campushub/e2e-" + hex.EncodeToString(b)
}

// TestServesWhileKafkaIsDown starts the service while its broker is not
// running yet: it must serve, keep the changes in the outbox, say so in the
// log and in /readyz (ready, broker unreachable, the backlog), create the
// topics and publish once the broker answers, and tell the truth again when
// the broker goes away after it had answered.
func TestServesWhileKafkaIsDown(t *testing.T) {
	broker := newPrivateKafka(t)
	dbURL := testenv.PostgresURL(t)
	source := uniqueSource()
	ops := "http://" + freeAddr(t)
	s := startService(t, map[string]string{
		"OPS_ADDR":               strings.TrimPrefix(ops, "http://"),
		"DATABASE_URL":           dbURL,
		"EVENTS_BROKER":          "kafka",
		"KAFKA_BROKERS":          broker.addr,
		"KAFKA_TOPIC_PARTITIONS": "2",
		"EVENTS_SOURCE":          source,
		"OUTBOX_POLL_INTERVAL":   "20ms",
	})

	// Down from the start: the API works and the change waits.
	registerUser(t, s, "18656660961")
	r := waitReady(t, s, ops, 30*time.Second, "the broker unreachable and the registration waiting", func(r readiness) bool {
		return r.Checks.Broker.Status == "unreachable" && r.Checks.Outbox.Unpublished >= 1
	})
	if r.HTTPStatus != http.StatusOK || !r.Ready {
		t.Errorf("/readyz while the broker is down: HTTP %d %s; want 200 and ready (the outbox holds the changes)", r.HTTPStatus, r.Raw)
	}
	if _, err := time.Parse(time.RFC3339, r.Checks.Broker.Since); err != nil || r.Checks.Broker.Error == "" || r.Checks.Broker.For == "" {
		t.Errorf("/readyz broker entry %s: want since, for and error", r.Raw)
	}
	// The public listener says the same without the error text.
	if pub := readyz(t, s.URL); pub.HTTPStatus != http.StatusOK || pub.Checks.Broker.Status != "unreachable" || pub.Checks.Broker.Error != "" {
		t.Errorf("public /readyz: HTTP %d %s; want 200, the broker unreachable, no error text", pub.HTTPStatus, pub.Raw)
	}
	if _, err := time.Parse(time.RFC3339, r.Checks.Outbox.OldestAt); err != nil || r.Checks.Outbox.OldestAge == "" || r.Checks.Outbox.Status != "backlog" {
		t.Errorf("/readyz outbox entry %s: want status backlog, oldest_at and oldest_age", r.Raw)
	}
	for _, msg := range []string{
		"events broker unreachable; serving on, changes wait in the outbox until it answers",
		"kafka: cannot create the topics yet; retrying until the brokers answer, changes wait in the outbox meanwhile",
	} {
		if len(s.logLines(map[string]string{"msg": msg})) != 1 {
			t.Errorf("want the log line %q once; log:\n%s", msg, tail(s.log(), 4000))
		}
	}

	// The broker starts: topics are created, the backlog drains.
	broker.start(t)
	waitReady(t, s, ops, 90*time.Second, "the broker reachable and the outbox drained", func(r readiness) bool {
		return r.Checks.Broker.Status == "ok" && r.Checks.Outbox.Unpublished == 0
	})
	testenv.WaitFor(t, 30*time.Second, "the topics ready log line", func() bool {
		return len(s.logLines(map[string]string{"msg": "kafka: topics ready"})) == 1
	})
	firstEvent := readEvents(t, []string{broker.addr}, "campushub.account.v1", source, func(evs []kafkaEvent) bool { return len(evs) >= 1 })[0]

	// Down after it was up: the answer must not come from cached metadata.
	broker.stop(t)
	const failed = "outbox relay: publish failed; retrying"
	failedBefore := len(s.logLines(map[string]string{"msg": failed}))
	token, _ := registerUser(t, s, "18656660962")
	// A backlog of many rows: each failed attempt must still log one short
	// line, not one error per message.
	const updates = 150
	for i := 0; i < updates; i++ {
		s.call(t, "PUT", "/api/personal/info", token, map[string]string{"nickname": "n" + strconv.Itoa(i)}).want(t, "update the nickname", 200, 0)
	}
	r = waitReady(t, s, ops, 30*time.Second, "the broker unreachable again and the changes waiting", func(r readiness) bool {
		return r.Checks.Broker.Status == "unreachable" && r.Checks.Outbox.Unpublished > updates
	})
	if r.HTTPStatus != http.StatusOK {
		t.Errorf("/readyz: HTTP %d %s, want 200", r.HTTPStatus, r.Raw)
	}
	testenv.WaitFor(t, 60*time.Second, "two failed attempts with the backlog", func() bool {
		return len(s.logLines(map[string]string{"msg": failed})) >= failedBefore+2
	})
	longest := ""
	for _, line := range strings.Split(s.log(), "\n") {
		if strings.Contains(line, failed) && len(line) > len(longest) {
			longest = line
		}
		if len(line) > 1000 {
			t.Errorf("a log line of %d bytes during the outage: %.300s…", len(line), line)
		}
	}
	t.Logf("longest failed-attempt line, %d bytes: %s", len(longest), longest)
	for _, rec := range s.logLines(map[string]string{"msg": failed})[failedBefore:] {
		msg, _ := rec["err"].(string)
		if _, ok := rec["retry_at"].(string); !ok || rec["attempt"] == nil || !strings.Contains(msg, "messages not written") {
			t.Errorf("failed attempt logged as %v; want attempt, retry_at and the summary of the failed messages", rec)
		}
	}

	broker.start(t)
	waitReady(t, s, ops, 90*time.Second, "the outbox drained after the restart", func(r readiness) bool {
		return r.Checks.Broker.Status == "ok" && r.Checks.Outbox.Unpublished == 0
	})
	// The same consumer group reads on after the first registration.
	evs := readEvents(t, []string{broker.addr}, "campushub.account.v1", source, func(evs []kafkaEvent) bool {
		return slices.ContainsFunc(evs, func(e kafkaEvent) bool { return e.ID != firstEvent.ID })
	})
	if !slices.ContainsFunc(evs, func(e kafkaEvent) bool { return e.ID > firstEvent.ID }) {
		t.Fatalf("events %+v: want the second registration after %d", evs, firstEvent.ID)
	}
	if len(s.logLines(map[string]string{"msg": "events broker reachable again"})) < 2 {
		t.Errorf("want a line each time the broker answered again; log:\n%s", tail(s.log(), 4000))
	}
}

// TestReplicaTakesOverWhenTheHolderIsKilled runs two replicas on one
// PostgreSQL database and the shared broker and kills the one that
// publishes with SIGKILL right after a change, which it may not have
// published yet. The other replica takes the lease and publishes every
// change, the one made before the kill and one made after it, so nothing is
// lost. The takeover time is logged (docs/events.md quotes it), not
// asserted: the deadlines only bound how long a broken build takes to fail.
func TestReplicaTakesOverWhenTheHolderIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	brokers := testenv.KafkaBrokers(t)
	dbURL := testenv.PostgresURL(t)
	source := uniqueSource()
	env := map[string]string{
		"DATABASE_URL":         dbURL,
		"EVENTS_BROKER":        "kafka",
		"KAFKA_BROKERS":        strings.Join(brokers, ","),
		"EVENTS_SOURCE":        source,
		"OUTBOX_POLL_INTERVAL": "20ms",
	}
	const took = "outbox relay: took the lease; publishing"
	first := startService(t, env)
	testenv.WaitFor(t, 30*time.Second, "the first replica to take the lease", func() bool {
		return len(first.logLines(map[string]string{"msg": took})) > 0
	})
	holder, _ := first.logLines(map[string]string{"msg": took})[0]["owner"].(string)
	_, before := registerUser(t, first, "18656660971")
	waitReady(t, first, first.URL, 30*time.Second, "the first registration published", func(r readiness) bool { return r.Checks.Outbox.Unpublished == 0 })

	second := startService(t, env)
	testenv.WaitFor(t, 30*time.Second, "the second replica to say whose lease it waits for", func() bool {
		return len(second.logLines(map[string]string{"msg": "outbox relay: another relay holds the lease; waiting", "holder": holder})) > 0
	})

	_, atKill := registerUser(t, first, "18656660973")
	if err := first.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, nothing released
		t.Fatal(err)
	}
	killed := time.Now()
	<-first.exited
	_, after := registerUser(t, second, "18656660972")
	waitReady(t, second, second.URL, 2*time.Minute, "the second replica to publish every change", func(r readiness) bool { return r.Checks.Outbox.Unpublished == 0 })
	t.Logf("the second replica published every change %.1fs after the publishing replica was killed (leases last 5s)", time.Since(killed).Seconds())
	// Info lines reach the log within LOG_FLUSH_INTERVAL.
	testenv.WaitFor(t, 30*time.Second, "the second replica to log that it took the lease", func() bool {
		return len(second.logLines(map[string]string{"msg": took})) > 0
	})

	want := map[string]bool{}
	for _, id := range []int64{before, atKill, after} {
		want[strconv.FormatInt(id, 10)] = true
	}
	evs := readEvents(t, brokers, "campushub.account.v1", source, func(evs []kafkaEvent) bool { return len(distinct(evs)) >= len(want) })
	evs = distinct(evs)
	got := map[string]bool{}
	for _, e := range evs {
		if e.Headers["ce_type"] != "campushub.account.registered" {
			t.Errorf("event %d of type %s, want only registrations", e.ID, e.Headers["ce_type"])
		}
		got[e.Key] = true
	}
	if len(evs) != len(want) || !maps.Equal(got, want) {
		t.Fatalf("%d distinct registration events for accounts %v, want one for each of %v", len(evs), got, want)
	}
}
