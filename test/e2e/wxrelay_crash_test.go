package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

// TestRelaySurvivesKill pushes a burst of events, kills the service with
// SIGKILL in the middle of it, restarts it on the same database (SQLite and
// PostgreSQL) and checks that every event it acknowledged reaches every
// project, and that every delivery's attempt log matches the posts its
// endpoint received: an attempt is recorded before its request leaves, and
// the restarted process closes those the killed one left open as "outcome
// unknown: the process stopped".
func TestRelaySurvivesKill(t *testing.T) {
	eachRelayBackend(t, relaySurvivesKill)
}

func relaySurvivesKill(t *testing.T, dbURL string) {
	env := relayEnv(dbURL)
	env["WEBHOOK_TIMEOUT"] = "1s"
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
	testenv.WaitFor(t, 30*time.Second, "a third of the burst is acknowledged", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(accepted) >= 200
	})
	killedAt := time.Now()
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

	second := startService(t, env)
	for _, k := range sinks {
		testenv.WaitFor(t, 60*time.Second, k.name+" received every acknowledged event after the restart", func() bool { return k.hasAll(accepted) })
		if n := k.badSignatures(); n > 0 {
			t.Errorf("%s saw %d requests with bad signatures", k.name, n)
		}
	}
	for i := range sinks {
		testenv.WaitFor(t, 60*time.Second, "every outcome is written", func() bool {
			st := projectState(t, second.URL, token, int64(i+1))
			return st.QueueDepth == 0 && st.Held == 0
		})
	}
	var redelivered []time.Duration
	for i, k := range sinks {
		redelivered = append(redelivered, checkAttemptLog(t, second.URL, token, int64(i+1), k, killedAt)...)
	}
	slices.Sort(redelivered)
	if n := len(redelivered); n > 0 {
		t.Logf("%d deliveries posted again after the kill; the repeat came %s (median) to %s (max) after it", n, redelivered[n/2], redelivered[n-1])
	}
}

// checkAttemptLog compares, for every delivery of a project, the attempt
// log with the posts the sink received under its webhook-id: they match,
// except that an attempt closed as outcome unknown may not have reached
// the endpoint. It returns, for deliveries posted both before and after
// the kill, how long after the kill the repeat came.
func checkAttemptLog(t *testing.T, base, token string, projectID int64, k *sink, killedAt time.Time) []time.Duration {
	t.Helper()
	var repeats []time.Duration
	for page := 1; ; page++ {
		r := wx(t, base, "GET", fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d&page_no=%d&page_size=100", projectID, page), token, nil)
		var list struct {
			Data []struct {
				ID        int64  `json:"id"`
				WebhookID string `json:"webhook_id"`
				Attempts  int    `json:"attempts"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Data, &list); err != nil || r.code() != "0" {
			t.Fatalf("queryDeliveries: %s %s %v", r.code(), r.Data, err)
		}
		if len(list.Data) == 0 {
			return repeats
		}
		for _, d := range list.Data {
			k.mu.Lock()
			times := slices.Clone(k.requests[d.WebhookID])
			k.mu.Unlock()
			if len(times) >= 2 && times[0].Before(killedAt) && times[len(times)-1].After(killedAt) {
				repeats = append(repeats, times[len(times)-1].Sub(killedAt))
			}
			if d.Attempts == len(times) {
				continue
			}
			unknown, inFlight := 0, 0
			for _, a := range attempts(t, base, token, d.ID) {
				switch {
				case a.InFlight:
					inFlight++
				case a.Error == "outcome unknown: the process stopped":
					unknown++
				}
			}
			if inFlight > 0 || d.Attempts < len(times) || d.Attempts > len(times)+unknown {
				t.Errorf("%s: delivery %d records %d attempts (%d outcome unknown, %d in flight) but the endpoint received %d posts",
					k.name, d.ID, d.Attempts, unknown, inFlight, len(times))
			}
		}
	}
}
