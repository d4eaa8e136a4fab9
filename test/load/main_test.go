package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the bare baseline when the
// harness starts it as one.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "bare-server" {
		serveBare(os.Args[2])
		return
	}
	os.Exit(m.Run())
}

// TestHarnessSmoke runs every scenario briefly against the built binary and
// checks the plumbing: every request succeeded and the table was printed.
// The figures of so short a run mean nothing and are not looked at.
func TestHarnessSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the service; skipped with -short")
	}
	t.Setenv("DATABASE_URL", "")
	var out bytes.Buffer
	err := run([]string{"-duration", "1s", "-connections", "4", "-push-devices", "300", "-scenarios", "bare,read,read-half,login,receive1,receive4,push"}, &out)
	if err != nil {
		t.Fatalf("harness: %v\n%s", err, out.String())
	}
	table := out.String()
	for _, name := range []string{"bare", "read", "read-half", "login", "receive1", "receive4", "push"} {
		line := ""
		for _, l := range strings.Split(table, "\n") {
			if strings.HasPrefix(l, name+" ") {
				line = l
			}
		}
		if line == "" {
			t.Fatalf("no row for %s in:\n%s", name, table)
		}
		if !strings.Contains(line, " none ") {
			t.Errorf("%s had errors: %s", name, line)
		}
		if strings.Contains(line, "NOT all delivered") {
			t.Errorf("%s: %s", name, line)
		}
	}
	if !strings.Contains(table, "service peak RSS:") {
		t.Errorf("no RSS line in:\n%s", table)
	}
}
