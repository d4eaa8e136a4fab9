package ratelimit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/ratelimit"
)

// The benchmarks below compare a bare handler with the same handler behind
// the abuse-limit middleware, in one run: `go test -run '^$' -bench .
// ./adapters/ratelimit/` and read each ns/op against BenchmarkBareHandler.

var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })

func serve(b *testing.B, h http.Handler, remotes []string) {
	b.Helper()
	reqs := make([]*http.Request, len(remotes))
	for i, a := range remotes {
		reqs[i] = httptest.NewRequest(http.MethodPost, "/api/auth/access_token", nil)
		reqs[i].RemoteAddr = a
	}
	w := httptest.NewRecorder()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, reqs[i%len(reqs)])
	}
}

func remotes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255) + ":5000"
	}
	return out
}

func BenchmarkBareHandler(b *testing.B) { serve(b, ok, remotes(1)) }

// BenchmarkClientAddresses is what every public request pays by default.
func BenchmarkClientAddresses(b *testing.B) {
	serve(b, httpkit.ClientAddresses(nil)(ok), remotes(1))
}

// BenchmarkPerTokenOff is the per-token limit as shipped (off).
func BenchmarkPerTokenOff(b *testing.B) {
	l := ratelimit.New(ratelimit.Options{})
	serve(b, httpkit.ClientAddresses(nil)(l.PerToken(ratelimit.Limit{Name: "per_token"}, httpkit.Families{family{}})(ok)), remotes(1))
}

// BenchmarkPerClientMemory is a limited auth route on SQLite: 10,000
// clients, each well under a generous limit.
func BenchmarkPerClientMemory(b *testing.B) {
	l := ratelimit.New(ratelimit.Options{})
	lim := ratelimit.Limit{Name: "login", Rate: ratelimit.Rate{Burst: 1 << 30, Per: time.Hour}}
	serve(b, httpkit.ClientAddresses(nil)(l.PerClient(lim, httpkit.Families{family{}})(ok)), remotes(10000))
}

// BenchmarkMemoryTakeParallel is the in-memory store under contention.
func BenchmarkMemoryTakeParallel(b *testing.B) {
	m := ratelimit.NewMemory()
	r := ratelimit.Rate{Burst: 1 << 30, Per: time.Hour}
	keys := remotes(10000)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		now := time.Now()
		for pb.Next() {
			_, _, _ = m.Take(context.Background(), keys[i%len(keys)], r, now)
			i++
		}
	})
}
