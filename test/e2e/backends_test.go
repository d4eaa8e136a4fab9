package e2e

import (
	"net/http"
	"testing"

	"github.com/campushub/campushub/test/testenv"
)

func TestServesOnEveryBackend(t *testing.T) {
	for _, b := range testenv.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			base, stop := startServer(t, map[string]string{"DATABASE_URL": b.URL(t)})
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
}
