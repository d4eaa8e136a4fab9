package main

import (
	"bytes"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCommitScenarioSmoke runs the commit scenario briefly against the
// embedded broker and, when CAMPUSHUB_TEST_KAFKA_BROKERS is set, against
// Kafka, and checks the plumbing: every push was accepted and every event
// read back. The figures of so short a run are not looked at.
func TestCommitScenarioSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the service; skipped with -short")
	}
	cases := []struct {
		name string
		env  func(t *testing.T) map[string]string
	}{
		{"embedded", func(t *testing.T) map[string]string {
			return map[string]string{"EVENTS_BROKER": "embedded", "NATS_EMBEDDED_PORT": strconv.Itoa(freePort(t))}
		}},
		{"kafka", func(t *testing.T) map[string]string {
			brokers := os.Getenv("CAMPUSHUB_TEST_KAFKA_BROKERS")
			if brokers == "" {
				t.Skip("Kafka smoke skipped: set CAMPUSHUB_TEST_KAFKA_BROKERS")
			}
			return map[string]string{"EVENTS_BROKER": "kafka", "KAFKA_BROKERS": brokers}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", "")
			for k, v := range tc.env(t) {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			if err := run([]string{"-duration", "1s", "-scenarios", "commit"}, &out); err != nil {
				t.Fatalf("harness: %v\n%s", err, out.String())
			}
			t.Log(out.String())
			var line string
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(l, "commit ") {
					line = l
				}
			}
			switch {
			case line == "":
				t.Fatalf("no row for commit in:\n%s", out.String())
			case !strings.Contains(line, " none "):
				t.Errorf("commit had errors: %s", line)
			case strings.Contains(line, "skipped") || strings.Contains(line, "NOT all received"):
				t.Errorf("commit: %s", line)
			}
		})
	}
}

// freePort is a TCP port on 127.0.0.1 nobody listens on just now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
