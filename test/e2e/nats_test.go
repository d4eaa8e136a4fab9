package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	natsadapter "github.com/campushub/campushub/adapters/events/nats"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

// freePort returns a TCP port on 127.0.0.1 nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(freeAddr(t))
	n, _ := strconv.Atoi(port)
	return n
}

// natsJS connects a JetStream client to url.
func natsJS(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.Timeout(10*time.Second))
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// TestDefaultConfigPublishesToNATS runs the binary with no broker setting
// at all, as `go run ./cmd/campushub` does, except for the embedded
// broker's port (tests run in parallel on machines where 4222 may be
// taken): a user registered over HTTP is read back as a CloudEvent from the
// embedded NATS server by a NATS client and by `campushub events tail`.
func TestDefaultConfigPublishesToNATS(t *testing.T) {
	port := freePort(t)
	s := startService(t, map[string]string{"NATS_EMBEDDED_PORT": strconv.Itoa(port)})
	const phone = "18656660977"
	_, accountID := registerUser(t, s, phone)
	url := "nats://127.0.0.1:" + strconv.Itoa(port)

	js := natsJS(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "CAMPUSHUB", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"campushub.account.v1"}})
	if err != nil {
		t.Fatalf("consumer on the default stream CAMPUSHUB: %v", err)
	}
	var msg jetstream.Msg
	for msg == nil {
		if ctx.Err() != nil {
			t.Fatal("no campushub.account.registered event on campushub.account.v1 within 60s")
		}
		b, err := cons.Fetch(10, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range b.Messages() {
			if m.Headers().Get("ce-type") == "campushub.account.registered" {
				msg = m
			}
		}
	}
	h := msg.Headers()
	want := map[string]string{
		"ce-specversion":  "1.0",
		"ce-source":       "/campushub",
		"content-type":    "application/json",
		"ce-partitionkey": strconv.FormatInt(accountID, 10),
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, h.Get(k), v)
		}
	}
	if id := h.Get("ce-id"); id == "" || !strings.HasPrefix(h.Get("Nats-Msg-Id"), id+"@") {
		t.Errorf("ce-id %q, Nats-Msg-Id %q: want the event id in both", id, h.Get("Nats-Msg-Id"))
	}
	if at, err := time.Parse(time.RFC3339Nano, h.Get("ce-time")); err != nil || time.Since(at).Abs() > time.Minute {
		t.Errorf("ce-time %q: %v", h.Get("ce-time"), err)
	}
	var value map[string]any
	if err := json.Unmarshal(msg.Data(), &value); err != nil {
		t.Fatalf("data is not JSON: %s", msg.Data())
	}
	if value["account_id"] != float64(accountID) || value["channel"] != "phone" {
		t.Errorf("data %s: want account_id %d and channel phone", msg.Data(), accountID)
	}
	for _, secret := range []string{"password", "hash", "code", "token"} {
		if bytes.Contains(bytes.ToLower(msg.Data()), []byte(secret)) {
			t.Errorf("event data mentions %q: %s", secret, msg.Data())
		}
	}

	// The broker is reported ready.
	if r := readyz(t, s.URL); r.Checks.Broker.Status != "ok" {
		t.Errorf("readyz broker = %+v", r.Checks.Broker)
	}

	// campushub events tail reads the same event from the running service's broker.
	line := tailFirst(t, map[string]string{"NATS_EMBEDDED_PORT": strconv.Itoa(port)}, "campushub.account.registered")
	if line.Key != strconv.FormatInt(accountID, 10) || line.Topic != "campushub.account.v1" || line.Headers["ce-id"] != h.Get("ce-id") {
		t.Errorf("events tail printed %+v", line)
	}

	// A subject nobody publishes on is refused at once, with one line naming it.
	code, out := run(t, map[string]string{"NATS_EMBEDDED_PORT": strconv.Itoa(port)}, "events", "tail", "--topic", "campushub.acount.v1")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 1 || len(lines) != 1 ||
		!strings.Contains(out, "campushub.acount.v1") || !strings.Contains(out, "does not exist") {
		t.Errorf("events tail of a misspelt subject: exit %d, want 1 and one line saying it does not exist:\n%s", code, out)
	}

	// SIGTERM: the embedded server stops last, after the relay.
	if code := s.terminate(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; log:\n%s", code, s.log())
	}
	log := s.log()
	stopped, shutdown := strings.Index(log, "embedded NATS server stopped"), strings.Index(log, "shutting down")
	if stopped < 0 || stopped < shutdown {
		t.Errorf("the embedded server did not stop after the shutdown began; log:\n%s", log)
	}
}

