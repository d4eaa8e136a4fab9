package nats_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/campushub/campushub/adapters/events/nats"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// startServer runs an embedded server of the test's own; port 0 opens no
// port.
func startServer(t *testing.T, port int) *nats.Server {
	t.Helper()
	s, err := nats.StartServer(nats.ServerConfig{Port: port, StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

func unique(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func events(topic string, from, to int) []ports.OutboxMessage {
	at := time.Date(2026, 3, 1, 8, 0, 0, 250_000_000, time.UTC)
	var msgs []ports.OutboxMessage
	for i := from; i <= to; i++ {
		msgs = append(msgs, ports.OutboxMessage{
			ID: int64(i), Topic: topic, Type: "campushub.test.changed", Key: fmt.Sprintf("agg-%d", i%7),
			Payload: []byte(fmt.Sprintf(`{"seq":%d}`, i)), OccurredAt: at.Add(time.Duration(i) * time.Millisecond),
		})
	}
	return msgs
}

// stored reads every message of stream, in stream order.
func stored(t *testing.T, js jetstream.JetStream, stream string) []jetstream.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := int(info.State.Msgs)
	if n == 0 {
		return nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []jetstream.Msg
	for len(out) < n {
		b, err := c.Fetch(n-len(out), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range b.Messages() {
			out = append(out, m)
		}
		if b.Error() != nil && ctx.Err() != nil {
			t.Fatalf("read %d of %d messages: %v", len(out), n, b.Error())
		}
	}
	return out
}

func newPublisher(t *testing.T, conn nats.Conn, stream nats.Stream) *nats.Publisher {
	t.Helper()
	pub, err := nats.NewPublisher(nats.Config{Conn: conn, Stream: stream, Source: "/campushub/test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pub.Close() })
	return pub
}

// inProcessPublisher starts an embedded server of the test's own with no
// port and returns its in-process connection, a stream of the test's own
// that the returned publisher creates, and the publisher.
func inProcessPublisher(t *testing.T) (nats.Conn, nats.Stream, *nats.Publisher) {
	t.Helper()
	conn := nats.Conn{InProcess: startServer(t, 0).InProcess()}
	stream := nats.Stream{Name: unique("T"), Create: true}
	return conn, stream, newPublisher(t, conn, stream)
}

func jsClient(t *testing.T, conn nats.Conn) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Dial(conn, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestPublishCloudEventsInProcess(t *testing.T) {
	s := startServer(t, 0)
	if s.ClientURL() != "" {
		t.Fatalf("port 0 opened %s", s.ClientURL())
	}
	conn := nats.Conn{InProcess: s.InProcess()}
	stream := nats.Stream{Name: unique("T"), Create: true}
	pub := newPublisher(t, conn, stream)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs := events("campushub.account.v1", 1, 50)
	if err := pub.Publish(ctx, msgs[:20]); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(ctx, msgs[20:]); err != nil {
		t.Fatal(err)
	}
	if err := pub.Ready(ctx); err != nil {
		t.Fatalf("Ready = %v", err)
	}
	got := stored(t, jsClient(t, conn), stream.Name)
	if len(got) != len(msgs) {
		t.Fatalf("stream holds %d messages, want %d", len(got), len(msgs))
	}
	for i, m := range got {
		want := msgs[i]
		h := map[string]string{}
		for k, v := range m.Headers() {
			h[k] = strings.Join(v, ",")
		}
		wantHeaders := map[string]string{
			"ce-specversion":  "1.0",
			"ce-id":           strconv.FormatInt(want.ID, 10),
			"ce-type":         want.Type,
			"ce-source":       "/campushub/test",
			"ce-time":         want.OccurredAt.Format(time.RFC3339Nano),
			"ce-partitionkey": want.Key,
			"content-type":    "application/json",
			"Nats-Msg-Id":     dedupID(want),
		}
		if i != 0 && i != 20 { // all but the first of each Publish call
			wantHeaders["Nats-Expected-Last-Msg-Id"] = dedupID(msgs[i-1])
		}
		if fmt.Sprint(h) != fmt.Sprint(wantHeaders) {
			t.Fatalf("message %d headers = %v, want %v", i, h, wantHeaders)
		}
		if m.Subject() != want.Topic || string(m.Data()) != string(want.Payload) {
			t.Fatalf("message %d = %s %s, want %s %s", i, m.Subject(), m.Data(), want.Topic, want.Payload)
		}
	}
}

func TestPublishAgainStoresNothingTwice(t *testing.T) {
	conn, stream, pub := inProcessPublisher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs := events("campushub.push.v1", 1, 300)
	// The first 100 reach the stream, then the batch is sent again whole
	// (a crash before the rows were marked), then again with more behind it.
	for _, batch := range [][]ports.OutboxMessage{msgs[:100], msgs[:200], msgs[50:], msgs} {
		if err := pub.Publish(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got := stored(t, jsClient(t, conn), stream.Name)
	if len(got) != len(msgs) {
		t.Fatalf("stream holds %d messages, want %d", len(got), len(msgs))
	}
	for i, m := range got {
		if id := m.Headers().Get("ce-id"); id != strconv.Itoa(i+1) {
			t.Fatalf("message %d has ce-id %s, want %d", i, id, i+1)
		}
	}
}

// TestPublishAfterAnotherWriter: the stream's last message is not the
// predecessor the chain expects (another process appended to the stream, or
// the predecessor was a duplicate of an older message); Publish still stores
// every event once and in order.
func TestPublishAfterAnotherWriter(t *testing.T) {
	conn, stream, pub := inProcessPublisher(t)
	js := jsClient(t, conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs := events("campushub.content.v1", 1, 30)
	if err := pub.Publish(ctx, msgs[:10]); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "campushub.content.v1", []byte(`{"other":true}`), jetstream.WithMsgID("other-1")); err != nil {
		t.Fatal(err)
	}
	// 1..10 are duplicates now, 11.. are new: 11 expects 10, but the
	// stream's last message is other-1.
	if err := pub.Publish(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	got := stored(t, js, stream.Name)
	var ids []string
	for _, m := range got {
		ids = append(ids, m.Headers().Get(natsgo.MsgIdHdr))
	}
	want := []string{}
	for _, m := range msgs[:10] {
		want = append(want, dedupID(m))
	}
	want = append(want, "other-1")
	for _, m := range msgs[10:] {
		want = append(want, dedupID(m))
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("stream holds %v, want %v", ids, want)
	}
}

func TestPublishWhileServerIsAway(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	conn := nats.Conn{URLs: []string{fmt.Sprintf("nats://127.0.0.1:%d", port)}}
	stream := nats.Stream{Name: unique("T"), Create: true}
	// No server yet: the publisher is made anyway, and publishing fails.
	pub := newPublisher(t, conn, stream)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	msgs := events("campushub.account.v1", 1, 10)
	if err := pub.Publish(ctx, msgs); err == nil {
		t.Fatal("Publish without a server succeeded")
	}
	if err := pub.Ready(ctx); err == nil {
		t.Fatal("Ready without a server")
	}
	dir := t.TempDir()
	s, err := nats.StartServer(nats.ServerConfig{Port: port, StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	// Once the server answers, the stream is created without waiting for
	// an event, and the events are stored.
	testenv.Eventually(t, 45*time.Second, func() error { return pub.Ready(ctx) })
	if err := pub.Publish(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, jsClient(t, conn), stream.Name); len(got) != len(msgs) {
		t.Fatalf("stream holds %d messages, want %d", len(got), len(msgs))
	}
}

func TestEmbeddedServerPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = nats.StartServer(nats.ServerConfig{Port: port, StoreDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("StartServer on a taken port: %v", err)
	}
}

func TestStreamWithoutCreateMustExist(t *testing.T) {
	s := startServer(t, 0)
	conn := nats.Conn{InProcess: s.InProcess()}
	stream := nats.Stream{Name: unique("T")}
	pub := newPublisher(t, conn, stream)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := pub.Publish(ctx, events("campushub.account.v1", 1, 1))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("Publish to a missing stream: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name string
		conn nats.Conn
		want string
	}{
		{"no url", nats.Conn{}, "no NATS server URL"},
		{"two ways to log in", nats.Conn{URLs: []string{"nats://x"}, Token: "t", User: "u"}, "only one of"},
		{"password without user", nats.Conn{URLs: []string{"nats://x"}, Password: "p"}, "needs a user"},
		{"cert without key", nats.Conn{URLs: []string{"nats://x"}, TLSCert: "c.pem"}, "both"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.conn.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
	if err := (nats.Stream{Name: "a.b"}).Validate(); err == nil {
		t.Fatal("a stream name with a dot passed")
	}
	if err := (nats.Stream{Retention: "workqueue"}).Validate(); err == nil {
		t.Fatal("workqueue retention passed")
	}
}

func TestRedactURLs(t *testing.T) {
	got := nats.RedactURLs([]string{"nats://u:secret@n1:4222", "nats://s3cr3ttoken@n2:4222", "tls://n3:4222"})
	if strings.Contains(got, "secret") || strings.Contains(got, "s3cr3t") || !strings.Contains(got, "n1:4222") || !strings.Contains(got, "tls://n3:4222") {
		t.Fatalf("RedactURLs = %q", got)
	}
}

// dedupID is the Nats-Msg-Id an outbox message should carry: its id and
// its time in microseconds.
func dedupID(m ports.OutboxMessage) string {
	return strconv.FormatInt(m.ID, 10) + "@" + strconv.FormatInt(m.OccurredAt.UnixMicro(), 10)
}

// TestPublishEventsOfAnotherDatabase: a second database numbers its events
// from 1 too (another deployment on the same servers, or the same one set
// up again). Its events share ids with events already in the stream but
// happened at other times, so none of them may be dropped as a duplicate;
// the first database's batch sent again still is.
func TestPublishEventsOfAnotherDatabase(t *testing.T) {
	conn, stream, pub := inProcessPublisher(t)
	js := jsClient(t, conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first := events("campushub.content.v1", 1, 10)
	second := events("campushub.content.v1", 1, 10)
	for i := range second {
		second[i].OccurredAt = second[i].OccurredAt.Add(time.Hour)
	}
	for _, batch := range [][]ports.OutboxMessage{first, second, first} {
		if err := pub.Publish(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if got := stored(t, js, stream.Name); len(got) != len(first)+len(second) {
		t.Fatalf("stream holds %d messages, want %d: each database's events once", len(got), len(first)+len(second))
	}
}
