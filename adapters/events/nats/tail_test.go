package nats_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/events/nats"
)

// tailLines runs Tail until it printed n lines and returns them.
func tailLines(t *testing.T, conn nats.Conn, o nats.TailOptions, n int) []nats.TailEvent {
	t.Helper()
	js := jsClient(t, conn)
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
	if len(out) < n {
		t.Fatalf("Tail printed %d lines, want %d", len(out), n)
	}
	return out
}

func TestTail(t *testing.T) {
	s := startServer(t, 0)
	conn := nats.Conn{InProcess: s.InProcess()}
	stream := nats.Stream{Name: unique("T"), Create: true}
	pub := newPublisher(t, conn, stream)
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
