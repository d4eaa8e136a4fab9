package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/adapters/http/server"
)

// TestConsoleIsOnByDefaultAndCanBeTurnedOff serves /console/ with the
// default settings and not with CONSOLE_ENABLED=false.
func TestConsoleIsOnByDefaultAndCanBeTurnedOff(t *testing.T) {
	for _, tc := range []struct {
		enabled string
		want    int
	}{{"", http.StatusOK}, {"false", http.StatusNotFound}} {
		t.Run("CONSOLE_ENABLED="+tc.enabled, func(t *testing.T) {
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "console.db")
			cfg, err := LoadConfig(func(name string) string {
				switch name {
				case "DATABASE_URL":
					return dbURL
				case "CONSOLE_ENABLED":
					return tc.enabled
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.DiscardHandler)
			db, err := openDB(context.Background(), cfg, log, true)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			reg := prometheus.NewRegistry()
			w, err := wire(cfg, db, log, reg)
			if err != nil {
				t.Fatal(err)
			}
			h := server.New(server.Options{Logger: log, Registry: reg, BodyLimit: cfg.BodyLimit, Families: w.families, Mounts: w.mounts})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/console/login", nil))
			if rec.Code != tc.want {
				t.Fatalf("GET /console/login: %d, want %d", rec.Code, tc.want)
			}
			if tc.want == http.StatusOK && !strings.Contains(rec.Body.String(), `action="/console/login"`) {
				t.Fatalf("the sign-in page is not served:\n%s", rec.Body.String())
			}
		})
	}
}
