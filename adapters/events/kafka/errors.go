package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	kafkago "github.com/segmentio/kafka-go"
)

// PublishError is a failed Publish, summarised so that it stays a few
// hundred bytes however many messages failed: kafka-go's own error repeats
// the cause once per message.
type PublishError struct {
	// Failed of Total messages of the part being written were not written.
	Failed, Total int
	// Attempts is how many times the part was tried.
	Attempts int
	// Kinds are the distinct kinds of error, in the order first seen.
	Kinds []string
	// First is the first error.
	First error
}

// maxKinds bounds how many distinct error kinds the message names.
const maxKinds = 4

func newPublishError(errs []error, failed, total, attempts int) *PublishError {
	e := &PublishError{Failed: failed, Total: total, Attempts: attempts}
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		if e.First == nil {
			e.First = err
		}
		if k := kind(err); !seen[k] {
			seen[k] = true
			e.Kinds = append(e.Kinds, k)
		}
	}
	if e.First == nil {
		e.First = errors.New("unknown error")
	}
	return e
}

func (e *PublishError) Error() string {
	kinds := e.Kinds
	more := ""
	if len(kinds) > maxKinds {
		more = fmt.Sprintf(" and %d more", len(kinds)-maxKinds)
		kinds = kinds[:maxKinds]
	}
	return fmt.Sprintf("kafka: %d of %d messages not written after %d attempts; errors: %s%s; first: %s",
		e.Failed, e.Total, e.Attempts, strings.Join(kinds, ", "), more, clip(e.First.Error(), 160))
}

// Unwrap returns the first error, for errors.Is and errors.As.
func (e *PublishError) Unwrap() error { return e.First }

// failures returns the messages of part that failed and their errors. A
// kafka-go WriteErrors names each message's error; any other error failed
// the whole part.
func failures(part []kafkago.Message, err error) ([]kafkago.Message, []error) {
	var werrs kafkago.WriteErrors
	if !errors.As(err, &werrs) || len(werrs) != len(part) {
		return part, []error{err}
	}
	var failed []kafkago.Message
	var errs []error
	for i, e := range werrs {
		if e != nil {
			failed = append(failed, part[i])
			errs = append(errs, e)
		}
	}
	return failed, errs
}

func allRetriable(errs []error) bool {
	for _, err := range errs {
		if !Retriable(err) {
			return false
		}
	}
	return len(errs) > 0
}

// Retriable reports whether err is one Kafka documents as retriable (not
// leader, leader not available, request timed out, not enough replicas, …)
// or a network failure that a new connection may not meet.
func Retriable(err error) bool {
	var kerr kafkago.Error
	if errors.As(err, &kerr) {
		return kerr.Temporary()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	var nerr net.Error
	return errors.As(err, &nerr)
}

// kind names the kind of err in a few words: the Kafka error code and
// title, or the network failure.
func kind(err error) string {
	var kerr kafkago.Error
	var errno syscall.Errno
	var nerr net.Error
	switch {
	case errors.As(err, &kerr):
		return fmt.Sprintf("[%d] %s", int(kerr), kerr.Title())
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the broker"
	case errors.As(err, &errno):
		return errno.Error()
	case errors.As(err, &nerr) && nerr.Timeout():
		return "i/o timeout"
	}
	return clip(err.Error(), 60)
}

// clip shortens s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
