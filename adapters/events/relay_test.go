package events_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

// recorder is a publisher that remembers what it was given and can be told
// to fail.
type recorder struct {
	mu       sync.Mutex
	got      []ports.OutboxMessage
	calls    int
	failed   []time.Time // when each failed call was made
	failNext int         // fail this many calls
	down     bool        // fail every call
	delay    time.Duration

	inflight, maxInflight atomic.Int32
}

func (r *recorder) Publish(ctx context.Context, msgs []ports.OutboxMessage) error {
	n := r.inflight.Add(1)
	defer r.inflight.Add(-1)
	for {
		m := r.maxInflight.Load()
		if n <= m || r.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	start := time.Now()
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.down || r.failNext > 0 {
		r.failNext--
		r.failed = append(r.failed, start)
		return errors.New("broker unavailable")
	}
	r.got = append(r.got, msgs...)
	return nil
}

func (r *recorder) Close() error { return nil }

func (r *recorder) setDown(down bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = down
}

func (r *recorder) snapshot() (got []ports.OutboxMessage, calls int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ports.OutboxMessage(nil), r.got...), r.calls
}

// failures returns when each failed call was made.
func (r *recorder) failures() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.failed...)
}

// openDB returns a migrated SQLite database of the test's own.
func openDB(t testing.TB) *storage.DB {
	t.Helper()
	return testenv.OpenDB(t, testenv.SQLiteURL(t))
}

// appendEvents commits n events spread over keys, one transaction each, and
// returns how many were written.
func appendEvents(t testing.TB, db *storage.DB, n int, keys ...string) int {
	t.Helper()
	out := storage.NewOutbox(db)
	for i := 0; i < n; i++ {
		ev := shared.NewEvent("account", "updated", keys[i%len(keys)], time.Now(), map[string]any{"i": i})
		if err := db.Do(context.Background(), func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startRelay runs a relay until the test ends or stop is called.
func startRelay(t testing.TB, db *storage.DB, pub ports.Publisher, cfg events.Config) (r *events.Relay, stop func()) {
	t.Helper()
	return startRelayOn(t, storage.NewRelayStore(db, nil), pub, cfg)
}

// startRelayOn is startRelay on a store of the test's choosing.
func startRelayOn(t testing.TB, store events.Store, pub ports.Publisher, cfg events.Config) (r *events.Relay, stop func()) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 5 * time.Millisecond
	}
	r, err := events.NewRelay(store, pub, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return r, stop
}

// checkDelivery fails unless every id in 1..n was published at least once
// and, per key, the first deliveries are in id order.
func checkDelivery(t testing.TB, got []ports.OutboxMessage, n int) {
	t.Helper()
	seen := map[int64]bool{}
	last := map[string]int64{}
	for _, m := range got {
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		if m.ID < last[m.Key] {
			t.Fatalf("key %s: row %d published after row %d", m.Key, m.ID, last[m.Key])
		}
		last[m.Key] = m.ID
	}
	for id := int64(1); id <= int64(n); id++ {
		if !seen[id] {
			t.Fatalf("row %d was never published (%d of %d arrived)", id, len(seen), n)
		}
	}
}

func delivered(pub *recorder, n int) func() bool {
	return func() bool {
		got, _ := pub.snapshot()
		seen := map[int64]bool{}
		for _, m := range got {
			seen[m.ID] = true
		}
		return len(seen) >= n
	}
}

func TestRelayPublishesEveryRowInKeyOrder(t *testing.T) {
	cases := []struct {
		name  string
		batch int
	}{
		{name: "one row per batch", batch: 1},
		{name: "small batches", batch: 7},
		{name: "default batches", batch: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
				n := appendEvents(t, db, 150, "a", "b", "c", "d", "e")
				pub := &recorder{}
				reg := prometheus.NewRegistry()
				_, stop := startRelay(t, db, pub, events.Config{BatchSize: tc.batch, Registerer: reg})
				// Rows committed while the relay runs arrive too.
				n += appendEvents(t, db, 50, "a", "f")
				testenv.WaitFor(t, 10*time.Second, "every row", delivered(pub, n))
				stop()
				got, _ := pub.snapshot()
				checkDelivery(t, got, n)
				if v := metricValue(t, reg, "campushub_outbox_published_total"); v != float64(n) {
					t.Errorf("published_total = %v, want %d", v, n)
				}
				lag, _, err := storage.NewRelayStore(db, nil).OutboxLag(context.Background())
				if err != nil || lag != 0 {
					t.Errorf("lag after drain = %d, %v; want 0", lag, err)
				}
			})
		})
	}
}

