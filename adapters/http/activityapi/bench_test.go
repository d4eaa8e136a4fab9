package activityapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkActivityInfo measures GET /api/v3/activitys_for_wx/{id} with an
// organisation token on SQLite: token lookup, activity read, envelope.
func BenchmarkActivityInfo(b *testing.B) {
	hs := newHarness(b)
	_, org := hs.org("bench")
	id := hs.activity(org, `{"name":"wall","kind":"message","collect_info":"name"}`)
	path := fmt.Sprintf("/api/v3/activitys_for_wx/%d?access_token=%s&access_type=org", id, org)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			hs.h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}

// BenchmarkSubmitMember measures POST {id}/wx/userInfo creating a new
// member each time: a write transaction with an outbox event.
func BenchmarkSubmitMember(b *testing.B) {
	hs := newHarness(b)
	_, org := hs.org("bench")
	id := hs.activity(org, `{"name":"wall","kind":"message"}`)
	path := fmt.Sprintf("/api/v3/activitys_for_wx/%d/wx/userInfo?access_token=%s&access_type=org", id, org)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"member_id":"m%d","member_nickname":"nick"}`, n.Add(1))
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			hs.h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}
