package shared

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Kind classifies a domain error. Transports map a kind to a status and a
// default code; a Code picks a more specific business code where the API
// documents one.
type Kind int

// The kinds of domain errors.
const (
	KindInternal        Kind = iota // something broke; details belong in the log only
	KindInvalid                     // the input breaks a rule
	KindNotFound                    // the thing asked for does not exist (for this caller)
	KindUnauthenticated             // no, a wrong, an expired or a revoked credential
	KindForbidden                   // the caller may not do this
	KindConflict                    // the change collides with existing state
	KindRateLimited                 // too many attempts in a window
	KindLocked                      // temporarily refused, e.g. a locked account
	KindUnavailable                 // an outside dependency is down
)

// Error is a domain error: a kind, a stable code naming the rule that was
// broken (e.g. "account.already_registered"), and a message for people. Field
// names the offending input field, when there is one.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
	// RetryAfter says when a refused request may be tried again, for
	// errors of KindRateLimited and KindLocked; zero when unknown.
	RetryAfter time.Duration
	// Format is Message before its values were filled in: the same words
	// whatever the input, so it names the rule where Code is generic
	// ("invalid") and a transport can word the rule in another language.
	// Args are the values (clipped) that fill it. (The web console words
	// each Format in Chinese; its test names any it does not know yet.)
	Format string
	Args   []any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Is matches two domain errors by Code, so a sentinel with its own message
// can be compared with a copy that carries a more precise one.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code
}

// WithMessage returns a copy of e with another message.
func (e *Error) WithMessage(format string, args ...any) *Error {
	c := *e
	clipArgs(args)
	c.Message, c.Format, c.Args = fmt.Sprintf(format, args...), format, args
	return &c
}

// WithRetryAfter returns a copy of e that says to try again after d.
func (e *Error) WithRetryAfter(d time.Duration) *Error {
	c := *e
	c.RetryAfter = d
	return &c
}

// RetryAfterOf returns how long err says to wait before trying again, zero
// when it does not say.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// NewError builds a domain error.
func NewError(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message, Format: message}
}

// Invalid reports a rule broken by one input field.
func Invalid(field, format string, args ...any) *Error {
	clipArgs(args)
	return &Error{Kind: KindInvalid, Code: "invalid", Field: clip(field), Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// NotFound reports a missing entity.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + " not found", Format: "%s not found", Args: []any{what}}
}

// Forbidden reports an action the caller may not take.
func Forbidden(format string, args ...any) *Error {
	clipArgs(args)
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Conflict reports a collision with existing state.
func Conflict(code, format string, args ...any) *Error {
	clipArgs(args)
	return &Error{Kind: KindConflict, Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ErrUnauthenticated is returned when a credential is missing, wrong, expired
// or revoked.
var ErrUnauthenticated = NewError(KindUnauthenticated, "unauthenticated", "invalid token: it is wrong, expired or revoked")

// ErrAlreadyExists is what repositories return on a unique-key violation;
// use cases translate it to their own conflict error.
var ErrAlreadyExists = NewError(KindConflict, "already_exists", "already exists")

// ErrNotFound is what repositories return when a row is missing.
var ErrNotFound = NewError(KindNotFound, "not_found", "not found")

// KindOf returns the kind of err, KindInternal for errors that are not
// domain errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// NotFoundAs turns a repository's ErrNotFound into the module's own
// not-found error and passes every other error through.
func NotFoundAs(err error, as *Error) error {
	if errors.Is(err, ErrNotFound) {
		return as
	}
	return err
}

// maxEcho bounds, in bytes of its quoted form, each piece of input a
// message quotes: a message names the problem; it does not echo a request
// back, however long.
const maxEcho = 96

// clipArgs clips each string argument of a message to maxEcho, in place.
func clipArgs(args []any) {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = clip(s)
		}
	}
}

// clip cuts s to the runes whose quoted form fits maxEcho bytes and marks
// the cut with "…".
func clip(s string) string {
	if len(s) <= maxEcho/4 {
		return s
	}
	n := 0
	for i, r := range s {
		w := len(strconv.QuoteRune(r)) - 2
		if r == utf8.RuneError {
			w = len(`\xff`)
		}
		if n+w > maxEcho {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}
