package account_test

import (
	"errors"
	"testing"

	"github.com/campushub/campushub/domain/shared"
)

// wantField fails unless err is a domain error of kind Invalid naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var e *shared.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a domain error naming %q", err, field)
	}
	if e.Kind != shared.KindInvalid || e.Field != field {
		t.Fatalf("error = %+v, want kind Invalid on field %q", e, field)
	}
}
