package main

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/campushub/campushub/adapters/http/server"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/docs"
)

// testHandler builds the full handler the way serve does, on a temporary
// SQLite file, and returns it with its database.
func testHandler(t *testing.T) (http.Handler, *storage.DB, Config) {
	t.Helper()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "openapi.db")
	cfg, err := LoadConfig(func(name string) string {
		if name == "DATABASE_URL" {
			return dbURL
		}
		return ""
	})
	if err != nil {
		t.Fatalf("default configuration: %v", err)
	}
	log := slog.New(slog.DiscardHandler)
	db, err := openDB(context.Background(), cfg, log, true)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	reg := prometheus.NewRegistry()
	w, err := wire(cfg, db, log, reg)
	if err != nil {
		t.Fatalf("wire: %v", err)
	}
	h := server.New(server.Options{
		Logger: log, Registry: reg, BodyLimit: cfg.BodyLimit, OpenAPI: docs.OpenAPI,
		Families: w.families, Mounts: w.mounts,
	})
	return h, db, cfg
}

// registeredRoutes lists the full handler's "METHOD /pattern" routes.
// chi's trailing "/*" wildcard mounts are left out: they are not API routes.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	h, _, _ := testHandler(t)
	all, err := server.Routes(h)
	if err != nil {
		t.Fatalf("walk routes: %v", err)
	}
	if len(all) == 0 {
		t.Fatal("the handler lists no routes")
	}
	var routes []string
	for _, r := range all {
		if !strings.HasSuffix(r, "/*") {
			routes = append(routes, r)
		}
	}
	sort.Strings(routes)
	return routes
}

// documentedRoutes reads the served OpenAPI document's paths as
// "METHOD /pattern".
func documentedRoutes(t *testing.T) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(docs.OpenAPI, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml is not valid YAML: %v", err)
	}
	methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	var out []string
	for path, ops := range doc.Paths {
		for op := range ops {
			if slices.Contains(methods, op) {
				out = append(out, strings.ToUpper(op)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	documented := documentedRoutes(t)
	for _, r := range registeredRoutes(t) {
		if !slices.Contains(documented, r) {
			t.Errorf("%s is served but missing from docs/openapi.yaml", r)
		}
	}
}

func TestOpenAPIDescribesNoMissingRoute(t *testing.T) {
	registered := registeredRoutes(t)
	for _, r := range documentedRoutes(t) {
		if !slices.Contains(registered, r) {
			t.Errorf("docs/openapi.yaml describes %s, which the service does not serve", r)
		}
	}
}

// TestOpenAPIAnswersHaveSchemas: every answer of every operation, success
// and error, names its content and a schema for it, directly or through a
// shared response.
func TestOpenAPIAnswersHaveSchemas(t *testing.T) {
	type response struct {
		Ref     string `yaml:"$ref"`
		Content map[string]struct {
			Schema map[string]any `yaml:"schema"`
		} `yaml:"content"`
	}
	var doc struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Responses map[string]response `yaml:"responses"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(docs.OpenAPI, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	methods := []string{"get", "put", "post", "delete", "patch"}
	for path, item := range doc.Paths {
		for method, node := range item {
			if !slices.Contains(methods, method) {
				continue
			}
			var op struct {
				Responses map[string]response `yaml:"responses"`
			}
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s %s documents no answer", strings.ToUpper(method), path)
			}
			for status, r := range op.Responses {
				if r.Ref != "" {
					r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
				}
				if len(r.Content) == 0 {
					t.Errorf("%s %s: answer %s has no content", strings.ToUpper(method), path, status)
				}
				for ct, c := range r.Content {
					if len(c.Schema) == 0 {
						t.Errorf("%s %s: answer %s (%s) has no schema", strings.ToUpper(method), path, status, ct)
					}
				}
			}
		}
	}
}
