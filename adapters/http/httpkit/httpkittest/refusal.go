// Package httpkittest holds what the transport's fuzz and decoder tests
// share: the statement of what a refused request must look like.
package httpkittest

import (
	"slices"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/shared"
)

// MaxMessage bounds what a refusal says: a message names the problem, it
// does not echo the request back.
const MaxMessage = 512

// WantRefusal fails unless err is a documented bad-input error: a domain
// error of the invalid kind (or the body-size error) that answers 4xx,
// names a field (one of fields, when given) and says what is wrong in a
// bounded message.
func WantRefusal(tb testing.TB, what string, err error, fields ...string) {
	tb.Helper()
	e, ok := httpkit.AsError(err)
	if !ok {
		tb.Fatalf("%s: %v is not a domain error; it would answer 500", what, err)
	}
	if st := httpkit.Status(err); st < 400 || st > 499 || e.Kind != shared.KindInvalid {
		tb.Fatalf("%s: %v is kind %v, HTTP %d; want a 4xx bad-input error", what, err, e.Kind, st)
	}
	if len(e.Error()) > MaxMessage || len(e.Field) > MaxMessage {
		tb.Fatalf("%s: a refusal of %d bytes (field of %d): want at most %d", what, len(e.Error()), len(e.Field), MaxMessage)
	}
	if e.Code == httpkit.ErrBodyTooLarge.Code {
		return
	}
	if e.Message == "" {
		tb.Fatalf("%s: a refusal without a message", what)
	}
	if len(fields) > 0 && !slices.Contains(fields, e.Field) {
		tb.Fatalf("%s: field %q (%v), want one of %q", what, e.Field, e, fields)
	}
}
