package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

// service is a running `campushub serve` whose log the test can read and
// whose exit status it can check.
type service struct {
	URL     string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	once    sync.Once
}

// startService starts `campushub serve` on a free port with env over the
// tests' defaults (DATABASE_URL a SQLite file in a temporary directory,
// JSON logs, the log code sender), waits until /healthz answers 200 and
// stops it when the test ends. The test can read codes and events from the
// log and check the exit status of a shutdown (terminate). env must name
// DATABASE_URL when the test needs the database after the service stops.
func startService(t *testing.T, env map[string]string) *service {
	t.Helper()
	bin := buildBinary(t)
	dir := t.TempDir()
	full := map[string]string{
		"HTTP_ADDR":    freeAddr(t),
		"DATABASE_URL": "sqlite:" + filepath.Join(dir, "campushub.db"),
		"LOG_FORMAT":   "json",
		"LOG_LEVEL":    "info",
		"CODE_SENDER":  "log",
		"BCRYPT_COST":  "4",
		// The default broker, embedded, without a TCP port: tests run in
		// parallel and would compete for 4222. TestDefaultConfigPublishesToNATS
		// checks the embedded broker's port.
		"NATS_EMBEDDED_PORT": "0",
	}
	for k, v := range env {
		full[k] = v
	}
	s := &service{URL: "http://" + full["HTTP_ADDR"], logPath: filepath.Join(dir, "campushub.log"), exited: make(chan struct{})}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Dir = dir
	s.cmd.Env = environ(full)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start campushub: %v", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		_ = logFile.Close()
		close(s.exited)
	}()
	t.Cleanup(func() { s.terminate(t) })

	testenv.Eventually(t, 60*time.Second, func() error {
		select {
		case <-s.exited:
			t.Fatalf("campushub exited before it was healthy (%v); log:\n%s", s.waitErr, s.log())
		default:
		}
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			return fmt.Errorf("campushub not healthy: %v; log:\n%s", err, s.log())
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("campushub not healthy: /healthz answers %s; log:\n%s", resp.Status, s.log())
		}
		return nil
	})
	return s
}

// log returns what the service has logged so far.
func (s *service) log() string { return readFile(s.logPath) }

// terminate sends SIGTERM, waits for the process and returns its exit code.
func (s *service) terminate(t *testing.T) int {
	t.Helper()
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			t.Errorf("campushub did not stop within 20s of SIGTERM; log:\n%s", s.log())
		}
	})
	<-s.exited
	var exitErr *exec.ExitError
	if errors.As(s.waitErr, &exitErr) {
		return exitErr.ExitCode()
	}
	if s.waitErr != nil {
		t.Fatalf("wait for campushub: %v", s.waitErr)
	}
	return 0
}

// logLines returns the JSON log records holding every key=value of match.
func (s *service) logLines(match map[string]string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.log()))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		ok := true
		for k, v := range match {
			if rec[k] != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, rec)
		}
	}
	return out
}

// codeFor waits for the log line of the latest code sent to key ("+86 186…"
// or an e-mail) and returns the code.
func (s *service) codeFor(t *testing.T, key string) string {
	t.Helper()
	var code string
	testenv.Eventually(t, 30*time.Second, func() error {
		lines := s.logLines(map[string]string{"msg": "verification code (CODE_SENDER=log)", "account": key})
		if len(lines) == 0 {
			return fmt.Errorf("no code for %s in the log:\n%s", key, s.log())
		}
		code, _ = lines[len(lines)-1]["code"].(string)
		return nil
	})
	return code
}

// envelope is the app API's answer.
type envelope struct {
	Status  int
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// call sends body (nil for none) as JSON and decodes the envelope.
func (s *service) call(t *testing.T, method, path, token string, body any) envelope {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	var e envelope
	e.Status = request(t, method, s.URL+path, "application/json; charset=utf-8", token, rd, &e)
	return e
}

// want fails unless e carries code (HTTP status too when status is not 0).
func (e envelope) want(t *testing.T, what string, status, code int) envelope {
	t.Helper()
	if e.Code != code || status != 0 && e.Status != status {
		t.Fatalf("%s: HTTP %d code %d %q, want HTTP %d code %d", what, e.Status, e.Code, e.Message, status, code)
	}
	return e
}

// tokenPair is the data of register, access_token and refresh_token.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresAt    string `json:"expires_at"`
	ExpiresIn    int64  `json:"expires_in"`
}

func (e envelope) tokens(t *testing.T) tokenPair {
	t.Helper()
	var p tokenPair
	if err := json.Unmarshal(e.Data, &p); err != nil || p.AccessToken == "" || p.RefreshToken == "" {
		t.Fatalf("token data %s: %v", e.Data, err)
	}
	return p
}
