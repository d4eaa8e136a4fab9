package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// logBuffer collects JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the raw lines whose msg contains msg.
func (b *logBuffer) lines(msg string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range strings.Split(b.buf.String(), "\n") {
		var rec struct{ Msg string }
		if json.Unmarshal([]byte(l), &rec) == nil && strings.Contains(rec.Msg, msg) {
			out = append(out, l)
		}
	}
	return out
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) }

// verbose fails every call with an error of 100 KB, as kafka-go's own
// error for a large batch can be.
type verbose struct{}

func (verbose) Publish(_ context.Context, msgs []ports.OutboxMessage) error {
	return errors.New("write failed:" + strings.Repeat(" [6] Not Leader For Partition: the client's metadata are likely out of date", 1400))
}

func (verbose) Close() error { return nil }

func TestRelayLogsEachFailedAttemptInOneBoundedLine(t *testing.T) {
	db := openDB(t)
	appendEvents(t, db, 30, "a", "b")
	logs := &logBuffer{}
	startRelay(t, db, verbose{}, events.Config{
		Logger: logs.logger(), BatchSize: 10, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	})
	testenv.WaitFor(t, 20*time.Second, "three failed attempts logged", func() bool { return len(logs.lines("publish failed")) >= 3 })
	for i, l := range logs.lines("publish failed")[:3] {
		if len(l) > 600 {
			t.Fatalf("line %d is %d bytes, want at most 600: %.700s", i+1, len(l), l)
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"attempt", "err", "retry_in", "retry_at"} {
			if _, ok := rec[key]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, key, l)
			}
		}
		if a, _ := rec["attempt"].(float64); int(a) != i+1 {
			t.Errorf("line %d says attempt %v", i+1, rec["attempt"])
		}
		if e, _ := rec["err"].(string); !strings.HasPrefix(e, "10 rows: write failed: [6] Not Leader For Partition") {
			t.Errorf("line %d: err %q does not start with the row count and the first error", i+1, e)
		}
	}
}

func TestRelayWaitsForAnotherRelaysLeaseAndClaimAndSaysSo(t *testing.T) {
	db := openDB(t)
	n := appendEvents(t, db, 20, "a", "b")
	ctx := context.Background()
	store := storage.NewRelayStore(db, nil)
	// A relay that died holding the lease for a short while and the claim
	// on the head of the outbox for longer.
	if ok, err := store.AcquireLease(ctx, events.LeaseName, "dead-relay", 300*time.Millisecond); err != nil || !ok {
		t.Fatalf("AcquireLease = %v, %v", ok, err)
	}
	if msgs, err := store.ClaimOutbox(ctx, "dead-relay", 5, 3*time.Second, nil); err != nil || len(msgs) != 5 {
		t.Fatalf("ClaimOutbox = %d rows, %v", len(msgs), err)
	}
	logs := &logBuffer{}
	pub := &recorder{}
	startRelay(t, db, pub, events.Config{Logger: logs.logger(), LeaseTTL: time.Second})

	testenv.WaitFor(t, 20*time.Second, "the wait for the lease to be logged", func() bool {
		return len(logs.lines("another relay holds the lease; waiting")) > 0
	})
	testenv.WaitFor(t, 20*time.Second, "the wait for the claim to be logged", func() bool {
		return len(logs.lines("another relay's claim covers the oldest rows; waiting")) > 0
	})
	for _, l := range append(logs.lines("holds the lease"), logs.lines("claim covers")...) {
		var rec struct{ Holder, Until string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.Holder != "dead-relay" {
			t.Fatalf("line %s: want holder dead-relay (%v)", l, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, rec.Until); err != nil {
			t.Fatalf("line %s: until: %v", l, err)
		}
	}
	testenv.WaitFor(t, 30*time.Second, "every row once the dead relay's claim expired", delivered(pub, n))
	if got := len(logs.lines("another relay's claim covers")); got != 1 {
		t.Errorf("the wait for one claim was logged %d times, want once", got)
	}
}

// freezable is a relay store that can be made to hang, as the database
// sees a relay that was killed: it stops renewing and never releases.
type freezable struct {
	*storage.RelayStore
	mu     sync.Mutex
	frozen chan struct{}
}

func (s *freezable) freeze() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frozen == nil {
		s.frozen = make(chan struct{})
	}
}

// thaw lets the held calls return an error at once, so that the frozen
// relay stops quickly when the test ends.
func (s *freezable) thaw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frozen != nil {
		close(s.frozen)
	}
}

func (s *freezable) hang(ctx context.Context) error {
	s.mu.Lock()
	f := s.frozen
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-f:
		return errors.New("relay killed")
	}
}

func (s *freezable) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := s.hang(ctx); err != nil {
		return false, err
	}
	return s.RelayStore.AcquireLease(ctx, name, owner, ttl)
}

