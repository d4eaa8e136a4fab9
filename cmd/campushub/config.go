package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the service, read from the environment once at
// start. Adapters never read the environment; they get their part of Config.
type Config struct {
	HTTPAddr        string
	DatabaseURL     string
	DBMaxOpenConns  int
	DBMaxIdleConns  int
	DBConnLifetime  time.Duration
	Timezone        *time.Location
	LogLevel        string
	LogFormat       string
	BodyLimit       int64
	ShutdownTimeout time.Duration
	AutoMigrate     bool

	// account
	CodeSender        string // log | smtp
	SMTPHost          string
	SMTPPort          int
	SMTPUsername      string
	SMTPPassword      string
	SMTPFrom          string
	SMTPTLS           string // starttls | tls | none
	BcryptCost        int
	AccessTokenTTL    time.Duration
	RefreshTokenTTL   time.Duration
	CodeTTL           time.Duration
	CodeInterval      time.Duration
	CodeDailyLimit    int
	LoginMaxFailures  int
	LoginLockDuration time.Duration

	// push
	PushProvider     string // log | getui
	PushProviderURL  string
	PushAppID        string
	PushAppKey       string
	PushMasterSecret string

	// wxrelay
	WXApps              string
	WebhookAllowPrivate bool
	WebhookTimeout      time.Duration
	WebhookMaxAttempts  int
	WebhookMaxAge       time.Duration
	WebhookBackoffBase  time.Duration
	WebhookDisableAfter int
	WebhookConcurrency  int
	WebhookPerProject   int
	WXDedupWindow       time.Duration

	// events
	EventsBroker          string // none | kafka
	KafkaBrokers          []string
	KafkaClientID         string
	KafkaCreateTopics     bool
	KafkaTopicPartitions  int
	KafkaTopicReplication int
	EventsSource          string
	OutboxBatchSize       int
	OutboxPollInterval    time.Duration
	OutboxRetention       time.Duration
}

// setting is one environment variable: its name, default, description (the
// README's configuration table is checked against this list) and how it is
// stored into Config.
type setting struct {
	Name    string
	Default string
	Doc     string
	set     func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func integer(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", v)
		}
		*p(c) = n
		return nil
	}
}

func duration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 30s or 5m, got %q", v)
		}
		*p(c) = d
		return nil
	}
}

func boolean(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		*p(c) = b
		return nil
	}
}

