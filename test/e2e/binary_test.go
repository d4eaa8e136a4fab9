// Package e2e drives the built campushub binary from the outside: it starts
// the real executable on a free port and talks to it over HTTP.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildLog  []byte
)

// buildBinary compiles ./cmd/campushub once per test binary and returns the
// path of the executable.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "campushub-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "campushub")
		cmd := exec.Command("go", "build", "-o", buildPath, "./cmd/campushub")
		cmd.Dir = repoRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildLog, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/campushub: %v\n%s", buildErr, buildLog)
	}
	return buildPath
}

// repoRoot is the module root, two directories above this file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// run starts the binary with args and env (added to a minimal environment)
// and waits for it to exit.
func run(t *testing.T, env map[string]string, args ...string) (exitCode int, output string) {
	t.Helper()
	bin := buildBinary(t) // before the minute starts: a build on a busy machine can take longer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = environ(env)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("campushub %v did not exit within a minute; output:\n%s", args, out.String())
	}
	if exitErr, ok := err.(*exec.ExitError); ok {
		return exitErr.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatalf("run campushub: %v", err)
	}
	return 0, out.String()
}

// environ is PATH and HOME plus env, so settings of the machine running the
// tests do not leak into the service. The operations listener takes a free
// port unless env names one, so services started side by side do not
// compete for the default 127.0.0.1:9090.
func environ(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if _, ok := env["OPS_ADDR"]; !ok {
		out = append(out, "OPS_ADDR=127.0.0.1:0")
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// freeAddr returns a 127.0.0.1 address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// restartableAddr returns a free 127.0.0.1 address whose port lies below
// Linux's ephemeral range (32768–60999), for a server a test stops and
// starts again on the same port: while it is down its clients keep
// dialling it, and a port inside the ephemeral range can be taken by one of
// those dials as its own source port (TCP connects to itself), so the
// restart would find it in use.
func restartableAddr(t *testing.T) string {
	t.Helper()
	for i := 0; i < 200; i++ {
		addr := "127.0.0.1:" + strconv.Itoa(20000+mrand.IntN(12000))
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		l.Close()
		return addr
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// request sends one HTTP request with an optional Content-Type and
// `Authorization: Token`, and decodes the JSON answer into reply, whose
// Status field the caller sets from the returned status.
func request(t *testing.T, method, url, contentType, token string, body io.Reader, reply any) (status int) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, reply); err != nil {
		t.Fatalf("%s %s: HTTP %d, not a JSON envelope: %s", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode
}
