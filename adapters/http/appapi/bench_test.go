package appapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPersonalInfo measures an authenticated read, GET
// /api/personal/info, through the whole handler stack (request id, metrics,
// recovery, body limit, go-kit transport, token check, use case) on SQLite.
// Checking the token is a hash lookup, so the figure has no bcrypt in it.
func BenchmarkPersonalInfo(b *testing.B) {
	h := newHarness(b)
	tok := h.register("18656660930", "password123").AccessToken
	get := func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/api/personal/info", nil)
		req.Header.Set("Authorization", "Token "+tok)
		rec := httptest.NewRecorder()
		h.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Errorf("HTTP %d: %s", rec.Code, rec.Body.String())
		}
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			get(b)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				get(b)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
