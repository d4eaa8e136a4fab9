package e2e

import (
	"net/http"
	"testing"

	"github.com/campushub/campushub/test/testenv"
)

func TestServesOnEveryBackend(t *testing.T) {
	testenv.EachBackendURL(t, func(t *testing.T, url string) {
		base, stop := startServer(t, map[string]string{"DATABASE_URL": url})
		defer stop()
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %s, want 200", path, resp.Status)
			}
		}
	})
}
