// Package walkthrough runs the README's walk-through as a newcomer would:
// every ```sh block under "## Walk-through", in order, in one bash, against
// the binary built from this checkout. The README and what the service does
// cannot drift apart unnoticed.
package walkthrough

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// walkthroughBlocks returns the sh blocks of the README's walk-through
// section, in order.
func walkthroughBlocks(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "\n## Walk-through\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Walk-through" section`)
	}
	text = text[start+1:]
	if end := strings.Index(text[3:], "\n## "); end >= 0 {
		text = text[:end+3]
	}
	var blocks []string
	for {
		i := strings.Index(text, "```sh\n")
		if i < 0 {
			break
		}
		text = text[i+len("```sh\n"):]
		j := strings.Index(text, "\n```")
		if j < 0 {
			t.Fatal("an sh block of the walk-through is not closed")
		}
		blocks = append(blocks, text[:j])
		text = text[j+4:]
	}
	if len(blocks) < 5 {
		t.Fatalf("the walk-through has %d sh blocks; expected its sections", len(blocks))
	}
	return blocks
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestREADMEWalkthrough runs the blocks with bash -e in a temporary
// directory. The one thing it supplies is `make build`: the test has built
// bin/campushub from this checkout already. It sets HTTP_ADDR (and B) to a
// free port and keeps the operations listener and the embedded broker off
// their fixed ports, so it runs beside other servers.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("walkthrough: skipped in -short mode")
	}
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("walkthrough: %s is not installed; the README's walk-through needs bash, curl and python3", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "campushub")
	build := exec.Command("go", "build", "-o", bin, "./cmd/campushub")
	build.Dir = repoRoot()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freePort(t)
	script := "set -euo pipefail\nmake() { [ \"$*\" = build ] && test -x bin/campushub; }\n" +
		strings.Join(walkthroughBlocks(t), "\n")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"B=http://"+addr, "HTTP_ADDR="+addr, "OPS_ADDR=off", "EVENTS_BROKER=none",
		"DATABASE_URL=sqlite:"+filepath.Join(dir, "campushub.db"), "BCRYPT_COST=4")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	// The walk-through leaves the service and the endpoint running in the
	// background, as a newcomer's shell would: stop the whole group.
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "campushub.log"))
		t.Fatalf("the README's walk-through failed: %v\n--- output\n%s\n--- campushub.log (end)\n%s", err, out.String(), tail(string(log), 3000))
	}
	for _, want := range []string{`"access_token"`, `"push_count"`, `webhook msg_`, `"activity_name":"Annual meeting"`, `"kind":"signin"`, `"created":2`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the walk-through's output lacks %s:\n%s", want, out.String())
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
