package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

// reply is an app-API answer with the headers the limits set.
type reply struct {
	envelope
	RetryAfter string
}

// post sends body as JSON to the service with extra headers.
func post(t *testing.T, base, path string, body any, headers map[string]string) reply {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r reply
	if err := json.Unmarshal(raw, &r.envelope); err != nil {
		t.Fatalf("POST %s: HTTP %d, not a JSON envelope: %s", path, resp.StatusCode, raw)
	}
	r.Status, r.RetryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	return r
}

// wantLimited fails unless r is the app family's 429 with a Retry-After of
// at least one second.
func (r reply) wantLimited(t *testing.T, what string) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests || r.Code != 10010 {
		t.Fatalf("%s: HTTP %d code %d %q, want HTTP 429 code 10010", what, r.Status, r.Code, r.Message)
	}
	if n, err := strconv.Atoi(r.RetryAfter); err != nil || n < 1 {
		t.Fatalf("%s: Retry-After %q, want a number of seconds", what, r.RetryAfter)
	}
}

func phone(i int) string { return fmt.Sprintf("1390000%04d", i) }

// TestSendCodeStoppedPerClient: one client asking codes for 50 different
// numbers gets the documented 20 (RATE_LIMIT_SEND_CODE=20/1h), then 429.
func TestSendCodeStoppedPerClient(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "campushub.db")
	s := startService(t, map[string]string{"DATABASE_URL": dbURL})
	sent := 0
	for i := range 50 {
		r := post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(i)}, nil)
		if r.Status == http.StatusOK {
			sent++
			continue
		}
		r.wantLimited(t, fmt.Sprintf("code for number %d", i+1))
		if sent != 20 {
			t.Fatalf("stopped after %d codes, want the documented 20", sent)
		}
		if !strings.Contains(r.Message, "send_code") {
			t.Errorf("message %q does not say which limit", r.Message)
		}
		ev := waitForEvent(t, dbURL, "campushub.security.rate_limited")
		if !strings.Contains(ev.Payload, `"limit":"send_code"`) || !strings.Contains(ev.Payload, `"key":"127.0.0.1"`) {
			t.Errorf("rate_limited event %s, want the limit and the client", ev.Payload)
		}
		if len(s.logLines(map[string]string{"msg": "rate limit hit", "limit": "send_code"})) != 1 {
			t.Errorf("want one log line for the limit hit:\n%s", s.log())
		}
		return
	}
	t.Fatalf("all 50 codes were sent to one client")
}

// TestCodeAreasAndBudget: a phone area outside CODE_AREAS is refused before
// anything is sent, and the service-wide budget stops codes from many
// clients with 429 + Retry-After, a log line and nothing sent.
func TestCodeAreasAndBudget(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{
		"TRUSTED_PROXIES": "127.0.0.1", "CODE_BUDGET_PER_MINUTE": "1000", "CODE_BUDGET_PER_DAY": "3",
	})
	r := post(t, s.URL, "/api/auth/send_code", map[string]string{"area": "44", "account": "7700900123"}, nil)
	if r.Status != http.StatusBadRequest || r.Code != 10005 || !strings.Contains(r.Message, "44") {
		t.Fatalf("area 44: HTTP %d code %d %q, want 400 10005 naming the area", r.Status, r.Code, r.Message)
	}
	for i := range 3 {
		from := map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)}
		if r := post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(i)}, from); r.Status != http.StatusOK {
			t.Fatalf("code %d: HTTP %d %q", i+1, r.Status, r.Message)
		}
	}
	r = post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(9)}, map[string]string{"X-Forwarded-For": "198.51.100.9"})
	r.wantLimited(t, "a fourth code in a day of 3")
	if lines := s.logLines(map[string]string{"window": "day"}); len(lines) == 0 {
		t.Errorf("no log line says the day's budget is used up:\n%s", s.log())
	}
	if lines := s.logLines(map[string]string{"msg": "verification code (CODE_SENDER=log)", "account": "+86 " + phone(9)}); len(lines) != 0 {
		t.Error("a code over the budget was sent")
	}
	// The code was withdrawn: the number is not held to its 60 s interval.
	s2 := post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(9)}, map[string]string{"X-Forwarded-For": "198.51.100.9"})
	if !strings.Contains(s2.Message, "verification codes for this day") {
		t.Errorf("asking again: %q, want the budget's answer, not the per-number interval", s2.Message)
	}
}

