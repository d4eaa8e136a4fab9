package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

// lockedBuffer is an io.Writer the test reads while the buffer writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLoggerBuffersInfoAndWritesWarningsAtOnce(t *testing.T) {
	out := &lockedBuffer{}
	cfg := Config{LogLevel: "info", LogFormat: "json", LogFlushInterval: time.Hour}
	log, closeLog := newLogger(cfg, out)
	log.Info("first")
	log.Info("second")
	if got := out.String(); got != "" {
		t.Fatalf("info lines written before any flush: %q", got)
	}
	log.Warn("third")
	got := out.String()
	for _, msg := range []string{"first", "second", "third"} {
		if !strings.Contains(got, `"msg":"`+msg+`"`) {
			t.Errorf("after a warning the log lacks %q:\n%s", msg, got)
		}
	}
	if out.writes != 1 {
		t.Errorf("%d writes, want the three lines in one", out.writes)
	}
	log.Info("last")
	closeLog()
	if !strings.Contains(out.String(), `"msg":"last"`) {
		t.Errorf("closing the logger did not write the last line:\n%s", out.String())
	}
}

func TestLoggerWritesBufferedLinesWithinTheInterval(t *testing.T) {
	out := &lockedBuffer{}
	log, closeLog := newLogger(Config{LogLevel: "info", LogFormat: "text", LogFlushInterval: 10 * time.Millisecond}, out)
	defer closeLog()
	log.Info("waiting")
	testenv.WaitFor(t, 30*time.Second, "the buffered line to be written", func() bool { return strings.Contains(out.String(), "msg=waiting") })
}

func TestLoggerWritesAFullBufferAtOnce(t *testing.T) {
	out := &lockedBuffer{}
	log, closeLog := newLogger(Config{LogLevel: "info", LogFormat: "json", LogFlushInterval: time.Hour}, out)
	defer closeLog()
	line := strings.Repeat("x", 1000)
	for range logBufferSize/1000 + 1 {
		log.Info(line)
	}
	if n := strings.Count(out.String(), "\n"); n == 0 {
		t.Fatal("a full buffer was not written")
	}
}

func TestLoggerWithoutIntervalWritesEveryLine(t *testing.T) {
	out := &lockedBuffer{}
	log, closeLog := newLogger(Config{LogLevel: "info", LogFormat: "json"}, out)
	defer closeLog()
	log.Info("one")
	log.Info("two")
	if out.writes != 2 {
		t.Fatalf("%d writes, want one per line", out.writes)
	}
}
