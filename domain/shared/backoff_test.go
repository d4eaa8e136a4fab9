package shared_test

import (
	"testing"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

func TestBackoffDelay(t *testing.T) {
	equal := shared.Backoff{Base: time.Second, Cap: 10 * time.Second, Jitter: 0.5}
	cases := []struct {
		name     string
		b        shared.Backoff
		n        int
		r        float64
		min, max time.Duration
	}{
		{"first retry, no jitter drawn", equal, 1, 0, 500 * time.Millisecond, 500 * time.Millisecond},
		{"first retry, most jitter drawn", equal, 1, 0.999, 999 * time.Millisecond, time.Second},
		{"third retry doubles twice", equal, 3, 0, 2 * time.Second, 2 * time.Second},
		{"capped", equal, 10, 0.999, 9 * time.Second, 10 * time.Second},
		{"far past the cap", equal, 10_000, 0.5, 7500 * time.Millisecond, 7500 * time.Millisecond},
		{"no jitter ignores the draw", shared.Backoff{Base: time.Second}, 2, 0.9, 2 * time.Second, 2 * time.Second},
		{"multiplier 4", shared.Backoff{Base: 10 * time.Second, Multiplier: 4}, 2, 0, 40 * time.Second, 40 * time.Second},
		{"multiplier 1 is constant", shared.Backoff{Base: time.Second, Multiplier: 1}, 7, 0, time.Second, time.Second},
		{"full jitter", shared.Backoff{Base: time.Second, Jitter: 1}, 1, 0.25, 250 * time.Millisecond, 250 * time.Millisecond},
		{"retry 0 counts as the first", equal, 0, 0, 500 * time.Millisecond, 500 * time.Millisecond},
		{"uncapped does not overflow", shared.Backoff{Base: time.Hour}, 1000, 0, time.Duration(1 << 62), time.Duration(1 << 62)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := tc.b.Delay(tc.n, tc.r); d < tc.min || d > tc.max {
				t.Fatalf("Delay(%d, %v) = %s, want %s..%s", tc.n, tc.r, d, tc.min, tc.max)
			}
		})
	}
}
