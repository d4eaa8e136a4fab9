package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

// repoRoot is the module root, two directories above this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// buildBinary compiles ./cmd/campushub into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "campushub")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/campushub")
	cmd.Dir = repoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/campushub: %v\n%s", err, out)
	}
	return bin
}

// server is the built binary running on a temporary SQLite database.
type server struct {
	bin, dir, url string
	env           []string
	log           *syncBuffer
}

// syncBuffer collects the server's log for the test to read while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts bin serve with the settings the conformance run
// needs: a free loopback port, a fresh SQLite file, one 微校 app without a
// secret, push-project URLs on this machine allowed, no broker, codes in the
// log, codes for every phone area, and limits high enough that thousands of
// generated requests do not lock the test's own accounts.
func startServer(t *testing.T, bin string, extra ...string) *server {
	t.Helper()
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"HTTP_ADDR=" + addr,
		"DATABASE_URL=sqlite:" + filepath.Join(dir, "campushub.db"),
		"EVENTS_BROKER=none",
		"CODE_SENDER=log",
		"LOG_LEVEL=info",
		"BCRYPT_COST=4",
		"WX_APPS=3zx9s9:",
		"WEBHOOK_ALLOW_PRIVATE=true",
		"CODE_INTERVAL=1s",
		"CODE_DAILY_LIMIT=100000",
		"LOGIN_MAX_FAILURES=100000",
		// The abuse limits have their own tests; here they would only
		// turn generated requests into 429s (which the document allows).
		"RATE_LIMIT_SEND_CODE=off", "RATE_LIMIT_CHECK_CODE=off", "RATE_LIMIT_REGISTER=off",
		"RATE_LIMIT_LOGIN=off", "RATE_LIMIT_REFRESH=off",
		"CODE_BUDGET_PER_MINUTE=0", "CODE_BUDGET_PER_DAY=0", "CODE_AREAS=*",
		// No operations listener: parallel test servers would compete for
		// its port.
		"OPS_ADDR=off",
	}
	env = append(env, extra...)
	s := &server{bin: bin, dir: dir, url: "http://" + addr, env: env, log: &syncBuffer{}}
	cmd := exec.Command(bin, "serve")
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start campushub: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	testenv.Eventually(t, 60*time.Second, func() error {
		select {
		case err := <-exited:
			t.Fatalf("campushub exited before it was healthy (%v); log:\n%s", err, tail(s.log.String(), 4000))
		default:
		}
		resp, err := http.Get(s.url + "/healthz")
		if err != nil {
			return fmt.Errorf("campushub not healthy: %v; log:\n%s", err, tail(s.log.String(), 4000))
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("campushub not healthy: /healthz answers %s; log:\n%s", resp.Status, tail(s.log.String(), 4000))
		}
		return nil
	})
	return s
}

// command runs a campushub subcommand against the server's database.
func (s *server) command(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Dir, cmd.Env = s.dir, s.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("campushub %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// call sends a JSON request and decodes the answer's data into dst.
func (s *server) call(t *testing.T, method, path, authorization, body string, dst any) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, raw)
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, raw)
	}
	if dst != nil {
		if err := json.Unmarshal(env.Data, dst); err != nil {
			t.Fatalf("%s %s: data %s: %v", method, path, env.Data, err)
		}
	}
}

// codeLine finds the verification code the log code sender wrote for an
// account.
var codeLine = regexp.MustCompile(`"account":"([^"]+)","code":"([0-9]+)"`)

// credentials are the three kinds of caller the API knows.
type credentials struct{ manager, user, org string }

// signIn creates a manager with the admin command, registers a user through
// the API with the code from the log, and has the manager create an
// organisation and issue it a token.
func (s *server) signIn(t *testing.T) credentials {
	t.Helper()
	var c credentials
	s.command(t, "admin", "create", "--account", "manager@example.com", "--password", "manager-password")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	s.call(t, "POST", "/api/auth/access_token", "", `{"account":"manager@example.com","password":"manager-password"}`, &tok)
	c.manager = tok.AccessToken

	s.call(t, "POST", "/api/auth/send_code", "", `{"account":"user@example.com"}`, nil)
	code := ""
	testenv.Eventually(t, 30*time.Second, func() error {
		sc := bufio.NewScanner(strings.NewReader(s.log.String()))
		for sc.Scan() {
			if m := codeLine.FindStringSubmatch(sc.Text()); m != nil && m[1] == "user@example.com" {
				code = m[2]
			}
		}
		if code == "" {
			return fmt.Errorf("no verification code in the log:\n%s", tail(s.log.String(), 4000))
		}
		return nil
	})
	s.call(t, "POST", "/api/auth/register", "",
		fmt.Sprintf(`{"account":"user@example.com","code":%q,"password":"user-password"}`, code), &tok)
	c.user = tok.AccessToken

	var org struct {
		ID          int64  `json:"id"`
		AccessToken string `json:"access_token"`
	}
	s.call(t, "POST", "/api/v3/manage/orgs", "Token "+c.manager, `{"name":"Conformance"}`, &org)
	s.call(t, "POST", fmt.Sprintf("/api/v3/manage/orgs/%d/tokens", org.ID), "Token "+c.manager, `{"label":"conformance"}`, &org)
	c.org = org.AccessToken
	if c.manager == "" || c.user == "" || c.org == "" {
		t.Fatalf("a credential is missing: %+v", c)
	}
	return c
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
