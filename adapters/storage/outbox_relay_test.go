package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
	"github.com/campushub/campushub/test/testenv"
)

// appendEvents writes n events for key into the outbox, one transaction each.
func appendEvents(t *testing.T, db *storage.DB, at time.Time, keys ...string) {
	t.Helper()
	ctx := context.Background()
	out := storage.NewOutbox(db)
	for i, k := range keys {
		ev := shared.NewEvent("account", "updated", k, at, map[string]any{"n": i})
		if err := db.Do(ctx, func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
			t.Fatal(err)
		}
	}
}

func ids(msgs []ports.OutboxMessage) []int64 {
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func TestRelayLease(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clk := portstest.NewClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
		s := storage.NewRelayStore(db, clk.Now)
		const ttl = 10 * time.Second
		steps := []struct {
			name    string
			advance time.Duration
			owner   string
			release bool
			want    bool
		}{
			{name: "first owner takes the free lease", owner: "a", want: true},
			{name: "second owner waits", owner: "b", want: false},
			{name: "holder renews", advance: 5 * time.Second, owner: "a", want: true},
			{name: "still held after renewal", advance: 6 * time.Second, owner: "b", want: false},
			{name: "expired lease is taken over", advance: 11 * time.Second, owner: "b", want: true},
			{name: "old holder lost it", owner: "a", want: false},
			{name: "holder releases", owner: "b", release: true},
			{name: "released lease is free at once", owner: "a", want: true},
		}
		for _, st := range steps {
			clk.Advance(st.advance)
			if st.release {
				if err := s.ReleaseLease(ctx, "outbox", st.owner); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				continue
			}
			got, err := s.AcquireLease(ctx, "outbox", st.owner, ttl)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got != st.want {
				t.Fatalf("%s: AcquireLease(%s) = %v, want %v", st.name, st.owner, got, st.want)
			}
		}
	})
}

func TestClaimOutbox(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clk := portstest.NewClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
		s := storage.NewRelayStore(db, clk.Now)
		appendEvents(t, db, clk.Now(), "k1", "k2", "k1", "k3", "k2")
		const lease = 30 * time.Second
		steps := []struct {
			name    string
			advance time.Duration
			owner   string
			limit   int
			skip    []int64
			mark    bool // mark the claimed rows published
			release bool // release the claimed rows
			renew   bool // renew the claim instead of claiming
			want    []int64
			heldBy  string // whose claim blocks this one
			renewed bool   // what renew answers
		}{
			{name: "claims the head in id order", owner: "a", limit: 3, want: []int64{1, 2, 3}},
			{name: "another owner cannot jump ahead of leased rows", owner: "b", limit: 10, want: []int64{}, heldBy: "a"},
			{name: "the owner claims its rows again", owner: "a", limit: 2, want: []int64{1, 2}},
			{name: "the owner claims past the rows it is still publishing", owner: "a", limit: 2, skip: []int64{1, 2}, want: []int64{3, 4}},
			{name: "skipping rows never lets another owner jump ahead", owner: "b", limit: 10, skip: []int64{1, 2, 3}, want: []int64{}, heldBy: "a"},
			{name: "the holder renews its claim before it expires", advance: lease - time.Second, owner: "a", renew: true, renewed: true},
			{name: "another owner cannot renew a claim it does not hold", owner: "b", renew: true, renewed: false},
			{name: "a renewed claim outlives its first lease", advance: 2 * time.Second, owner: "b", limit: 10, want: []int64{}, heldBy: "a"},
			{name: "an expired claim cannot be renewed", advance: lease, owner: "a", renew: true, renewed: false},
			{name: "expired row leases are taken over", advance: time.Second, owner: "b", limit: 3, want: []int64{1, 2, 3}, mark: true},
			{name: "published rows are not claimed again", owner: "a", limit: 10, want: []int64{4, 5}, release: true},
			{name: "released rows are free at once", owner: "b", limit: 10, want: []int64{4, 5}, mark: true},
			{name: "nothing left", owner: "a", limit: 10, want: []int64{}},
		}
		for _, st := range steps {
			clk.Advance(st.advance)
			if st.renew {
				ok, err := s.RenewOutboxClaim(ctx, st.owner, lease)
				if err != nil || ok != st.renewed {
					t.Fatalf("%s: RenewOutboxClaim = %v, %v; want %v", st.name, ok, err, st.renewed)
				}
				continue
			}
			msgs, err := s.ClaimOutbox(ctx, st.owner, st.limit, lease, st.skip)
			var held *storage.ClaimHeldError
			switch {
			case st.heldBy != "" && errors.As(err, &held):
				if held.Owner != st.heldBy || !held.Until.After(clk.Now()) {
					t.Fatalf("%s: claim held by %s until %v, want %s's claim, unexpired at %v", st.name, held.Owner, held.Until, st.heldBy, clk.Now())
				}
			case st.heldBy != "":
				t.Fatalf("%s: ClaimOutbox = %v, %v; want a ClaimHeldError naming %s", st.name, ids(msgs), err, st.heldBy)
			case err != nil:
				t.Fatalf("%s: %v", st.name, err)
			}
			err = nil
			if got := ids(msgs); fmt.Sprint(got) != fmt.Sprint(st.want) {
				t.Fatalf("%s: claimed %v, want %v", st.name, got, st.want)
			}
			switch {
			case st.mark:
				err = s.MarkPublished(ctx, ids(msgs))
			case st.release:
				err = s.ReleaseOutbox(ctx, st.owner)
			}
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
	})
}

