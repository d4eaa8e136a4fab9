package contract

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/ratelimit"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

// eachStore runs fn on the database store of every backend and on the
// in-memory store, which must agree.
func eachStore(t *testing.T, fn func(t *testing.T, s ratelimit.Store)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		fn(t, ratelimit.NewMemory())
	})
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		fn(t, ratelimit.Shared(storage.NewRateLimits(db)))
	})
}

var t0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

func TestRateLimitBucket(t *testing.T) {
	eachStore(t, func(t *testing.T, s ratelimit.Store) {
		ctx := context.Background()
		r := ratelimit.Rate{Burst: 3, Per: 3 * time.Minute} // one token back a minute
		take := func(key string, at time.Time) (bool, time.Duration) {
			t.Helper()
			ok, wait, err := s.Take(ctx, key, r, at)
			if err != nil {
				t.Fatalf("Take: %v", err)
			}
			return ok, wait
		}
		for i := range 3 {
			if ok, _ := take("a", t0); !ok {
				t.Fatalf("request %d of a burst of 3 refused", i+1)
			}
		}
		ok, wait := take("a", t0.Add(10*time.Second))
		if ok {
			t.Fatal("a fourth request within the burst's minute was allowed")
		}
		if wait < 49*time.Second || wait > 51*time.Second {
			t.Errorf("retry after %v, want about 50s (a token comes back a minute after the first)", wait)
		}
		if ok, _ := take("b", t0); !ok {
			t.Error("another key shares the bucket")
		}
		if ok, _ := take("a", t0.Add(time.Minute)); !ok {
			t.Error("no token back a minute after the burst")
		}
		if ok, _ := take("a", t0.Add(time.Minute+time.Second)); ok {
			t.Error("two tokens back after one minute")
		}
		// A bucket left alone for its whole period is full again.
		later := t0.Add(time.Hour)
		for i := range 3 {
			if ok, _ := take("a", later); !ok {
				t.Fatalf("request %d after an hour refused", i+1)
			}
		}
	})
}

func TestRateLimitBucketUnderConcurrency(t *testing.T) {
	eachStore(t, func(t *testing.T, s ratelimit.Store) {
		r := ratelimit.Rate{Burst: 5, Per: time.Hour}
		var allowed atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := s.Take(context.Background(), "hot", r, t0)
				if err != nil {
					errs <- err
					return
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("Take: %v", err)
		}
		if got := allowed.Load(); got != 5 {
			t.Errorf("%d of 40 parallel requests allowed, want exactly the burst of 5", got)
		}
	})
}

func TestRateLimitCounter(t *testing.T) {
	eachStore(t, func(t *testing.T, s ratelimit.Store) {
		ctx := context.Background()
		count := func(key string, until, at time.Time) bool {
			t.Helper()
			ok, err := s.Count(ctx, key, 3, until, at)
			if err != nil {
				t.Fatalf("Count: %v", err)
			}
			return ok
		}
		end := t0.Add(time.Minute)
		for i := range 3 {
			if !count("w1", end, t0.Add(time.Duration(i)*time.Second)) {
				t.Fatalf("count %d of 3 refused", i+1)
			}
		}
		if count("w1", end, t0.Add(30*time.Second)) {
			t.Error("a fourth count in the window was allowed")
		}
		if !count("w2", end.Add(time.Minute), end) {
			t.Error("the next window's counter starts full")
		}
		// A window that ended but was not swept starts again.
		if !count("w1", end.Add(time.Minute), end.Add(time.Second)) {
			t.Error("an ended window still refuses")
		}
	})
}

func TestRateLimitCounterUnderConcurrency(t *testing.T) {
	eachStore(t, func(t *testing.T, s ratelimit.Store) {
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.Count(context.Background(), "budget", 7, t0.Add(time.Hour), t0)
				if err != nil {
					t.Errorf("Count %d: %v", i, err)
					return
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if got := allowed.Load(); got != 7 {
			t.Errorf("%d of 30 parallel counts allowed, want exactly the limit of 7", got)
		}
	})
}

func TestRateLimitSweep(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := storage.NewRateLimits(db)
		for i := range 4 {
			if _, _, err := s.TakeToken(ctx, fmt.Sprintf("k%d", i), 2, time.Duration(i+1)*time.Minute, t0); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.Sweep(ctx, t0.Add(150*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("swept %d buckets, want the 2 full again after 150s", n)
		}
		if ok, _, _ := s.TakeToken(ctx, "k3", 1, time.Hour, t0.Add(150*time.Second)); ok {
			t.Error("a bucket that was not full again was swept")
		}
	})
}