type tailLine struct {
	Topic   string            `json:"topic"`
	Key     string            `json:"key"`
	Headers map[string]string `json:"headers"`
	Value   json.RawMessage   `json:"value"`
}

// tailFirst runs `campushub events tail --from-beginning` and returns the
// first line of the given type.
func tailFirst(t *testing.T, env map[string]string, typ string) tailLine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), "events", "tail", "--topic", "campushub.account.v1", "--from-beginning")
	cmd.Dir = t.TempDir()
	cmd.Env = environ(env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		var l tailLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("events tail printed a line that is not JSON: %s", sc.Bytes())
		}
		if l.Headers["ce-type"] == typ {
			return l
		}
	}
	t.Fatalf("events tail ended without a %s line; stderr:\n%s", typ, stderr.String())
	return tailLine{}
}

// TestEmbeddedBrokerPortTaken: a taken NATS_EMBEDDED_PORT stops the start
// with one line on stderr naming the port, and exit code 1.
func TestEmbeddedBrokerPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = environ(map[string]string{"NATS_EMBEDDED_PORT": port, "HTTP_ADDR": freeAddr(t)})
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	exitErr, ok := err.(*exec.ExitError)
	if !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("exit: %v, want code 1; stderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one line on stderr, got %d:\n%s", len(lines), stderr.String())
	}
	for _, want := range []string{"campushub: ", "NATS_EMBEDDED_PORT", port, "address already in use"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("error line %q does not contain %q", lines[0], want)
		}
	}
}

// TestNATSKillMidDrainStoresNoDuplicates fills the outbox, lets the binary
// drain it to NATS, kills it with SIGKILL in the middle (so batches the
// stream acknowledged are not yet marked published), starts it again and
// checks that the stream holds every event exactly once, each key in order.
// With Kafka the same crash puts the unmarked batches on the topics twice.
func TestNATSKillMidDrainStoresNoDuplicates(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T) (env map[string]string, url string)
	}{
		{"embedded", func(t *testing.T) (map[string]string, string) {
			port := strconv.Itoa(freePort(t))
			return map[string]string{"EVENTS_BROKER": "embedded", "NATS_EMBEDDED_PORT": port}, "nats://127.0.0.1:" + port
		}},
		{"nats-server", func(t *testing.T) (map[string]string, string) {
			url := ownNATSServer(t)
			return map[string]string{"EVENTS_BROKER": "nats", "NATS_URL": url}, url
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env, url := tc.setup(t)
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "drain.db")
			const total, batch = 60000, 2000
			fillOutbox(t, dbURL, total)
			env["DATABASE_URL"] = dbURL
			env["OUTBOX_BATCH_SIZE"] = strconv.Itoa(batch)
			env["LOG_LEVEL"] = "warn"

			first := startService(t, env)
			js := natsJS(t, url)
			var storedAtKill int
			testenv.WaitFor(t, 60*time.Second, "the drain to get under way", func() bool {
				storedAtKill = streamMsgs(t, js)
				return storedAtKill >= 2*batch
			})
			if err := first.cmd.Process.Kill(); err != nil { // SIGKILL: nothing is marked or flushed
				t.Fatal(err)
			}
			<-first.exited
			if tc.name == "embedded" {
				// The broker died with the process: open its files here.
				storedAtKill = embeddedStreamMsgs(t, strings.TrimPrefix(dbURL, "sqlite:")+".nats")
			} else {
				storedAtKill = streamMsgs(t, js)
			}
			db := testenv.OpenEmptyDB(t, dbURL)
			published := publishedRows(t, db)
			if storedAtKill >= total {
				t.Fatalf("the whole outbox was drained before the kill; nothing was cut short")
			}
			if storedAtKill <= published {
				t.Fatalf("at the kill every stored event was marked published (%d); nothing will be sent again", published)
			}
			t.Logf("at the kill: %d events in the stream, %d rows marked published; %d acknowledged but unmarked, sent again after the restart",
				storedAtKill, published, storedAtKill-published)

			startService(t, env)
			testenv.WaitFor(t, 120*time.Second, "the outbox to drain after the restart", func() bool { return publishedRows(t, db) == total })
			if n := streamMsgs(t, js); n != total {
				t.Fatalf("the stream holds %d messages, want %d (every event once)", n, total)
			}
			checkStreamOnceInOrder(t, js, total)
		})
	}
}

