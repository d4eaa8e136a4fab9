package httpkit

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestAccessLogLineIsBounded(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	h := Observe(log, nil)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }))
	long := "/api/" + strings.Repeat("é", 1<<19)
	h.ServeHTTP(httptest.NewRecorder(), &http.Request{Method: http.MethodGet, URL: &url.URL{Path: long}, Header: http.Header{}})
	line := buf.String()
	if len(line) > 1024 || !strings.Contains(line, "…") || !strings.Contains(line, `"status":404`) {
		t.Fatalf("an access log line of %d bytes for a long path: %.300s", len(line), line)
	}
}
