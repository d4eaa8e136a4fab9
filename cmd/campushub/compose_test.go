package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of docker-compose.yml the checks below read.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Ports       []string          `yaml:"ports"`
		Environment map[string]string `yaml:"environment"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatalf("read docker-compose.yml: %v", err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("parse docker-compose.yml: %v", err)
	}
	return c
}

func TestComposeSetsOnlyKnownSettings(t *testing.T) {
	c := loadCompose(t)
	known := SettingNames()
	env := c.Services["campushub"].Environment
	if len(env) == 0 {
		t.Fatal("the campushub service sets no environment")
	}
	for name := range env {
		if !slices.Contains(known, name) {
			t.Errorf("docker-compose.yml sets %s, which the service does not read", name)
		}
	}
	wants := []struct{ name, prefix string }{
		{"DATABASE_URL", "postgres://"},
		{"EVENTS_BROKER", "kafka"},
		{"KAFKA_BROKERS", "kafka:9092"},
		{"HTTP_ADDR", ":8080"},
	}
	for _, w := range wants {
		if v := env[w.name]; !strings.HasPrefix(v, w.prefix) {
			t.Errorf("campushub %s = %q, want it to start with %q", w.name, v, w.prefix)
		}
	}
	// The configuration it sets must load: defaults substituted for ${VAR:-default}.
	cfg, err := LoadConfig(func(name string) string { return composeDefault(env[name]) })
	if err != nil {
		t.Fatalf("the compose environment does not load: %v", err)
	}
	if cfg.EventsBroker != "kafka" {
		t.Errorf("EventsBroker = %q, want kafka", cfg.EventsBroker)
	}
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	for _, name := range []string{"campushub", "postgres", "kafka"} {
		svc, ok := c.Services[name]
		if !ok {
			t.Errorf("service %s is missing", name)
			continue
		}
		if svc.Healthcheck == nil || len(svc.Healthcheck.Test) == 0 {
			t.Errorf("service %s has no healthcheck", name)
		}
		if name != "campushub" && (svc.Image == "" || strings.HasSuffix(svc.Image, ":latest") || !strings.Contains(svc.Image, ":")) {
			t.Errorf("service %s image %q is not pinned to a tag", name, svc.Image)
		}
	}
	app := c.Services["campushub"]
	if !slices.ContainsFunc(app.Ports, func(p string) bool { return strings.HasSuffix(p, ":8080") }) {
		t.Errorf("campushub publishes %v, want port 8080", app.Ports)
	}
	for _, dep := range []string{"postgres", "kafka"} {
		if got := app.DependsOn[dep].Condition; got != "service_healthy" {
			t.Errorf("campushub depends on %s with condition %q, want service_healthy", dep, got)
		}
	}
	if len(c.Volumes) == 0 {
		t.Error("no named volume for the database")
	}
}

// composeDefault resolves a value the way compose does when no variable of
// the shell overrides it: ${NAME:-default} becomes default.
func composeDefault(v string) string {
	var b strings.Builder
	for {
		start := strings.Index(v, "${")
		if start < 0 {
			b.WriteString(v)
			return b.String()
		}
		end := strings.Index(v[start:], "}")
		if end < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(v[:start])
		if _, def, ok := strings.Cut(v[start+2:start+end], ":-"); ok {
			b.WriteString(def)
		}
		v = v[start+end+1:]
	}
}

// TestComposeFallbacksFollowDefaults keeps the ${VAR:-fallback} values of
// docker-compose.yml equal to the service's own defaults, so a deployment
// that overrides nothing runs as documented in README.md.
func TestComposeFallbacksFollowDefaults(t *testing.T) {
	env := loadCompose(t).Services["campushub"].Environment
	for _, s := range settings {
		v, ok := env[s.Name]
		if !ok || !strings.HasPrefix(v, "${"+s.Name+":-") {
			continue // not set, or deliberately fixed for the compose deployment
		}
		if got := composeDefault(v); got != s.Default {
			t.Errorf("docker-compose.yml falls back to %s=%q, the service's default is %q", s.Name, got, s.Default)
		}
	}
}