// settings lists every variable the service reads.
var settings = []setting{
	{"HTTP_ADDR", ":8080", "address the HTTP server listens on", str(func(c *Config) *string { return &c.HTTPAddr })},
	{"DATABASE_URL", "sqlite:campushub.db", "database: `sqlite:PATH` / `file:PATH`, `postgres://user:pass@host:5432/db`, `mysql://user:pass@host:3306/db`", str(func(c *Config) *string { return &c.DatabaseURL })},
	{"DB_MAX_OPEN_CONNS", "10", "most open database connections", integer(func(c *Config) *int { return &c.DBMaxOpenConns })},
	{"DB_MAX_IDLE_CONNS", "5", "most idle database connections kept", integer(func(c *Config) *int { return &c.DBMaxIdleConns })},
	{"DB_CONN_MAX_LIFETIME", "30m", "recycle database connections after this long", duration(func(c *Config) *time.Duration { return &c.DBConnLifetime })},
	{"DB_AUTO_MIGRATE", "true", "apply pending migrations when `serve` starts", boolean(func(c *Config) *bool { return &c.AutoMigrate })},
	{"TIMEZONE", "Asia/Shanghai", "time zone timestamps are rendered in (`2006-01-02 15:04:05`); storage is always UTC", func(c *Config, v string) error {
		loc, err := time.LoadLocation(v)
		if err != nil {
			return fmt.Errorf("unknown time zone %q", v)
		}
		c.Timezone = loc
		return nil
	}},
	{"LOG_LEVEL", "info", "debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
	{"LOG_FORMAT", "json", "json or text", str(func(c *Config) *string { return &c.LogFormat })},
	{"HTTP_BODY_LIMIT", "1048576", "largest request body accepted, in bytes", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("want a positive number of bytes, got %q", v)
		}
		c.BodyLimit = n
		return nil
	}},
	{"SHUTDOWN_TIMEOUT", "15s", "how long a graceful shutdown waits for in-flight work", duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},

	{"CODE_SENDER", "log", "how verification codes are delivered: `log` (development: writes the code to the log) or `smtp`", str(func(c *Config) *string { return &c.CodeSender })},
	{"SMTP_HOST", "", "SMTP server host (CODE_SENDER=smtp)", str(func(c *Config) *string { return &c.SMTPHost })},
	{"SMTP_PORT", "587", "SMTP server port", integer(func(c *Config) *int { return &c.SMTPPort })},
	{"SMTP_USERNAME", "", "SMTP user; empty for no authentication", str(func(c *Config) *string { return &c.SMTPUsername })},
	{"SMTP_PASSWORD", "", "SMTP password", str(func(c *Config) *string { return &c.SMTPPassword })},
	{"SMTP_FROM", "campushub@localhost", "sender address of code e-mails", str(func(c *Config) *string { return &c.SMTPFrom })},
	{"SMTP_TLS", "starttls", "`starttls` (upgrade when offered; required when authenticating), `tls` (implicit TLS) or `none`", str(func(c *Config) *string { return &c.SMTPTLS })},
	{"BCRYPT_COST", "10", "bcrypt cost of password hashes (4–14)", integer(func(c *Config) *int { return &c.BcryptCost })},
	{"ACCESS_TOKEN_TTL", "168h", "lifetime of access tokens (the seed's expires_in 604800)", duration(func(c *Config) *time.Duration { return &c.AccessTokenTTL })},
	{"REFRESH_TOKEN_TTL", "720h", "lifetime of refresh tokens", duration(func(c *Config) *time.Duration { return &c.RefreshTokenTTL })},
	{"CODE_TTL", "5m", "how long a verification code stays valid", duration(func(c *Config) *time.Duration { return &c.CodeTTL })},
	{"CODE_INTERVAL", "60s", "shortest time between two codes to one account", duration(func(c *Config) *time.Duration { return &c.CodeInterval })},
	{"CODE_DAILY_LIMIT", "10", "most codes sent to one account in 24 hours", integer(func(c *Config) *int { return &c.CodeDailyLimit })},
	{"LOGIN_MAX_FAILURES", "5", "wrong passwords in a row before the account is locked", integer(func(c *Config) *int { return &c.LoginMaxFailures })},
	{"LOGIN_LOCK_DURATION", "15m", "how long a locked account stays locked", duration(func(c *Config) *time.Duration { return &c.LoginLockDuration })},

	{"PUSH_PROVIDER", "log", "push provider: `log` (writes pushes to the log) or `getui`", str(func(c *Config) *string { return &c.PushProvider })},
	{"PUSH_PROVIDER_URL", "https://restapi.getui.com/v2", "base URL of the push provider's REST API", str(func(c *Config) *string { return &c.PushProviderURL })},
	{"PUSH_APP_ID", "", "push provider app id", str(func(c *Config) *string { return &c.PushAppID })},
	{"PUSH_APP_KEY", "", "push provider app key", str(func(c *Config) *string { return &c.PushAppKey })},
	{"PUSH_MASTER_SECRET", "", "push provider master secret", str(func(c *Config) *string { return &c.PushMasterSecret })},

	{"WX_APPS", "", "微校 apps allowed to push: comma-separated `app_key:app_secret` (empty secret: no decryption)", str(func(c *Config) *string { return &c.WXApps })},
	{"WX_DEDUP_WINDOW", "24h", "the same 微校 body received twice within this window is one event", duration(func(c *Config) *time.Duration { return &c.WXDedupWindow })},
	{"WEBHOOK_ALLOW_PRIVATE", "false", "allow push-project URLs on loopback/private/link-local addresses (tests, private networks)", boolean(func(c *Config) *bool { return &c.WebhookAllowPrivate })},
	{"WEBHOOK_TIMEOUT", "10s", "timeout of one delivery attempt", duration(func(c *Config) *time.Duration { return &c.WebhookTimeout })},
	{"WEBHOOK_MAX_ATTEMPTS", "10", "attempts before a delivery fails for good", integer(func(c *Config) *int { return &c.WebhookMaxAttempts })},
	{"WEBHOOK_BACKOFF_BASE", "5s", "delay before the first retry of a delivery; each next retry waits twice as long (with jitter), at most 1h", duration(func(c *Config) *time.Duration { return &c.WebhookBackoffBase })},
	{"WEBHOOK_MAX_AGE", "24h", "a delivery older than this is not retried again", duration(func(c *Config) *time.Duration { return &c.WebhookMaxAge })},
	{"WEBHOOK_DISABLE_AFTER", "20", "consecutive failed attempts after which a project is disabled", integer(func(c *Config) *int { return &c.WebhookDisableAfter })},
	{"WEBHOOK_CONCURRENCY", "256", "deliveries in flight at once, overall", integer(func(c *Config) *int { return &c.WebhookConcurrency })},
	{"WEBHOOK_PER_PROJECT", "64", "deliveries in flight at once to one project", integer(func(c *Config) *int { return &c.WebhookPerProject })},

	{"EVENTS_BROKER", "none", "where outbox events go: `none` (they stay in the outbox table) or `kafka`", str(func(c *Config) *string { return &c.EventsBroker })},
	{"KAFKA_BROKERS", "localhost:9092", "comma-separated Kafka bootstrap brokers (EVENTS_BROKER=kafka)", func(c *Config, v string) error {
		c.KafkaBrokers = nil
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				c.KafkaBrokers = append(c.KafkaBrokers, b)
			}
		}
		return nil
	}},
	{"KAFKA_CLIENT_ID", "campushub", "Kafka client id", str(func(c *Config) *string { return &c.KafkaClientID })},
	{"KAFKA_CREATE_TOPICS", "true", "create the campushub.<module>.v1 topics at start if missing", boolean(func(c *Config) *bool { return &c.KafkaCreateTopics })},
	{"KAFKA_TOPIC_PARTITIONS", "6", "partitions of topics the service creates", integer(func(c *Config) *int { return &c.KafkaTopicPartitions })},
	{"KAFKA_TOPIC_REPLICATION", "1", "replication factor of topics the service creates", integer(func(c *Config) *int { return &c.KafkaTopicReplication })},
	{"EVENTS_SOURCE", "/campushub", "CloudEvents `ce_source` of published events", str(func(c *Config) *string { return &c.EventsSource })},
	{"OUTBOX_BATCH_SIZE", "2000", "outbox rows published per batch", integer(func(c *Config) *int { return &c.OutboxBatchSize })},
	{"OUTBOX_POLL_INTERVAL", "25ms", "how often the relay looks for new outbox rows when idle", duration(func(c *Config) *time.Duration { return &c.OutboxPollInterval })},
	{"OUTBOX_RETENTION", "168h", "published outbox rows are deleted after this long (kept forever with EVENTS_BROKER=none)", duration(func(c *Config) *time.Duration { return &c.OutboxRetention })},
}

