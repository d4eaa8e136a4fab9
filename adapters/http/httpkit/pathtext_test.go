package httpkit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
)

// TestPathText: a text path parameter reaches the decoder as the client
// meant it, whether or not its path holds escapes that make chi match on
// the escaped path.
func TestPathText(t *testing.T) {
	cases := []struct{ name, path, want string }{
		{"plain", "/m/xxxx", "xxxx"},
		{"an escaped plus", "/m/a%2Bb", "a+b"},
		{"non-ASCII and an escaped plus", "/m/%C3%A9t%C3%A9%2B1", "été+1"},
		{"non-ASCII only", "/m/%C3%A9t%C3%A9", "été"},
		{"an escaped percent", "/m/100%25", "100%"},
		{"an escaped percent and plus", "/m/100%25%2B", "100%+"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			var err error
			m := chi.NewRouter()
			m.Get("/m/{member_id}", func(w http.ResponseWriter, r *http.Request) {
				got, err = httpkit.PathText(r, "member_id")
			})
			m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tc.path, nil))
			if err != nil || got != tc.want {
				t.Fatalf("PathText(%s) = %q, %v; want %q", tc.path, got, err, tc.want)
			}
		})
	}
}
