package e2e

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/campushub/campushub/test/testenv"
)

func TestServesOnEveryBackend(t *testing.T) {
	testenv.EachBackendURL(t, func(t *testing.T, url string) {
		base := startService(t, map[string]string{"DATABASE_URL": url}).URL
		// Live at once; ready once every dependency has answered (the
		// embedded broker may still be starting right after /healthz).
		for _, path := range []string{"/healthz", "/readyz"} {
			testenv.Eventually(t, time.Minute, func() error {
				resp, err := http.Get(base + path)
				if err != nil {
					t.Fatalf("GET %s: %v", path, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("GET %s = %s %s, want 200", path, resp.Status, body)
				}
				return nil
			})
		}
	})
}