// TestCodeDailyCapSaysWhenToTryAgain: the per-account daily cap answers 429
// with Retry-After until the oldest code of the day leaves the 24-hour
// window, like every other limit.
func TestCodeDailyCapSaysWhenToTryAgain(t *testing.T) {
	t.Parallel()
	// CODE_INTERVAL, which is not under test here, as short as it goes.
	s := startService(t, map[string]string{"CODE_INTERVAL": "1ns", "CODE_DAILY_LIMIT": "2"})
	first := time.Now()
	for i := range 2 {
		if r := post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(7)}, nil); r.Status != http.StatusOK {
			t.Fatalf("code %d: HTTP %d %q", i+1, r.Status, r.Message)
		}
	}
	r := post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(7)}, nil)
	r.wantLimited(t, "a third code in a day of 2")
	// The first code leaves the window 24 hours after it was sent: the wait
	// is at most that, less the time the test took since before sending it.
	wait, _ := strconv.Atoi(r.RetryAfter)
	if most := 24 * time.Hour; time.Duration(wait)*time.Second > most || time.Duration(wait)*time.Second < most-time.Since(first)-time.Second {
		t.Errorf("Retry-After %ds, want the seconds until 24 hours after the first code (%s ago)", wait, time.Since(first).Round(time.Millisecond))
	}
	if !strings.Contains(r.Message, "24 hours") {
		t.Errorf("message %q does not name the daily cap", r.Message)
	}
}

// TestTrustedProxyHeaders: X-Forwarded-For and X-Real-IP name the client
// only when the connection comes from TRUSTED_PROXIES.
func TestTrustedProxyHeaders(t *testing.T) {
	t.Parallel()
	limit := map[string]string{"RATE_LIMIT_SEND_CODE": "2/1h"}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range limit {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	t.Run("from the trusted range", func(t *testing.T) {
		t.Parallel()
		s := startService(t, with(map[string]string{"TRUSTED_PROXIES": "127.0.0.0/8"}))
		n := 0
		send := func(headers map[string]string) reply {
			n++
			return post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(n)}, headers)
		}
		a := map[string]string{"X-Forwarded-For": "198.51.100.1"}
		for i := range 2 {
			send(a).want(t, fmt.Sprintf("client A code %d", i+1), http.StatusOK, 0)
		}
		send(a).wantLimited(t, "client A's third code")
		// A client cannot escape by prepending addresses: the right-most
		// untrusted hop is the client.
		send(map[string]string{"X-Forwarded-For": "203.0.113.50, 198.51.100.1"}).wantLimited(t, "client A behind a forged hop")
		send(map[string]string{"X-Forwarded-For": "198.51.100.2"}).want(t, "client B", http.StatusOK, 0)
		send(map[string]string{"X-Real-IP": "198.51.100.3"}).want(t, "client C by X-Real-IP", http.StatusOK, 0)
	})
	t.Run("outside the trusted range", func(t *testing.T) {
		t.Parallel()
		s := startService(t, with(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8"}))
		for i := range 2 {
			h := map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)}
			post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(i)}, h).want(t, fmt.Sprintf("code %d", i+1), http.StatusOK, 0)
		}
		post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone(3)}, map[string]string{"X-Forwarded-For": "198.51.100.3", "X-Real-IP": "198.51.100.4"}).
			wantLimited(t, "a third client named only by headers from an untrusted peer")
	})
}

