package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/ratelimit"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatalf("LoadConfig with no environment: %v", err)
	}
	cases := []struct {
		name string
		got  any
		want any
	}{
		{"HTTP_ADDR", c.HTTPAddr, ":8080"},
		{"DATABASE_URL", c.DatabaseURL, "sqlite:campushub.db"},
		{"DB_AUTO_MIGRATE", c.AutoMigrate, true},
		{"TIMEZONE", c.Timezone.String(), "Asia/Shanghai"},
		{"LOG_LEVEL", c.LogLevel, "info"},
		{"LOG_FORMAT", c.LogFormat, "json"},
		{"HTTP_BODY_LIMIT", c.BodyLimit, int64(1 << 20)},
		{"SHUTDOWN_TIMEOUT", c.ShutdownTimeout, 15 * time.Second},
		{"CODE_SENDER", c.CodeSender, "log"},
		{"SMTP_PORT", c.SMTPPort, 587},
		{"SMTP_TLS", c.SMTPTLS, "starttls"},
		{"BCRYPT_COST", c.BcryptCost, 10},
		{"ACCESS_TOKEN_TTL", c.AccessTokenTTL, 604800 * time.Second},
		{"REFRESH_TOKEN_TTL", c.RefreshTokenTTL, 30 * 24 * time.Hour},
		{"CODE_TTL", c.CodeTTL, 5 * time.Minute},
		{"CODE_INTERVAL", c.CodeInterval, time.Minute},
		{"CODE_DAILY_LIMIT", c.CodeDailyLimit, 10},
		{"LOGIN_MAX_FAILURES", c.LoginMaxFailures, 5},
		{"LOGIN_LOCK_DURATION", c.LoginLockDuration, 15 * time.Minute},
		{"PUSH_PROVIDER", c.PushProvider, "log"},
		{"WEBHOOK_ALLOW_PRIVATE", c.WebhookAllowPrivate, false},
		{"EVENTS_BROKER", c.EventsBroker, "embedded"},
		{"NATS_URL", c.NATSURLs, []string{"nats://127.0.0.1:4222"}},
		{"NATS_EMBEDDED_PORT", c.NATSEmbeddedPort, 4222},
		{"NATS_STREAM", c.NATSStream, "CAMPUSHUB"},
		{"NATS_DUPLICATE_WINDOW", c.NATSDuplicateWindow, 2 * time.Minute},
		{"KAFKA_BROKERS", c.KafkaBrokers, []string{"localhost:9092"}},
		{"TRUSTED_PROXIES", len(c.TrustedProxies), 0},
		{"RATE_LIMIT_SEND_CODE", c.RateSendCode, ratelimit.Rate{Burst: 20, Per: time.Hour}},
		{"RATE_LIMIT_LOGIN", c.RateLogin, ratelimit.Rate{Burst: 30, Per: 15 * time.Minute}},
		{"RATE_LIMIT_PER_TOKEN", c.RatePerToken.Off(), true},
		{"RATE_LIMIT_WX_RECEIVE", c.RateWXReceive.Off(), true},
		{"CODE_BUDGET_PER_DAY", c.CodeBudgetDay, 5000},
		{"CODE_AREAS", c.CodeAreas, codeAreas{"86"}},
		{"OPS_ADDR", c.OpsAddr, "127.0.0.1:9090"},
		{"PPROF_ENABLED", c.PprofEnabled, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
			}
		})
	}
}