func (s *freezable) RenewOutboxClaim(ctx context.Context, owner string, lease time.Duration) (bool, error) {
	if err := s.hang(ctx); err != nil {
		return false, err
	}
	return s.RelayStore.RenewOutboxClaim(ctx, owner, lease)
}

func (s *freezable) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, skip []int64) ([]ports.OutboxMessage, error) {
	if err := s.hang(ctx); err != nil {
		return nil, err
	}
	return s.RelayStore.ClaimOutbox(ctx, owner, limit, lease, skip)
}

func (s *freezable) MarkPublished(ctx context.Context, ids []int64) error {
	if err := s.hang(ctx); err != nil {
		return err
	}
	return s.RelayStore.MarkPublished(ctx, ids)
}

func (s *freezable) ReleaseOutbox(ctx context.Context, owner string) error {
	if err := s.hang(ctx); err != nil {
		return err
	}
	return s.RelayStore.ReleaseOutbox(ctx, owner)
}

func (s *freezable) ReleaseLease(ctx context.Context, name, owner string) error {
	if err := s.hang(ctx); err != nil {
		return err
	}
	return s.RelayStore.ReleaseLease(ctx, name, owner)
}

func TestRelayTakesOverFromAFrozenHolder(t *testing.T) {
	db := openDB(t)
	holderStore := &freezable{RelayStore: storage.NewRelayStore(db, nil)}
	holderPub := &recorder{delay: 200 * time.Millisecond}
	cfg := events.Config{LeaseTTL: time.Second, BatchSize: 5, PublishTimeout: 30 * time.Second}
	cfg.Owner = "holder"
	startRelayOn(t, holderStore, holderPub, cfg)
	t.Cleanup(holderStore.thaw)
	n := appendEvents(t, db, 10, "a", "b")
	testenv.WaitFor(t, 20*time.Second, "the holder to publish", delivered(holderPub, n))

	// The holder stops answering while it still holds the lease (and,
	// with rows coming in, the claim): a standby must take over once they
	// expire, although the holder never released them.
	holderStore.freeze()
	n += appendEvents(t, db, 10, "a", "b")
	standbyPub := &recorder{}
	cfg.Owner = "standby"
	startRelay(t, db, standbyPub, cfg)
	testenv.WaitFor(t, 30*time.Second, "the standby to publish", func() bool {
		got, _ := standbyPub.snapshot()
		return len(got) > 0
	})
	lag := func() int64 {
		l, _, err := storage.NewRelayStore(db, nil).OutboxLag(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	testenv.WaitFor(t, 30*time.Second, "the outbox to drain", func() bool { return lag() == 0 })
}

func TestRelayRetryCutsTheBackoffShort(t *testing.T) {
	db := openDB(t)
	n := appendEvents(t, db, 5, "a")
	pub := &recorder{down: true}
	r, _ := startRelay(t, db, pub, events.Config{MinBackoff: 5 * time.Minute, MaxBackoff: 10 * time.Minute})
	testenv.WaitFor(t, 20*time.Second, "the first failed attempt", func() bool { return len(pub.failures()) >= 1 })
	// The relay now waits minutes before it tries again; the broker comes
	// back and the relay is told so.
	pub.setDown(false)
	r.Retry()
	testenv.WaitFor(t, 20*time.Second, "every row soon after Retry", delivered(pub, n))
}

func TestRelayReleasesLeaseAndClaimOnGracefulStop(t *testing.T) {
	db := openDB(t)
	// Leases far longer than the test's deadlines: the standby can only
	// take over in time if the holder released both when it stopped.
	cfg := events.Config{LeaseTTL: 2 * time.Minute, Owner: "holder"}
	holderPub := &recorder{}
	_, stopHolder := startRelay(t, db, holderPub, cfg)
	n := appendEvents(t, db, 10, "a")
	testenv.WaitFor(t, 20*time.Second, "the holder to publish", delivered(holderPub, n))

	cfg.Owner = "standby"
	logs := &logBuffer{}
	cfg.Logger = logs.logger()
	standbyPub := &recorder{}
	startRelay(t, db, standbyPub, cfg)
	testenv.WaitFor(t, 20*time.Second, "the standby to wait for the holder", func() bool {
		return len(logs.lines("another relay holds the lease; waiting")) > 0
	})
	stopHolder()
	owner, until, err := storage.NewRelayStore(db, nil).LeaseHolder(context.Background(), events.LeaseName)
	if err != nil || (owner == "holder" && until.After(time.Now())) {
		t.Fatalf("after a graceful stop the lease is %s's until %v (%v); want it released", owner, until, err)
	}
	// The standby looks every second: it takes over and publishes soon,
	// rather than after the two-minute leases.
	appendEvents(t, db, 10, "a")
	testenv.WaitFor(t, 60*time.Second, "the standby to publish", func() bool {
		got, _ := standbyPub.snapshot()
		return len(got) >= 10
	})
}