// ownNATSServer runs a nats-server process of the test's own with
// test/services/nats.sh, where a NATS server is configured for the suites.
func ownNATSServer(t *testing.T) string {
	t.Helper()
	testenv.NATSURL(t) // skips where no NATS server is configured
	dir := t.TempDir()
	run := func(cmd string) string {
		c := exec.Command("bash", testenv.NATSScript(), cmd)
		c.Env = append(os.Environ(), "SERVICES_DIR="+dir)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			t.Fatalf("nats.sh %s: %v\n%s", cmd, err, stderr.String())
		}
		return string(out)
	}
	out := run("start")
	t.Cleanup(func() { run("clean") })
	url, ok := strings.CutPrefix(strings.TrimSpace(out), "CAMPUSHUB_TEST_NATS_URL=")
	if !ok {
		t.Fatalf("nats.sh start printed %q", out)
	}
	return url
}

// fillOutbox commits total events over two modules and 50 keys.
func fillOutbox(t *testing.T, dbURL string, total int) {
	t.Helper()
	ctx := context.Background()
	db := testenv.OpenDB(t, dbURL)
	out := storage.NewOutbox(db)
	const perTx = 2000
	for i := 0; i < total; i += perTx {
		evs := make([]shared.Event, 0, perTx)
		for j := i; j < min(i+perTx, total); j++ {
			module := []string{"account", "push"}[j%2]
			evs = append(evs, shared.NewEvent(module, "drained", "key-"+strconv.Itoa(j%50), time.Now(), map[string]any{"n": j}))
		}
		if err := db.Do(ctx, func(ctx context.Context) error { return out.Append(ctx, evs...) }); err != nil {
			t.Fatal(err)
		}
	}
}

// publishedRows counts the outbox rows marked published.
func publishedRows(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	if err := db.NewRaw("SELECT COUNT(*) FROM outbox WHERE published_at IS NOT NULL").Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// embeddedStreamMsgs counts the stream a stopped embedded broker left in
// dir, starting a server of its own on the files.
func embeddedStreamMsgs(t *testing.T, dir string) int {
	t.Helper()
	srv, err := natsadapter.StartServer(natsadapter.ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	nc, err := natsadapter.Dial(natsadapter.Conn{InProcess: srv.InProcess()}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return streamMsgs(t, js)
}

func streamMsgs(t *testing.T, js jetstream.JetStream) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "CAMPUSHUB")
	if err != nil {
		return 0 // not created yet
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(info.State.Msgs)
}

// checkStreamOnceInOrder reads the whole stream: every ce-id from 1 to
// total once, each key's ids rising.
func checkStreamOnceInOrder(t *testing.T, js jetstream.JetStream, total int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "CAMPUSHUB", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	seen := make([]bool, total+1)
	last := map[string]int{}
	for n := 0; n < total; {
		b, err := cons.Fetch(2000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range b.Messages() {
			n++
			id, err := strconv.Atoi(m.Headers().Get("ce-id"))
			if err != nil || id < 1 || id > total {
				t.Fatalf("ce-id %q", m.Headers().Get("ce-id"))
			}
			if seen[id] {
				t.Fatalf("event %d stored twice", id)
			}
			seen[id] = true
			k := m.Subject() + "/" + m.Headers().Get("ce-partitionkey")
			if id <= last[k] {
				t.Fatalf("key %s: event %d stored after %d", k, id, last[k])
			}
			last[k] = id
		}
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d events", n, total)
		}
	}
	if i := slices.Index(seen[1:], false); i >= 0 {
		t.Fatalf("event %d missing", i+1)
	}
}

// TestNATSUnreachableAtStart: with EVENTS_BROKER=nats and no server at
// NATS_URL the service starts and serves, the registration waits in the
// outbox, and once a server answers the stream is created and the event
// published.
func TestNATSUnreachableAtStart(t *testing.T) {
	port := freePort(t)
	url := "nats://127.0.0.1:" + strconv.Itoa(port)
	s := startService(t, map[string]string{"EVENTS_BROKER": "nats", "NATS_URL": url})
	_, accountID := registerUser(t, s, "18656660988")

	if r := readyz(t, s.URL); r.Checks.Broker.Status != "unreachable" {
		t.Errorf("readyz broker = %+v with no NATS server", r.Checks.Broker)
	}

	srv, err := natsadapter.StartServer(natsadapter.ServerConfig{Port: port, StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	js := natsJS(t, url)
	testenv.WaitFor(t, 60*time.Second, "the registration to reach the stream", func() bool { return streamMsgs(t, js) >= 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "CAMPUSHUB", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"campushub.account.v1"}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if m.Headers().Get("ce-type") != "campushub.account.registered" || m.Headers().Get("ce-partitionkey") != strconv.FormatInt(accountID, 10) {
		t.Fatalf("first account event: %v", m.Headers())
	}
	waitReady(t, s, s.URL, 30*time.Second, "the broker ok", func(r readiness) bool { return r.Checks.Broker.Status == "ok" })
}