func TestClaimOutboxMessageFields(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
		out := storage.NewOutbox(db)
		ev := shared.NewEvent("push", "device_bound", "dev-9", at, map[string]any{"client_id": "c1"})
		if err := db.Do(ctx, func(ctx context.Context) error { return out.Append(ctx, ev) }); err != nil {
			t.Fatal(err)
		}
		msgs, err := storage.NewRelayStore(db, nil).ClaimOutbox(ctx, "a", 10, time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 {
			t.Fatalf("claimed %d messages, want 1", len(msgs))
		}
		m := msgs[0]
		want := ports.OutboxMessage{ID: m.ID, Topic: "campushub.push.v1", Type: "campushub.push.device_bound", Key: "dev-9", Payload: []byte(`{"client_id":"c1"}`)}
		if m.Topic != want.Topic || m.Type != want.Type || m.Key != want.Key || string(m.Payload) != string(want.Payload) {
			t.Fatalf("claimed %+v, want %+v", m, want)
		}
		if d := m.OccurredAt.Sub(at); d < -time.Second || d > time.Second || m.OccurredAt.Location() != time.UTC {
			t.Fatalf("OccurredAt = %v, want %v in UTC", m.OccurredAt, at)
		}
	})
}

func TestClaimOutboxConcurrentOwners(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := storage.NewRelayStore(db, nil)
		keys := make([]string, 200)
		for i := range keys {
			keys[i] = fmt.Sprintf("k%d", i%7)
		}
		appendEvents(t, db, time.Now(), keys...)

		var mu sync.Mutex
		published := map[int64]int{}
		var order []int64
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(owner string) {
				defer wg.Done()
				for idle := 0; idle < 50; {
					msgs, err := s.ClaimOutbox(ctx, owner, 16, time.Minute, nil)
					var held *storage.ClaimHeldError
					if errors.As(err, &held) {
						err = nil
					}
					if err != nil {
						t.Error(err)
						return
					}
					if len(msgs) == 0 {
						idle++
						time.Sleep(2 * time.Millisecond)
						continue
					}
					mu.Lock()
					for _, m := range msgs {
						published[m.ID]++
						order = append(order, m.ID)
					}
					mu.Unlock()
					if err := s.MarkPublished(ctx, ids(msgs)); err != nil {
						t.Error(err)
						return
					}
				}
			}(fmt.Sprintf("relay-%d", w))
		}
		wg.Wait()
		if len(published) != len(keys) {
			t.Fatalf("published %d distinct rows, want %d", len(published), len(keys))
		}
		for id, n := range published {
			if n != 1 {
				t.Errorf("row %d published %d times", id, n)
			}
		}
		for i := 1; i < len(order); i++ {
			if order[i] < order[i-1] {
				t.Fatalf("row %d published after row %d", order[i], order[i-1])
			}
		}
	})
}

func TestPruneOutboxAndLag(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clk := portstest.NewClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
		s := storage.NewRelayStore(db, clk.Now)
		first := clk.Now().Add(-time.Minute)
		appendEvents(t, db, first, "a", "b")
		appendEvents(t, db, clk.Now(), "c", "d")

		n, oldest, err := s.OutboxLag(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 || !oldest.Equal(first) {
			t.Fatalf("OutboxLag = %d, %v; want 4, %v", n, oldest, first)
		}

		if err := s.MarkPublished(ctx, []int64{1, 2}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		if err := s.MarkPublished(ctx, []int64{3}); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name   string
			before time.Time
			want   int64
		}{
			{name: "nothing published before the first mark", before: clk.Now().Add(-2 * time.Hour), want: 0},
			{name: "rows published an hour ago", before: clk.Now().Add(-time.Minute), want: 2},
			{name: "the rest of the published rows", before: clk.Now().Add(time.Minute), want: 1},
			{name: "unpublished rows are kept", before: clk.Now().Add(time.Hour), want: 0},
		}
		for _, tc := range cases {
			got, err := s.PruneOutbox(ctx, tc.before)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got != tc.want {
				t.Fatalf("%s: pruned %d, want %d", tc.name, got, tc.want)
			}
		}

		n, oldest, err = s.OutboxLag(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || oldest.IsZero() {
			t.Fatalf("OutboxLag = %d, %v; want 1 and a time", n, oldest)
		}
		if err := s.MarkPublished(ctx, []int64{4}); err != nil {
			t.Fatal(err)
		}
		if n, oldest, err = s.OutboxLag(ctx); err != nil || n != 0 || !oldest.IsZero() {
			t.Fatalf("OutboxLag = %d, %v, %v; want 0, zero time", n, oldest, err)
		}
	})
}
