package wxapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkReceive measures accepted pushes per second through the whole
// HTTP stack on SQLite, with two active projects (each push stores one
// event, two deliveries and an outbox row).
func BenchmarkReceive(b *testing.B) {
	h := newHarness(b)
	h.addProject(b, "https://hooks.example.org/a", "alpha")
	h.addProject(b, "https://hooks.example.org/b", "beta")
	var n atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"app_key":"3zx9s9","school_code":"45229","event":"addUser","raw_data":"r-%d"}`, n.Add(1))
			resp, err := client.Post(h.srv.URL+"/wx/wxc/receive", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(raw), `{"code":0`) {
				b.Errorf("HTTP %d %s", resp.StatusCode, raw)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
