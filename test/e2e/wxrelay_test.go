package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/wxcrypto"
	"github.com/campushub/campushub/test/testenv"
)

const (
	relayPlainApp  = "3zx9s9"
	relaySecretKey = "abcdefghijklmnop"
	relaySecret    = "SECRETsecret1234-relay"
)

func relayEnv(dbURL string) map[string]string {
	return map[string]string{
		"DATABASE_URL":           dbURL,
		"WX_APPS":                relayPlainApp + ":," + relaySecretKey + ":" + relaySecret,
		"WEBHOOK_ALLOW_PRIVATE":  "true",
		"WEBHOOK_TIMEOUT":        "2s",
		"WEBHOOK_BACKOFF_BASE":   "100ms",
		"WEBHOOK_MAX_ATTEMPTS":   "6",
		"WEBHOOK_PAUSE_AFTER":    "5",
		"WEBHOOK_PROBE_INTERVAL": "200ms",
		"WEBHOOK_PROBE_MAX":      "1s",
		"WEBHOOK_DISABLE_AFTER":  "4s",
	}
}

// TestRelayFanOut pushes events to four projects — fast, slow, failing
// then recovering, always failing — and checks that every event reaches
// every working project exactly as signed, that retries back off, that the
// dead project is disabled, and that replays deliver again.
func TestRelayFanOut(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "relay.db")
	s := startService(t, relayEnv(dbURL))
	token := managerToken(t, s, dbURL)

	fast := newSink(t, "fast", ok200)
	slow := newSink(t, "slow", func(string, int) (int, time.Duration) { return http.StatusOK, 300 * time.Millisecond })
	flaky := newSink(t, "flaky", func(_ string, n int) (int, time.Duration) {
		if n <= 2 {
			return http.StatusServiceUnavailable, 0
		}
		return http.StatusOK, 0
	})
	dead := newSink(t, "dead", func(string, int) (int, time.Duration) { return http.StatusInternalServerError, 0 })
	ids := map[*sink]int64{}
	for _, k := range []*sink{fast, slow, flaky, dead} {
		ids[k] = addProject(t, s.URL, token, k)
	}

	const events = 15
	var sent []string
	plain := map[string]string{}
	for i := 0; i < events; i++ {
		body := map[string]string{"school_code": "45229", "event": "addUser"}
		if i%2 == 0 {
			body["app_key"], body["raw_data"] = relayPlainApp, fmt.Sprintf("plain-%d", i)
		} else {
			p := fmt.Sprintf(`{"userid":"u%d","name":"张三"}`, i)
			raw, err := wxcrypto.Encrypt(relaySecretKey, relaySecret, []byte(p))
			if err != nil {
				t.Fatal(err)
			}
			body["app_key"], body["raw_data"] = relaySecretKey, raw
			plain[raw] = p
		}
		b, _ := json.Marshal(body)
		if r := wx(t, s.URL, "POST", "/wx/wxc/receive", "", string(b)); r.Status != 200 || string(r.Code) != "0" {
			t.Fatalf("receive %d: HTTP %d %s %s", i, r.Status, r.Code, r.Message)
		}
		sent = append(sent, body["raw_data"])
	}

	for _, k := range []*sink{fast, slow, flaky} {
		testenv.WaitFor(t, 30*time.Second, k.name+" received every event", func() bool { return k.hasAll(sent) })
		for raw, p := range k.received() {
			if want, ok := plain[raw]; ok && string(p.Data.Data) != want {
				t.Errorf("%s: decrypted data %s, want %s", k.name, p.Data.Data, want)
			}
			if p.Type != "wxc.addUser" || p.Data.SchoolCode != "45229" {
				t.Errorf("%s: payload %+v", k.name, p)
			}
		}
	}
	for _, k := range []*sink{fast, slow, flaky, dead} {
		if n := k.badSignatures(); n > 0 {
			t.Errorf("%s saw %d requests with bad signatures", k.name, n)
		}
	}
	checkBackoff(t, flaky)

	testenv.WaitFor(t, 30*time.Second, "the dead project is disabled", func() bool {
		return projectStatu(t, s.URL, token, ids[dead]) == 1
	})
	// Its deliveries are held, or failed for good where a delivery ran out
	// of attempts as the breaker's probe; none is lost.
	held, failed := deliveries(t, s.URL, token, ids[dead], "held"), deliveries(t, s.URL, token, ids[dead], "failed")
	if len(held)+len(failed) != events {
		t.Fatalf("dead project: %d held + %d failed deliveries, want %d", len(held), len(failed), events)
	}
	tried := held
	if len(failed) > 0 {
		tried = failed
	}
	if as := attempts(t, s.URL, token, tried[len(tried)-1].ID); len(as) == 0 || as[0].StatusCode != 500 || as[0].Response == "" {
		t.Fatalf("attempt log of the oldest delivery: %+v", as)
	}

	// The dead project recovers: re-enable it (releasing what was held)
	// and replay what failed.
	dead.setAnswer(ok200)
	if r := wx(t, s.URL, "POST", fmt.Sprintf("/wx/push/replayFailedDeliveries?project_id=%d", ids[dead]), token, nil); r.code() != "11003" {
		t.Fatalf("replay on a disabled project: %s %s", r.code(), r.Message)
	}
	upd := fmt.Sprintf(`{"id":%d,"statu":0}`, ids[dead])
	if r := wx(t, s.URL, "PUT", "/wx/push/updatePushProject", token, upd); r.code() != "0" {
		t.Fatalf("re-enable: %s %s", r.code(), r.Message)
	}
	r := wx(t, s.URL, "POST", "/wx/push/replayFailedDeliveries", token, url.Values{"project_id": {fmt.Sprint(ids[dead])}})
	if r.code() != "0" || string(r.Data) != fmt.Sprintf(`{"created":0,"replayed":%d}`, len(failed)) {
		t.Fatalf("replay failed: %s %s %s", r.code(), r.Message, r.Data)
	}
	testenv.WaitFor(t, 30*time.Second, "the replayed project received every event", func() bool { return dead.hasAll(sent) })

	// Replaying one delivery sends it again with the same webhook-id.
	one := deliveries(t, s.URL, token, ids[fast], "succeeded")[0]
	fast.mu.Lock()
	before := len(fast.requests[one.WebhookID])
	fast.mu.Unlock()
	if r := wx(t, s.URL, "POST", fmt.Sprintf("/wx/push/replayDelivery?id=%d", one.ID), token, nil); r.code() != "0" {
		t.Fatalf("replay one: %s %s", r.code(), r.Message)
	}
	testenv.WaitFor(t, 10*time.Second, "the replayed delivery arrived again", func() bool {
		fast.mu.Lock()
		defer fast.mu.Unlock()
		return len(fast.requests[one.WebhookID]) > before
	})
}