func TestLoadConfigReadsTheEnvironment(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{
		"HTTP_ADDR": "127.0.0.1:9000", "BCRYPT_COST": "4", "LOGIN_MAX_FAILURES": "3",
		"CODE_INTERVAL": "2m", "DB_AUTO_MIGRATE": "false", "TIMEZONE": "UTC", "KAFKA_BROKERS": " a:1 , b:2 ,",
		"TRUSTED_PROXIES": "10.0.0.0/8, 192.168.0.1", "RATE_LIMIT_LOGIN": "5/1m", "CODE_AREAS": "*",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:9000" || len(c.TrustedProxies) != 2 || c.RateLogin != (ratelimit.Rate{Burst: 5, Per: time.Minute}) || c.CodeAreas != nil || c.BcryptCost != 4 || c.LoginMaxFailures != 3 || c.CodeInterval != 2*time.Minute ||
		c.AutoMigrate || c.Timezone != time.UTC || !reflect.DeepEqual(c.KafkaBrokers, []string{"a:1", "b:2"}) {
		t.Fatalf("config %+v", c)
	}
}

func TestLoadConfigReportsBadValuesByName(t *testing.T) {
	cases := []struct {
		name  string
		vars  map[string]string
		names []string // every one must be named in the error
	}{
		{name: "number", vars: map[string]string{"BCRYPT_COST": "ten"}, names: []string{"BCRYPT_COST"}},
		{name: "number out of range", vars: map[string]string{"BCRYPT_COST": "3"}, names: []string{"BCRYPT_COST"}},
		{name: "duration", vars: map[string]string{"CODE_TTL": "five minutes"}, names: []string{"CODE_TTL"}},
		{name: "negative duration", vars: map[string]string{"LOGIN_LOCK_DURATION": "-1m"}, names: []string{"LOGIN_LOCK_DURATION"}},
		{name: "boolean", vars: map[string]string{"DB_AUTO_MIGRATE": "maybe"}, names: []string{"DB_AUTO_MIGRATE"}},
		{name: "time zone", vars: map[string]string{"TIMEZONE": "Mars/Olympus"}, names: []string{"TIMEZONE"}},
		{name: "body limit", vars: map[string]string{"HTTP_BODY_LIMIT": "0"}, names: []string{"HTTP_BODY_LIMIT"}},
		{name: "log level", vars: map[string]string{"LOG_LEVEL": "loud"}, names: []string{"LOG_LEVEL"}},
		{name: "code sender", vars: map[string]string{"CODE_SENDER": "pigeon"}, names: []string{"CODE_SENDER"}},
		{name: "smtp without host", vars: map[string]string{"CODE_SENDER": "smtp"}, names: []string{"SMTP_HOST"}},
		{name: "rate", vars: map[string]string{"RATE_LIMIT_SEND_CODE": "20 per hour"}, names: []string{"RATE_LIMIT_SEND_CODE"}},
		{name: "trusted proxies", vars: map[string]string{"TRUSTED_PROXIES": "lb.internal"}, names: []string{"TRUSTED_PROXIES"}},
		{name: "code areas", vars: map[string]string{"CODE_AREAS": "86,china"}, names: []string{"CODE_AREAS"}},
		{name: "negative budget", vars: map[string]string{"CODE_BUDGET_PER_DAY": "-1"}, names: []string{"CODE_BUDGET_PER_DAY"}},
		{name: "ops on the public address", vars: map[string]string{"OPS_ADDR": ":8080"}, names: []string{"OPS_ADDR"}},
		{name: "broker", vars: map[string]string{"EVENTS_BROKER": "rabbit"}, names: []string{"EVENTS_BROKER"}},
		{name: "nats without servers", vars: map[string]string{"EVENTS_BROKER": "nats", "NATS_URL": " , "}, names: []string{"NATS_URL"}},
		{name: "nats two logins", vars: map[string]string{"EVENTS_BROKER": "nats", "NATS_TOKEN": "t", "NATS_USER": "u"}, names: []string{"NATS_"}},
		{name: "embedded port", vars: map[string]string{"NATS_EMBEDDED_PORT": "70000"}, names: []string{"NATS_EMBEDDED_PORT"}},
		{name: "stream retention", vars: map[string]string{"NATS_STREAM_RETENTION": "workqueue"}, names: []string{"NATS_STREAM_RETENTION"}},
		{name: "stream replicas", vars: map[string]string{"EVENTS_BROKER": "nats", "NATS_STREAM_REPLICAS": "7"}, names: []string{"NATS_STREAM_REPLICAS"}},
		{name: "stream max bytes", vars: map[string]string{"NATS_STREAM_MAX_BYTES": "-5"}, names: []string{"NATS_STREAM_MAX_BYTES"}},
		{name: "no delivery attempts", vars: map[string]string{"WEBHOOK_MAX_ATTEMPTS": "0"}, names: []string{"WEBHOOK_MAX_ATTEMPTS"}},
		{name: "disable after a count", vars: map[string]string{"WEBHOOK_DISABLE_AFTER": "20"}, names: []string{"WEBHOOK_DISABLE_AFTER"}},
		{name: "probe cap below the interval", vars: map[string]string{"WEBHOOK_PROBE_INTERVAL": "10s", "WEBHOOK_PROBE_MAX": "5s"}, names: []string{"WEBHOOK_PROBE_MAX"}},
		{name: "several at once", vars: map[string]string{"SMTP_PORT": "x", "CODE_INTERVAL": "y", "LOG_FORMAT": "xml"},
			names: []string{"SMTP_PORT", "CODE_INTERVAL", "LOG_FORMAT"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(env(tc.vars))
			if err == nil {
				t.Fatal("LoadConfig accepted a bad value")
			}
			for _, n := range tc.names {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error %q does not name %s", err, n)
				}
			}
		})
	}
}

func TestSettingNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range SettingNames() {
		if seen[n] {
			t.Errorf("setting %s is listed twice", n)
		}
		seen[n] = true
	}
}

// TestREADMEDocumentsEverySetting checks that the configuration table of
// README.md has a row for every setting, showing its default.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("README.md does not exist yet; its configuration table cannot be checked")
	}
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{} // setting name → cells of its table row
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[strings.Trim(cells[0], "`")] = cells
	}
	for _, s := range settings {
		cells, ok := rows[s.Name]
		if !ok {
			t.Errorf("README.md's configuration table has no row for %s", s.Name)
			continue
		}
		if s.Default != "" && (len(cells) < 2 || !strings.Contains(cells[1], s.Default)) {
			t.Errorf("README.md shows %s's default as %q, want %q", s.Name, cells[1], s.Default)
		}
	}
}

var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's configuration table from Config")

// configTable is README.md's configuration table as Config declares it.
func configTable() string {
	var b strings.Builder
	b.WriteString("| variable | default | what it does |\n|---|---|---|\n")
	for _, s := range settings {
		def := "(empty)"
		if s.Default != "" {
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Name, def, s.Doc)
	}
	return b.String()
}

// TestREADMEConfigurationTableIsConfig checks that README.md's configuration
// table is exactly the one Config declares: same variables, order, defaults
// and descriptions. `go test ./cmd/campushub -run ConfigurationTable
// -update-readme` rewrites it.
func TestREADMEConfigurationTableIsConfig(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	start := strings.Index(readme, "| variable | default | what it does |")
	if start < 0 {
		t.Fatal("README.md has no configuration table (header `| variable | default | what it does |`)")
	}
	end := start
	for end < len(readme) && strings.HasPrefix(readme[end:], "|") {
		next := strings.IndexByte(readme[end:], '\n')
		if next < 0 {
			end = len(readme)
			break
		}
		end += next + 1
	}
	want := configTable()
	if readme[start:end] == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile("../../README.md", []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("README.md's configuration table rewritten")
		return
	}
	got := strings.Split(readme[start:end], "\n")
	for i, line := range strings.Split(want, "\n") {
		if i >= len(got) || got[i] != line {
			t.Errorf("README.md's configuration table differs from Config at row %d:\n got: %s\nwant: %s", i-1, at(got, i), line)
			break
		}
	}
	t.Errorf("run `go test ./cmd/campushub -run ConfigurationTable -update-readme` to rewrite it from Config")
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(missing)"
}

func TestEmbeddedBrokerDirectory(t *testing.T) {
	cases := []struct {
		name, dbURL, dir string
		temp             bool
	}{
		{"sqlite file", "sqlite:campushub.db", "campushub.db.nats", false},
		{"sqlite path with options", "sqlite:///var/lib/campushub/data.db?_pragma=x", "/var/lib/campushub/data.db.nats", false},
		{"file url", "file:data/c.db", "data/c.db.nats", false},
		{"postgres", "postgres://u:p@h:5432/db", "campushub-nats", false},
		{"memory", "sqlite::memory:", "", true},
		{"memory mode", "sqlite:x.db?mode=memory", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, temp, err := Config{DatabaseURL: tc.dbURL}.embeddedDir()
			if err != nil {
				t.Fatal(err)
			}
			if temp {
				defer os.RemoveAll(dir)
			}
			if temp != tc.temp || (!temp && dir != tc.dir) {
				t.Fatalf("embeddedDir(%s) = %q, temp %v; want %q, temp %v", tc.dbURL, dir, temp, tc.dir, tc.temp)
			}
		})
	}
	dir, temp, _ := Config{DatabaseURL: "sqlite:a.db", NATSEmbeddedDir: "/srv/nats"}.embeddedDir()
	if dir != "/srv/nats" || temp {
		t.Fatalf("NATS_EMBEDDED_DIR ignored: %q", dir)
	}
}