// metricValue reads a registered counter or gauge.
func metricValue(t testing.TB, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			m := f.GetMetric()[0]
			return m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

func TestRelayBacksOffWhileTheBrokerIsDown(t *testing.T) {
	db := openDB(t)
	n := appendEvents(t, db, 40, "a", "b", "c")
	pub := &recorder{down: true}
	reg := prometheus.NewRegistry()
	_, stop := startRelay(t, db, pub, events.Config{
		BatchSize: 10, Registerer: reg,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond,
	})
	// Backoff doubles from 10ms to 80ms, and jitter keeps at least half of
	// each wait: the gap before failed attempt i+1 is at least half of
	// min(10ms·2^(i-1), 80ms). A busy loop, or a backoff that does not
	// grow, makes the later gaps shorter than that. (Only lower bounds: a
	// busy machine only lengthens the gaps.)
	const attempts = 8
	testenv.WaitFor(t, 30*time.Second, fmt.Sprintf("%d failed attempts", attempts), func() bool { return len(pub.failures()) >= attempts })
	failed := pub.failures()
	for i := 1; i < attempts; i++ {
		wait := min(10*time.Millisecond<<(i-1), 80*time.Millisecond)
		if gap := failed[i].Sub(failed[i-1]); gap < wait/2 {
			t.Errorf("attempt %d came %v after attempt %d; the backoff should wait at least %v", i+1, gap, i, wait/2)
		}
	}
	lag, _, err := storage.NewRelayStore(db, nil).OutboxLag(context.Background())
	if err != nil || lag != int64(n) {
		t.Fatalf("lag while down = %d, %v; want %d (nothing lost, nothing marked)", lag, err, n)
	}

	pub.setDown(false)
	testenv.WaitFor(t, 10*time.Second, "rows after the broker came back", delivered(pub, n))
	stop()
	got, _ := pub.snapshot()
	checkDelivery(t, got, n)
	if v, calls := metricValue(t, reg, "campushub_outbox_publish_failures_total"), len(pub.failures()); v != float64(calls) {
		t.Errorf("publish_failures_total = %v, want %d", v, calls)
	}
}

func TestRelayOneActiveReplica(t *testing.T) {
	testenv.EachBackend(t, testOneActiveReplica)
}

func testOneActiveReplica(t *testing.T, db *storage.DB) {
	pub := &recorder{delay: time.Millisecond}
	var stops []func()
	for i := 0; i < 3; i++ {
		_, stop := startRelay(t, db, pub, events.Config{
			Owner: fmt.Sprintf("replica-%d", i), BatchSize: 8, LeaseTTL: 2 * time.Second,
		})
		stops = append(stops, stop)
	}
	n := appendEvents(t, db, 120, "a", "b", "c", "d")
	testenv.WaitFor(t, 10*time.Second, "first burst", delivered(pub, n))

	// The replicas stop one after another; a standby takes over each time.
	for _, stop := range stops[:2] {
		stop()
		n += appendEvents(t, db, 30, "a", "b", "c", "d")
		testenv.WaitFor(t, 10*time.Second, "burst after a replica stopped", delivered(pub, n))
	}
	got, _ := pub.snapshot()
	checkDelivery(t, got, n)
	if m := pub.maxInflight.Load(); m != 1 {
		t.Fatalf("%d replicas published at the same time, want 1", m)
	}
}

// countingStore counts the store calls the relay's upkeep makes.
type countingStore struct {
	*storage.RelayStore
	lags, prunes atomic.Int32
}

func (s *countingStore) OutboxLag(ctx context.Context) (int64, time.Time, error) {
	s.lags.Add(1)
	return s.RelayStore.OutboxLag(ctx)
}

func (s *countingStore) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	s.prunes.Add(1)
	return s.RelayStore.PruneOutbox(ctx, before)
}

