package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

// TestRelayDisableAndRecover is the outage a user lives through, on the
// built binary with a real HTTP sink, on SQLite and PostgreSQL:
//
//  1. the sink fails for 1.1 s while 60 events arrive from 8 senders: the
//     breaker pauses the project, but it is not disabled, and every event
//     arrives once the sink answers again;
//  2. the sink dies: the project is disabled only after failing
//     continuously for WEBHOOK_DISABLE_AFTER, 20 events arrive while it is
//     disabled and are held; re-enabling releases them, replaying the
//     failed ones restarts the rest, and every acknowledged event reaches
//     the sink.
func TestRelayDisableAndRecover(t *testing.T) {
	eachRelayBackend(t, func(t *testing.T, dbURL string) {
		s := startService(t, relayEnv(dbURL))
		token := managerToken(t, s, dbURL)

		var failing atomic.Bool
		var during sync.Map // webhook-ids refused while failing
		k := newSink(t, "recovering", func(id string, _ int) (int, time.Duration) {
			if failing.Load() {
				during.Store(id, true)
				return http.StatusServiceUnavailable, 0
			}
			return http.StatusOK, 0
		})
		pid := addProject(t, s.URL, token, k)

		// 1. A hiccup under load: paused and probed, not disabled.
		failing.Store(true)
		sent := burst(t, s.URL, "hiccup", 60, 8)
		time.AfterFunc(1100*time.Millisecond, func() { failing.Store(false) })
		testenv.WaitFor(t, 60*time.Second, "every event of the hiccup arrives", func() bool { return k.hasAll(sent) })
		if st := projectState(t, s.URL, token, pid); st.Statu != 0 || st.DisabledSince != "" {
			t.Fatalf("after a 1.1 s hiccup the project is %+v; want valid, never disabled", st)
		}
		if n := countMap(&during); n == 0 {
			t.Fatal("the sink refused nothing during the hiccup; the scenario did not happen")
		}

		// 2. The sink dies: disabled after failing continuously for 4 s.
		failing.Store(true)
		deadAt := time.Now()
		sent = append(sent, burst(t, s.URL, "dying", 10, 4)...)
		testenv.WaitFor(t, 60*time.Second, "the dead project is disabled", func() bool {
			return projectState(t, s.URL, token, pid).Statu == 1
		})
		if d := time.Since(deadAt); d < 4*time.Second {
			t.Fatalf("disabled %s after the sink died, want at least WEBHOOK_DISABLE_AFTER (4s)", d)
		}
		whileDisabled := burst(t, s.URL, "disabled", 20, 8)
		sent = append(sent, whileDisabled...)
		st := projectState(t, s.URL, token, pid)
		if st.State != "disabled" || st.DisabledSince == "" || st.Held < 20 {
			t.Fatalf("disabled project state %+v; want disabled with at least the 20 new events held", st)
		}

		failing.Store(false)
		if r := wx(t, s.URL, "PUT", "/wx/push/updatePushProject", token, fmt.Sprintf(`{"id":%d,"statu":0}`, pid)); r.code() != "0" {
			t.Fatalf("re-enable: %s %s", r.code(), r.Message)
		}
		r := wx(t, s.URL, "POST", "/wx/push/replayFailedDeliveries", token, url.Values{"project_id": {fmt.Sprint(pid)}})
		if r.code() != "0" {
			t.Fatalf("replay failed: %s %s", r.code(), r.Message)
		}
		testenv.WaitFor(t, 60*time.Second, "every acknowledged event reaches the sink", func() bool { return k.hasAll(sent) })
		testenv.WaitFor(t, 30*time.Second, "the project is healthy with an empty queue", func() bool {
			st := projectState(t, s.URL, token, pid)
			return st.State == "ok" && st.QueueDepth == 0 && st.Held == 0
		})
		if n := k.badSignatures(); n > 0 {
			t.Fatalf("%d requests with bad signatures", n)
		}
	})
}

func countMap(m *sync.Map) int {
	n := 0
	m.Range(func(any, any) bool { n++; return true })
	return n
}

// burst posts n distinct pushes from senders concurrent senders and
// returns their raw_data; every one must be acknowledged.
func burst(t *testing.T, base, prefix string, n, senders int) []string {
	t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < senders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"updateUser","raw_data":"%s-%d"}`, relayPlainApp, prefix, i)
				resp, err := client.Post(base+"/wx/wxc/receive", "application/json", strings.NewReader(body))
				if err != nil {
					errs <- err
					continue
				}
				var r struct {
					Code int `json:"code"`
				}
				_ = json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if resp.StatusCode != 200 || r.Code != 0 {
					errs <- fmt.Errorf("push %s-%d: HTTP %d code %d", prefix, i, resp.StatusCode, r.Code)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i+1)
	}
	return out
}

// projectView is a project as queryPushProject lists it.
type projectView struct {
	ID            int64  `json:"id"`
	Statu         int    `json:"statu"`
	State         string `json:"state"`
	Failures      int    `json:"consecutive_failures"`
	PausedSince   string `json:"paused_since"`
	DisabledSince string `json:"disabled_since"`
	QueueDepth    int    `json:"queue_depth"`
	Held          int    `json:"held"`
}

func projectState(t *testing.T, base, token string, id int64) projectView {
	t.Helper()
	r := wx(t, base, "GET", "/wx/push/queryPushProject", token, nil)
	var list struct {
		List []projectView `json:"list"`
	}
	if err := json.Unmarshal(r.Data, &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list.List {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("project %d not listed", id)
	return projectView{}
}