// TestMetricsOnlyOnTheOperationsListener: /metrics and pprof are served on
// OPS_ADDR, not on the public address; /healthz and /readyz stay public.
func TestMetricsOnlyOnTheOperationsListener(t *testing.T) {
	t.Parallel()
	ops := freeAddr(t)
	s := startService(t, map[string]string{"OPS_ADDR": ops, "PPROF_ENABLED": "true"})
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		if code, body := get(s.URL + path); code != http.StatusNotFound || strings.Contains(body, "campushub_http_requests_total") {
			t.Errorf("public %s: HTTP %d, want 404 without metrics", path, code)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := get(s.URL + path); code != http.StatusOK {
			t.Errorf("public %s: HTTP %d, want 200", path, code)
		}
	}
	post(t, s.URL, "/api/auth/send_code", map[string]string{"area": "44", "account": "7700900123"}, nil)
	code, body := get("http://" + ops + "/metrics")
	if code != http.StatusOK || !strings.Contains(body, "campushub_http_requests_total") || !strings.Contains(body, `campushub_rate_limit_checks_total{limit="send_code",outcome="allowed"} 1`) {
		t.Errorf("operations /metrics: HTTP %d, want the request and limit metrics:\n%.2000s", code, body)
	}
	if code, _ := get("http://" + ops + "/debug/pprof/"); code != http.StatusOK {
		t.Errorf("operations pprof with PPROF_ENABLED=true: HTTP %d", code)
	}
	if code, _ := get("http://" + ops + "/readyz"); code != http.StatusOK {
		t.Errorf("operations /readyz: HTTP %d", code)
	}
}

// TestSecretlessWXAppWarns: each WX_APPS key without a secret is named (by
// its first characters only) in a warning at start.
func TestSecretlessWXAppWarns(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"WX_APPS": "keyonlyapp0001:,0123456789abcdef:0123456789abcdef"})
	lines := s.logLines(map[string]string{"level": "WARN", "app_key_prefix": "keyo…"})
	if len(lines) != 1 {
		t.Fatalf("%d warnings for the secret-less app, want 1; log:\n%s", len(lines), s.log())
	}
	if strings.Contains(s.log(), "keyonlyapp0001") {
		t.Error("the log holds the whole app key, the app's only credential")
	}
	if got := s.logLines(map[string]string{"level": "WARN", "app_key_prefix": "0123…"}); len(got) != 0 {
		t.Error("an app with a secret was warned about")
	}
}

// registerFrom registers phone with accountPassword, sending as client.
func registerFrom(t *testing.T, s *service, phone, client string) {
	t.Helper()
	from := map[string]string{"X-Forwarded-For": client}
	post(t, s.URL, "/api/auth/send_code", map[string]string{"account": phone}, from).want(t, "send_code "+phone, http.StatusOK, 0)
	code := s.codeFor(t, "+86 "+phone)
	post(t, s.URL, "/api/auth/register", map[string]string{"account": phone, "code": code, "password": accountPassword}, from).
		want(t, "register "+phone, http.StatusOK, 0)
}

// login tries a password for phone as client.
func login(t *testing.T, s *service, phone, password, client string) reply {
	t.Helper()
	return post(t, s.URL, "/api/auth/access_token", map[string]string{"account": phone, "password": password},
		map[string]string{"X-Forwarded-For": client})
}

// TestLoginsAcrossAccountsStoppedPerClient: one client guessing passwords
// over 20 accounts is stopped after the documented 30 tries
// (RATE_LIMIT_LOGIN=30/15m), while each account saw too few wrong passwords
// to lock anything; another client still signs in.
func TestLoginsAcrossAccountsStoppedPerClient(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"TRUSTED_PROXIES": "127.0.0.1"})
	for i := range 20 {
		registerFrom(t, s, phone(100+i), fmt.Sprintf("198.51.100.%d", i+1))
	}
	const attacker = "203.0.113.66"
	tries := 0
	for round := range 3 {
		for i := range 20 {
			r := login(t, s, phone(100+i), fmt.Sprintf("guess-%d", round), attacker)
			if r.Status == http.StatusUnauthorized && r.Code == 10007 {
				tries++
				continue
			}
			r.wantLimited(t, fmt.Sprintf("guess %d of round %d", i+1, round+1))
			if tries != 30 {
				t.Fatalf("stopped after %d guesses, want the documented 30", tries)
			}
			login(t, s, phone(100), accountPassword, "198.51.100.1").want(t, "another client's login", http.StatusOK, 0)
			return
		}
	}
	t.Fatalf("60 guesses from one client over 20 accounts were all answered")
}