func TestRelayPruning(t *testing.T) {
	cases := []struct {
		name      string
		retention time.Duration
		wantLeft  int
	}{
		{name: "published rows past retention are deleted", retention: time.Millisecond, wantLeft: 0},
		{name: "no retention keeps every row", retention: 0, wantLeft: 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t)
			n := appendEvents(t, db, 20, "a")
			pub := &recorder{}
			store := &countingStore{RelayStore: storage.NewRelayStore(db, nil)}
			_, stop := startRelayOn(t, store, pub, events.Config{Retention: tc.retention, PruneInterval: 10 * time.Millisecond})
			testenv.WaitFor(t, 10*time.Second, "rows published", delivered(pub, n))
			left := func() int {
				rows, err := storage.NewOutbox(db).Recent(context.Background(), 100)
				if err != nil {
					t.Fatal(err)
				}
				return len(rows)
			}
			if tc.wantLeft == 0 {
				testenv.WaitFor(t, 10*time.Second, "rows pruned", func() bool { return left() == 0 })
			} else {
				// The upkeep reads the lag, then prunes if due, once a
				// tick: two more lag reads after the rows were published
				// mean a whole round ran in which pruning was due if it
				// ever is.
				lags := store.lags.Load()
				testenv.WaitFor(t, 20*time.Second, "two upkeep rounds", func() bool { return store.lags.Load() >= lags+2 })
			}
			stop()
			if got := left(); got != tc.wantLeft {
				t.Fatalf("%d rows left, want %d", got, tc.wantLeft)
			}
			if tc.retention == 0 && store.prunes.Load() != 0 {
				t.Fatalf("pruned %d times without a retention", store.prunes.Load())
			}
		})
	}
}

// countingPublisher counts the calls to the publisher it wraps.
type countingPublisher struct {
	ports.Publisher
	calls atomic.Int32
}

func (p *countingPublisher) Publish(ctx context.Context, msgs []ports.OutboxMessage) error {
	p.calls.Add(1)
	return p.Publisher.Publish(ctx, msgs)
}

// refusingPublisher refuses every batch, as a broker that is not there.
type refusingPublisher struct{}

func (refusingPublisher) Publish(context.Context, []ports.OutboxMessage) error {
	return errors.New("no broker")
}

func (refusingPublisher) Close() error { return nil }

func TestRefusedPublishesKeepRowsUnpublished(t *testing.T) {
	db := openDB(t)
	n := appendEvents(t, db, 5, "a")
	pub := &countingPublisher{Publisher: refusingPublisher{}}
	_, stop := startRelay(t, db, pub, events.Config{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	// Each call was handed the rows and refused them; three of them show
	// that the refusals did not mark anything published.
	testenv.WaitFor(t, 10*time.Second, "three publish attempts", func() bool { return pub.calls.Load() >= 3 })
	stop()
	lag, _, err := storage.NewRelayStore(db, nil).OutboxLag(context.Background())
	if err != nil || lag != int64(n) {
		t.Fatalf("lag = %d, %v; want %d", lag, err, n)
	}
}

// uniqueModule returns a module name no other test uses, so its topic
// (campushub.<module>.v1) is the test's own.
func uniqueModule() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "test" + hex.EncodeToString(b)
}
