package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logBuffer gathers log lines and writes them in batches: when
// logBufferSize bytes have gathered, at least every interval, whenever a
// line at warn or above is logged (see flushOn) and at Close. With one JSON
// access-log line per request, writing each line with its own system call
// cost a sixth of the service's CPU on authenticated reads; batched, it is
// a few system calls a second. A line is never dropped: a full buffer is
// written by the writer that filled it. What a crash (SIGKILL, a fatal
// runtime error) can lose is at most interval of info and debug lines.
type logBuffer struct {
	out io.Writer

	mu  sync.Mutex
	buf []byte

	stop chan struct{}
	done chan struct{}
}

// logBufferSize is how many bytes gather before a write.
const logBufferSize = 64 << 10

// newLogBuffer writes to out at least every interval until Close.
func newLogBuffer(out io.Writer, interval time.Duration) *logBuffer {
	b := &logBuffer{out: out, buf: make([]byte, 0, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go b.run(interval)
	return b
}

func (b *logBuffer) run(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			_ = b.Flush()
		}
	}
}

// Write keeps p (one log line: slog writes each line with one call) and
// writes the gathered lines once they reach logBufferSize.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferSize {
		return len(p), b.flushLocked()
	}
	return len(p), nil
}

// Flush writes what has gathered.
func (b *logBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *logBuffer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.out.Write(b.buf)
	if cap(b.buf) > 4*logBufferSize {
		b.buf = make([]byte, 0, logBufferSize) // one huge line does not stay allocated
	} else {
		b.buf = b.buf[:0]
	}
	return err
}

// Close stops the periodic writes and writes what is left.
func (b *logBuffer) Close() error {
	close(b.stop)
	<-b.done
	return b.Flush()
}

// flushOn is a slog.Handler that writes the buffer out after every record
// at level or above, so warnings and errors reach the log at once, with the
// lines before them.
type flushOn struct {
	slog.Handler
	buf   *logBuffer
	level slog.Level
}

func (h flushOn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= h.level {
		if ferr := h.buf.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOn) WithAttrs(as []slog.Attr) slog.Handler {
	return flushOn{Handler: h.Handler.WithAttrs(as), buf: h.buf, level: h.level}
}

func (h flushOn) WithGroup(name string) slog.Handler {
	return flushOn{Handler: h.Handler.WithGroup(name), buf: h.buf, level: h.level}
}
