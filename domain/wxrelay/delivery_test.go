package wxrelay

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{Base: time.Second, Cap: 10 * time.Second}
	cases := []struct {
		name     string
		n        int
		jitter   float64
		min, max time.Duration
	}{
		{"first retry, no jitter", 1, 0, 500 * time.Millisecond, 500 * time.Millisecond},
		{"first retry, full jitter", 1, 0.999, 999 * time.Millisecond, time.Second},
		{"third retry doubles twice", 3, 0, 2 * time.Second, 2 * time.Second},
		{"capped", 10, 0.999, 9 * time.Second, 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := p.Backoff(tc.n, tc.jitter); d < tc.min || d > tc.max {
				t.Fatalf("Backoff(%d, %v) = %s, want %s..%s", tc.n, tc.jitter, d, tc.min, tc.max)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	policy := RetryPolicy{MaxAttempts: 3, MaxAge: time.Hour, Base: time.Minute, Cap: time.Hour}
	fresh := Delivery{Status: DeliveryPending, RunStartedAt: start, NextAttemptAt: start}
	ok := Attempt{At: start, StatusCode: 204}
	fail := Attempt{At: start, StatusCode: 500, Error: "HTTP 500"}
	cases := []struct {
		name     string
		d        Delivery
		a        Attempt
		status   DeliveryStatus
		attempts int
		next     time.Time
	}{
		{"success completes", fresh, ok, DeliverySucceeded, 1, start},
		{"failure schedules a retry", fresh, fail, DeliveryPending, 1, start.Add(30 * time.Second)},
		{"last attempt fails for good", Delivery{Status: DeliveryPending, Attempts: 2, RunStartedAt: start}, fail, DeliveryFailed, 3, time.Time{}},
		{"retry past the maximum age fails for good", Delivery{Status: DeliveryPending, RunStartedAt: start.Add(-59*time.Minute - 45*time.Second)}, fail, DeliveryFailed, 1, time.Time{}},
		{"a 3xx is a failure", fresh, Attempt{At: start, StatusCode: 302, Error: "HTTP 302"}, DeliveryPending, 1, start.Add(30 * time.Second)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.d.Record(tc.a, policy, 0)
			if got.Status != tc.status || got.Attempts != tc.attempts {
				t.Fatalf("Record = %s after %d attempts, want %s after %d", got.Status, got.Attempts, tc.status, tc.attempts)
			}
			if tc.status == DeliveryPending && !got.NextAttemptAt.Equal(tc.next) {
				t.Fatalf("next attempt at %s, want %s", got.NextAttemptAt, tc.next)
			}
			if tc.status != DeliveryPending && got.CompletedAt.IsZero() {
				t.Fatal("a finished delivery has no completion time")
			}
		})
	}
}

func TestReplayResetsTheRun(t *testing.T) {
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	d := Delivery{Status: DeliveryFailed, Attempts: 10, LastError: "HTTP 500", CompletedAt: now.Add(-time.Hour)}.Replay(now)
	if d.Status != DeliveryPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(now) || !d.RunStartedAt.Equal(now) || d.LastError != "" || !d.CompletedAt.IsZero() {
		t.Fatalf("Replay = %+v", d)
	}
}
