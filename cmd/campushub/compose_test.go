package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of a compose file the checks below read.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
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

// deployment is one compose file: the default one with Kafka, and the one
// with a NATS server.
type deployment struct {
	file   string
	broker string            // EVENTS_BROKER it sets
	wants  map[string]string // campushub variables and the prefix each must have
}

var deployments = []deployment{
	{file: "docker-compose.yml", broker: "kafka", wants: map[string]string{"KAFKA_BROKERS": "kafka:9092"}},
	{file: "docker-compose.nats.yml", broker: "nats", wants: map[string]string{"NATS_URL": "nats://nats:4222"}},
}

// forEachDeployment runs fn for every compose file.
func forEachDeployment(t *testing.T, fn func(t *testing.T, d deployment, c composeFile)) {
	for _, d := range deployments {
		t.Run(d.file, func(t *testing.T) { fn(t, d, loadCompose(t, d.file)) })
	}
}

func loadCompose(t *testing.T, file string) composeFile {
	t.Helper()
	raw, err := os.ReadFile("../../" + file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return c
}

func TestComposeSetsOnlyKnownSettings(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d deployment, c composeFile) {
		known := SettingNames()
		env := c.Services["campushub"].Environment
		if len(env) == 0 {
			t.Fatal("the campushub service sets no environment")
		}
		for name := range env {
			if !slices.Contains(known, name) {
				t.Errorf("%s sets %s, which the service does not read", d.file, name)
			}
		}
		wants := map[string]string{"DATABASE_URL": "postgres://", "EVENTS_BROKER": d.broker, "HTTP_ADDR": ":8080"}
		for name, prefix := range d.wants {
			wants[name] = prefix
		}
		for name, prefix := range wants {
			if v := env[name]; !strings.HasPrefix(v, prefix) {
				t.Errorf("campushub %s = %q, want it to start with %q", name, v, prefix)
			}
		}
		// The configuration it sets must load: defaults substituted for ${VAR:-default}.
		cfg, err := LoadConfig(func(name string) string { return composeDefault(env[name]) })
		if err != nil {
			t.Fatalf("the compose environment does not load: %v", err)
		}
		if cfg.EventsBroker != d.broker {
			t.Errorf("EventsBroker = %q, want %s", cfg.EventsBroker, d.broker)
		}
	})
}

func TestComposeServices(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d deployment, c composeFile) {
		for _, name := range []string{"campushub", "postgres", d.broker} {
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
		for _, p := range app.Ports {
			if strings.HasSuffix(p, ":9090") && !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("campushub publishes the operations listener as %q, want it on the host's loopback only", p)
			}
		}
		if !slices.Contains(app.Ports, "127.0.0.1:9090:9090") {
			t.Errorf("campushub publishes %v, want the operations listener on 127.0.0.1:9090", app.Ports)
		}
		for _, dep := range []string{"postgres", d.broker} {
			if got := app.DependsOn[dep].Condition; got != "service_healthy" {
				t.Errorf("campushub depends on %s with condition %q, want service_healthy", dep, got)
			}
		}
		if len(c.Volumes) == 0 {
			t.Error("no named volume for the data")
		}
	})
}

// TestComposeNATSServer: the NATS server of docker-compose.nats.yml is the
// official image with JetStream on, its data on a volume, and a healthcheck
// that waits for JetStream.
func TestComposeNATSServer(t *testing.T) {
	c := loadCompose(t, "docker-compose.nats.yml")
	svc := c.Services["nats"]
	if !strings.HasPrefix(svc.Image, "nats:") {
		t.Errorf("nats image %q is not the official nats image", svc.Image)
	}
	if !slices.Contains(svc.Command, "--jetstream") && !slices.Contains(svc.Command, "-js") {
		t.Errorf("nats command %v does not turn JetStream on", svc.Command)
	}
	if !slices.ContainsFunc(svc.Volumes, func(v string) bool { return strings.HasPrefix(v, "nats-data:") }) {
		t.Errorf("nats volumes %v: want the named volume nats-data", svc.Volumes)
	}
	if svc.Healthcheck == nil || !strings.Contains(strings.Join(svc.Healthcheck.Test, " "), "js-enabled-only=true") {
		t.Errorf("nats healthcheck does not wait for JetStream")
	}
	if _, ok := c.Services["kafka"]; ok {
		t.Error("docker-compose.nats.yml also runs Kafka")
	}
}

// TestComposeFilesAgree: both files wire the same settings the same way,
// apart from the broker's own.
func TestComposeFilesAgree(t *testing.T) {
	kafkaEnv := loadCompose(t, "docker-compose.yml").Services["campushub"].Environment
	natsEnv := loadCompose(t, "docker-compose.nats.yml").Services["campushub"].Environment
	own := func(name string) bool {
		return name == "EVENTS_BROKER" || strings.HasPrefix(name, "KAFKA_") || strings.HasPrefix(name, "NATS_")
	}
	for name, v := range kafkaEnv {
		if !own(name) && natsEnv[name] != v {
			t.Errorf("%s: docker-compose.yml sets %q, docker-compose.nats.yml %q", name, v, natsEnv[name])
		}
	}
	for name := range natsEnv {
		if _, ok := kafkaEnv[name]; !ok && !own(name) {
			t.Errorf("docker-compose.nats.yml sets %s, docker-compose.yml does not", name)
		}
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

// TestComposeFallbacksFollowDefaults keeps the ${VAR:-fallback} values of the
// compose files equal to the service's own defaults, so a deployment
// that overrides nothing runs as documented in README.md.
func TestComposeFallbacksFollowDefaults(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d deployment, c composeFile) {
		env := c.Services["campushub"].Environment
		for _, s := range settings {
			v, ok := env[s.Name]
			if !ok || !strings.HasPrefix(v, "${"+s.Name+":-") {
				continue // not set, or deliberately fixed for the compose deployment
			}
			if got := composeDefault(v); got != s.Default {
				t.Errorf("%s falls back to %s=%q, the service's default is %q", d.file, s.Name, got, s.Default)
			}
		}
	})
}
