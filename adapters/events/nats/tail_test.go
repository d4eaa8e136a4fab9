package nats_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/events/nats"
	"github.com/nats-io/nats.go/jetstream"
)

// tailLines runs Tail until it printed n lines and returns them.
func tailLines(t *testing.T, conn nats.Conn, o nats.TailOptions, n int) []nats.TailEvent {
	t.Helper()
	// A connection of its own, as each `events tail` run has: closed
	// before returning (after a round trip, so the server has dropped the
	// stopped reader's pull requests), so that an event published next
	// cannot go to this reader's pull request and wait out its ack time.
	nc, err := nats.Dial(conn, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- nats.Tail(ctx, js, o, w); _ = w.Close() }()
	var out []nats.TailEvent
	sc := bufio.NewScanner(r)
	for len(out) < n && sc.Scan() {
		var e nats.TailEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Bytes(), err)
		}
		out = append(out, e)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, r) }()
	if err := <-done; err != nil {
		t.Fatalf("Tail: %v", err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(out) < n {
		t.Fatalf("Tail printed %d lines, want %d", len(out), n)
	}
	return out
}

func TestTail(t *testing.T) {
	conn, stream, pub := inProcessPublisher(t)
	ctx := context.Background()
	if err := pub.Publish(ctx, events("campushub.account.v1", 1, 5)); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(ctx, events("campushub.push.v1", 6, 6)); err != nil {
		t.Fatal(err)
	}

	got := tailLines(t, conn, nats.TailOptions{Stream: stream.Name, Subject: "campushub.account.v1", FromBeginning: true}, 5)
	for i, e := range got {
		if e.Topic != "campushub.account.v1" || e.Stream != stream.Name || e.Sequence != uint64(i+1) ||
			e.Key != e.Headers["ce-partitionkey"] || e.Headers["ce-type"] != "campushub.test.changed" || string(e.Value) != `{"seq":`+e.Headers["ce-id"]+`}` {
			t.Fatalf("line %d: %+v", i, e)
		}
	}

	// A durable consumer goes on where the last tail with its name stopped.
	durable := nats.TailOptions{Stream: stream.Name, Subject: "campushub.>", FromBeginning: true, Durable: "ops"}
	first := tailLines(t, conn, durable, 6)
	if first[5].Headers["ce-id"] != "6" {
		t.Fatalf("durable read %+v", first[5])
	}
	if err := pub.Publish(ctx, events("campushub.push.v1", 7, 7)); err != nil {
		t.Fatal(err)
	}
	next := tailLines(t, conn, durable, 1)
	if next[0].Headers["ce-id"] != "7" {
		t.Fatalf("the durable consumer started over: %+v", next[0])
	}
}

// TestTailUnknownSubject: a subject the service does not publish and the
// stream holds nothing on is refused by name, and no durable consumer is
// made; a known subject with no event yet, a wildcard and a subject with
// stored events are read.
func TestTailUnknownSubject(t *testing.T) {
	conn, stream, pub := inProcessPublisher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pub.Publish(ctx, events("campushub.legacy.v1", 1, 1)); err != nil {
		t.Fatal(err)
	}
	known := []string{"campushub.account.v1", "campushub.push.v1"}
	js := jsClient(t, conn)
	err := nats.Tail(ctx, js, nats.TailOptions{Stream: stream.Name, Subject: "campushub.acount.v1", Durable: "typo", Known: known}, io.Discard)
	if !errors.Is(err, nats.ErrNoSubject) || !strings.Contains(err.Error(), "campushub.acount.v1") || !strings.Contains(err.Error(), "campushub.account.v1") {
		t.Fatalf("Tail(typo) = %v, want ErrNoSubject naming the subject and the known ones", err)
	}
	st, err := js.Stream(ctx, stream.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Consumer(ctx, "typo"); err == nil {
		t.Error("Tail(typo) created the durable consumer")
	}
	// Stored events on a subject the service no longer publishes are read.
	if got := tailLines(t, conn, nats.TailOptions{Stream: stream.Name, Subject: "campushub.legacy.v1", FromBeginning: true, Known: known}, 1); got[0].Topic != "campushub.legacy.v1" {
		t.Fatalf("legacy subject: %+v", got[0])
	}
	// A known subject and a wildcard over known ones are read.
	if err := pub.Publish(ctx, events("campushub.push.v1", 2, 2)); err != nil {
		t.Fatal(err)
	}
	if got := tailLines(t, conn, nats.TailOptions{Stream: stream.Name, Subject: "campushub.push.v1", FromBeginning: true, Known: known}, 1); got[0].Topic != "campushub.push.v1" {
		t.Fatalf("known subject: %+v", got[0])
	}
	if got := tailLines(t, conn, nats.TailOptions{Stream: stream.Name, Subject: "campushub.*.v1", FromBeginning: true, Known: known}, 2); got[1].Topic != "campushub.push.v1" {
		t.Fatalf("wildcard: %+v", got)
	}
}