// SettingNames lists every environment variable the service reads.
func SettingNames() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.Name
	}
	return names
}

// LoadConfig reads the settings from getenv; a missing variable takes its
// default. Every bad value is reported, not just the first.
func LoadConfig(getenv func(string) string) (Config, error) {
	var c Config
	var problems []string
	for _, s := range settings {
		v, ok := lookup(getenv, s.Name)
		if !ok {
			v = s.Default
		}
		if err := s.set(&c, v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.Name, err))
		}
	}
	problems = append(problems, c.validate()...)
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

func lookup(getenv func(string) string, name string) (string, bool) {
	if getenv == nil {
		getenv = os.Getenv
	}
	v := getenv(name)
	return v, v != ""
}

func (c Config) validate() []string {
	var p []string
	oneOf := func(name, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		p = append(p, fmt.Sprintf("%s: %q is not one of %s", name, v, strings.Join(allowed, ", ")))
	}
	oneOf("LOG_LEVEL", c.LogLevel, "debug", "info", "warn", "error")
	oneOf("LOG_FORMAT", c.LogFormat, "json", "text")
	oneOf("CODE_SENDER", c.CodeSender, "log", "smtp")
	oneOf("SMTP_TLS", c.SMTPTLS, "starttls", "tls", "none")
	oneOf("PUSH_PROVIDER", c.PushProvider, "log", "getui")
	oneOf("EVENTS_BROKER", c.EventsBroker, "none", "kafka")
	if c.CodeSender == "smtp" && c.SMTPHost == "" {
		p = append(p, "SMTP_HOST: required when CODE_SENDER=smtp")
	}
	if c.BcryptCost < 4 || c.BcryptCost > 14 {
		p = append(p, "BCRYPT_COST: must be between 4 and 14")
	}
	if c.EventsBroker == "kafka" && len(c.KafkaBrokers) == 0 {
		p = append(p, "KAFKA_BROKERS: required when EVENTS_BROKER=kafka")
	}
	return p
}
