package wxapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/campushub/campushub/domain/shared"
)

// TestFormNamesBadTextByKey: NUL or bytes that are not UTF-8 in a form
// field are refused naming the form key (project), not the decoded
// request's field (name).
func TestFormNamesBadTextByKey(t *testing.T) {
	cases := []struct{ name, query, body, field string }{
		{"NUL in the body", "", "url=https%3A%2F%2Fexample.com%2Fhook&project=pp%00x", "project"},
		{"NUL in the query", "url=https%3A%2F%2Fexample.com%2Fh%00ook&project=pp", "", "url"},
		{"not UTF-8", "", "url=https%3A%2F%2Fexample.com%2Fhook&project=%ff", "project"},
	}
	t.Run("NUL in the token parameter is authentication's to judge", func(t *testing.T) {
		if _, err := addRequest("token=a%00b", formCT, "url=https%3A%2F%2Fexample.com%2Fhook&project=pp"); err != nil {
			t.Fatalf("the form was refused for its token parameter: %v", err)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := addRequest(tc.query, formCT, tc.body)
			var e *shared.Error
			if !errors.As(err, &e) || e.Kind != shared.KindInvalid || e.Field != tc.field || !strings.HasPrefix(e.Message, tc.field+" ") {
				t.Fatalf("want bad input naming %s, got %v", tc.field, err)
			}
		})
	}
}