// checkBackoff asserts that retries of each message waited, and that the
// second wait was longer than half the first's base (equal jitter).
func checkBackoff(t *testing.T, k *sink) {
	t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	for id, times := range k.requests {
		if len(times) < 3 {
			t.Fatalf("%s: message %s was tried %d times, want 3", k.name, id, len(times))
		}
		// Backoff is base·2^(n−1) jittered to [½, 1] of that, base 100ms: at
		// least 50ms then 100ms. Retry times are stored with the database's
		// time precision and compared with another clock reading, so a few
		// milliseconds of slack are allowed below the bounds.
		const slack = 5 * time.Millisecond
		if d := times[1].Sub(times[0]); d < 50*time.Millisecond-slack {
			t.Errorf("%s: first retry of %s after %s, want ≥ 50ms", k.name, id, d)
		}
		if d := times[2].Sub(times[1]); d < 100*time.Millisecond-slack {
			t.Errorf("%s: second retry of %s after %s, want ≥ 100ms", k.name, id, d)
		}
	}
}

type deliveryView struct {
	ID        int64  `json:"id"`
	WebhookID string `json:"webhook_id"`
	Status    string `json:"status"`
}

func deliveries(t *testing.T, base, token string, projectID int64, status string) []deliveryView {
	t.Helper()
	r := wx(t, base, "GET", fmt.Sprintf("/wx/push/queryDeliveries?project_id=%d&status=%s&page_size=100", projectID, status), token, nil)
	var page struct {
		Data []deliveryView `json:"data"`
	}
	if err := json.Unmarshal(r.Data, &page); err != nil || r.code() != "0" {
		t.Fatalf("queryDeliveries: %s %s %v", r.code(), r.Data, err)
	}
	return page.Data
}

type attemptView struct {
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	Response   string `json:"response"`
	InFlight   bool   `json:"in_flight"`
}

func attempts(t *testing.T, base, token string, deliveryID int64) []attemptView {
	t.Helper()
	r := wx(t, base, "GET", fmt.Sprintf("/wx/push/queryDeliveryAttempts?id=%d", deliveryID), token, nil)
	var list struct {
		List []attemptView `json:"list"`
	}
	if err := json.Unmarshal(r.Data, &list); err != nil || r.code() != "0" {
		t.Fatalf("queryDeliveryAttempts: %s %s %v", r.code(), r.Data, err)
	}
	return list.List
}

func projectStatu(t *testing.T, base, token string, id int64) int {
	t.Helper()
	r := wx(t, base, "GET", "/wx/push/queryPushProject", token, nil)
	var list struct {
		List []struct {
			ID    int64 `json:"id"`
			Statu int   `json:"statu"`
		} `json:"list"`
	}
	if err := json.Unmarshal(r.Data, &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list.List {
		if p.ID == id {
			return p.Statu
		}
	}
	t.Fatalf("project %d not listed", id)
	return -1
}

// TestRelayReplicasShareWork runs two replicas on one PostgreSQL database:
// together they deliver every event to every project, and no delivery is
// attempted twice.
func TestRelayReplicasShareWork(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	env := relayEnv(dbURL)
	a := startService(t, env)
	b := startService(t, env)
	token := managerToken(t, a, dbURL)
	sinks := []*sink{newSink(t, "one", ok200), newSink(t, "two", ok200), newSink(t, "three", ok200)}
	for _, k := range sinks {
		addProject(t, a.URL, token, k)
	}
	var sent []string
	for i := 0; i < 60; i++ {
		base := a.URL
		if i%2 == 1 {
			base = b.URL
		}
		raw := fmt.Sprintf("replica-%d", i)
		body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"addOrg","raw_data":%q}`, relayPlainApp, raw)
		if r := wx(t, base, "POST", "/wx/wxc/receive", "", body); r.Status != 200 || string(r.Code) != "0" {
			t.Fatalf("receive %d: HTTP %d %s %s", i, r.Status, r.Code, r.Message)
		}
		sent = append(sent, raw)
	}
	for _, k := range sinks {
		testenv.WaitFor(t, 30*time.Second, k.name+" received every event", func() bool { return k.hasAll(sent) })
		k.mu.Lock()
		for id, times := range k.requests {
			if len(times) != 1 {
				t.Errorf("%s: %s attempted %d times by the two replicas", k.name, id, len(times))
			}
		}
		k.mu.Unlock()
	}
}
