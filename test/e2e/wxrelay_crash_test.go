package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRelaySurvivesKill pushes a burst of events, kills the service with
// SIGKILL in the middle of it, restarts it on the same SQLite file and
// checks that every event it acknowledged reaches every project.
func TestRelaySurvivesKill(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
	env := relayEnv(dbURL)
	env["WEBHOOK_TIMEOUT"] = "1s" // a lease left by the killed process runs out after 2×1s+5s
	first := startService(t, env)
	token := managerToken(t, first, dbURL)

	sinks := []*sink{
		newSink(t, "one", ok200),
		newSink(t, "two", func(string, int) (int, time.Duration) { return http.StatusOK, 20 * time.Millisecond }),
		newSink(t, "three", ok200),
	}
	for _, k := range sinks {
		addProject(t, first.URL, token, k)
	}

	var (
		mu       sync.Mutex
		accepted []string
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 5 * time.Second}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > 600 {
					return
				}
				raw := fmt.Sprintf("burst-%d", n)
				body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"updateUser","raw_data":%q}`, relayPlainApp, raw)
				resp, err := client.Post(first.URL+"/wx/wxc/receive", "application/json", strings.NewReader(body))
				if err != nil {
					continue // the service is gone: this event was never acknowledged
				}
				var r struct {
					Code int `json:"code"`
				}
				decErr := json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if decErr == nil && resp.StatusCode == 200 && r.Code == 0 {
					mu.Lock()
					accepted = append(accepted, raw)
					mu.Unlock()
				}
			}
		}()
	}
	eventually(t, 30*time.Second, "a third of the burst is acknowledged", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(accepted) >= 200
	})
	if err := first.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no drain
		t.Fatal(err)
	}
	<-first.exited
	wg.Wait()

	if len(accepted) >= 600 {
		t.Fatalf("the whole burst was acknowledged before the kill; nothing was cut short")
	}
	delivered := 0
	for _, k := range sinks {
		delivered += len(k.received())
	}
	t.Logf("acknowledged %d events; %d of %d deliveries done before the kill", len(accepted), delivered, len(accepted)*len(sinks))

	startService(t, env)
	for _, k := range sinks {
		eventually(t, 60*time.Second, k.name+" received every acknowledged event after the restart", func() bool { return k.hasAll(accepted) })
		if n := k.badSignatures(); n > 0 {
			t.Errorf("%s saw %d requests with bad signatures", k.name, n)
		}
	}
}
