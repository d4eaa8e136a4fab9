package wxrelay

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// TestFailLogIsBoundedPerProject: failed attempts give at most one line
// per project per failLogEvery, counting the failures in between, with
// the error cut to a bounded length.
func TestFailLogIsBoundedPerProject(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	var f failLog
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fail := func(pid int64) result {
		return result{d: wxrelay.Delivery{ProjectID: pid}, attempt: &wxrelay.Attempt{StatusCode: 500, Error: "HTTP 500 " + strings.Repeat("x", 5000)}}
	}
	f.note(log, []result{fail(1), fail(1), fail(2)}, t0)
	f.note(log, []result{fail(1), fail(1)}, t0.Add(time.Second))
	f.note(log, []result{fail(1)}, t0.Add(failLogEvery))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3 (project 1 twice, project 2 once):\n%s", len(lines), buf.String())
	}
	for _, l := range lines {
		if len(l) > 600 {
			t.Fatalf("a %d-byte line: %.200s…", len(l), l)
		}
	}
	if !strings.Contains(lines[2], `"project_id":1`) || !strings.Contains(lines[2], `"failed":3`) {
		t.Fatalf("the second line for project 1 does not count the 3 failures since the first: %s", lines[2])
	}
}