// TestOwnerSignsInWhileAttacked: a client guessing an account's password
// locks only itself out; the owner signs in from their own client, also
// when guessing from several addresses locks the account against clients
// it does not know.
func TestOwnerSignsInWhileAttacked(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "campushub.db")
	s := startService(t, map[string]string{"TRUSTED_PROXIES": "127.0.0.1", "DATABASE_URL": dbURL})
	const owner = "198.51.100.1"
	victim := phone(500)
	registerFrom(t, s, victim, owner)
	login(t, s, victim, accountPassword, owner).want(t, "the owner's first login", http.StatusOK, 0)

	attack := func(client string) {
		t.Helper()
		for i := range 4 {
			login(t, s, victim, fmt.Sprintf("guess-%d", i), client).want(t, "wrong password", http.StatusUnauthorized, 10007)
		}
		r := login(t, s, victim, "guess-5", client)
		r.want(t, "the fifth wrong password", http.StatusLocked, 10003)
		if r.RetryAfter == "" {
			t.Error("a lock answered without Retry-After")
		}
	}
	attack("203.0.113.1")
	login(t, s, victim, accountPassword, "203.0.113.1").want(t, "the right password from the locked-out client", http.StatusLocked, 10003)
	login(t, s, victim, accountPassword, owner).want(t, "the owner while one client is locked out", http.StatusOK, 0)
	login(t, s, victim, accountPassword, "192.0.2.50").want(t, "the owner from a new device while one client is locked out", http.StatusOK, 0)

	attack("203.0.113.2")
	attack("203.0.113.3") // the third locked client locks the account against unknown clients
	login(t, s, victim, accountPassword, "192.0.2.99").want(t, "a device the account never saw, during the account lock", http.StatusLocked, 10003)
	login(t, s, victim, accountPassword, owner).want(t, "the owner's usual client during the account lock", http.StatusOK, 0)

	ev := waitForEvent(t, dbURL, "campushub.account.login_locked", `"scope":"account"`)
	if strings.Contains(ev.Payload, accountPassword) || strings.Contains(ev.Payload, "guess") {
		t.Errorf("login_locked event holds a password: %s", ev.Payload)
	}
}

// waitForEvent polls the outbox of dbURL until an event of typ whose
// payload holds every one of contains is there, and returns it.
func waitForEvent(t *testing.T, dbURL, typ string, contains ...string) storage.OutboxRow {
	t.Helper()
	ctx := context.Background()
	db := testenv.OpenEmptyDB(t, dbURL)
	var found storage.OutboxRow
	testenv.WaitFor(t, 30*time.Second, fmt.Sprintf("a %s event holding %v in the outbox", typ, contains), func() bool {
		rows, err := storage.NewOutbox(db).Recent(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
	next:
		for _, r := range rows {
			if r.Type != typ {
				continue
			}
			for _, c := range contains {
				if !strings.Contains(r.Payload, c) {
					continue next
				}
			}
			found = r
			return true
		}
		return false
	})
	return found
}

// TestWXReceiveLimitPerAppKey: with RATE_LIMIT_WX_RECEIVE set, pushes of
// one app key beyond the limit answer the receive envelope's 10006 with
// HTTP 429 and Retry-After; another app key is not affected.
func TestWXReceiveLimitPerAppKey(t *testing.T) {
	t.Parallel()
	s := startService(t, map[string]string{"WX_APPS": "appone:,apptwo:", "RATE_LIMIT_WX_RECEIVE": "2/1m"})
	push := func(app string, n int) (int, string, string) {
		t.Helper()
		body := fmt.Sprintf(`{"app_key":%q,"school_code":"45229","event":"addUser","raw_data":"{\"n\":%d}"}`, app, n)
		resp, err := http.Post(s.URL+"/wx/wxc/receive", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Code int `json:"code"`
		}
		raw, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(raw, &r)
		return resp.StatusCode, strconv.Itoa(r.Code), resp.Header.Get("Retry-After")
	}
	for n := range 2 {
		if status, code, _ := push("appone", n); status != http.StatusOK || code != "0" {
			t.Fatalf("push %d: HTTP %d code %s", n+1, status, code)
		}
	}
	if status, code, retry := push("appone", 3); status != http.StatusTooManyRequests || code != "10006" || retry == "" {
		t.Fatalf("third push in a minute: HTTP %d code %s Retry-After %q, want 429, 10006 and a wait", status, code, retry)
	}
	if status, code, _ := push("apptwo", 1); status != http.StatusOK || code != "0" {
		t.Errorf("another app key: HTTP %d code %s", status, code)
	}
}
