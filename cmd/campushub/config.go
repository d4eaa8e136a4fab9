package main

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	envtags "github.com/caarlos0/env/v11"

	"github.com/campushub/campushub/adapters/codesender"
	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/ratelimit"
)

// Config is every setting of the service, read from the environment once at
// start. Each field declares its variable (env), its default (envDefault) and
// its description (doc); README.md's configuration table is checked against
// these tags by a test. Adapters never read the environment; they get their
// part of Config.
type Config struct {
	HTTPAddr         string         `env:"HTTP_ADDR" envDefault:":8080" doc:"address the HTTP server listens on"`
	DatabaseURL      string         `env:"DATABASE_URL" envDefault:"sqlite:campushub.db" doc:"database: ${sqlite:PATH} / ${file:PATH}, ${postgres://user:pass@host:5432/db}, ${mysql://user:pass@host:3306/db}"`
	DBMaxOpenConns   int            `env:"DB_MAX_OPEN_CONNS" envDefault:"10" doc:"most open database connections"`
	DBMaxIdleConns   int            `env:"DB_MAX_IDLE_CONNS" envDefault:"10" doc:"most idle database connections kept (below DB_MAX_OPEN_CONNS, connections are closed and opened again under load)"`
	DBConnLifetime   time.Duration  `env:"DB_CONN_MAX_LIFETIME" envDefault:"30m" doc:"recycle database connections after this long"`
	AutoMigrate      bool           `env:"DB_AUTO_MIGRATE" envDefault:"true" doc:"apply pending migrations when ${serve} starts"`
	TimezoneName     string         `env:"TIMEZONE" envDefault:"Asia/Shanghai" doc:"time zone timestamps are rendered in (${2006-01-02 15:04:05}); storage is always UTC"`
	Timezone         *time.Location // TIMEZONE, loaded
	LogLevel         string         `env:"LOG_LEVEL" envDefault:"info" doc:"debug, info, warn or error"`
	LogFormat        string         `env:"LOG_FORMAT" envDefault:"json" doc:"json or text"`
	LogFlushInterval time.Duration  `env:"LOG_FLUSH_INTERVAL" envDefault:"100ms" doc:"log lines below warn are written in batches at least this often (warnings and errors at once, with the lines before them); ${0} writes every line with its own write"`
	BodyLimit        int64          `env:"HTTP_BODY_LIMIT" envDefault:"1048576" doc:"largest request body accepted, in bytes"`
	ShutdownTimeout  time.Duration  `env:"SHUTDOWN_TIMEOUT" envDefault:"15s" doc:"how long a graceful shutdown waits for in-flight work"`

	// account
	CodeSender        string        `env:"CODE_SENDER" envDefault:"log" doc:"how verification codes are delivered: ${log} (development: writes the code to the log) or ${smtp}"`
	SMTPHost          string        `env:"SMTP_HOST" doc:"SMTP server host (CODE_SENDER=smtp)"`
	SMTPPort          int           `env:"SMTP_PORT" envDefault:"587" doc:"SMTP server port"`
	SMTPUsername      string        `env:"SMTP_USERNAME" doc:"SMTP user; empty for no authentication"`
	SMTPPassword      string        `env:"SMTP_PASSWORD" doc:"SMTP password"`
	SMTPFrom          string        `env:"SMTP_FROM" envDefault:"campushub@localhost" doc:"sender address of code e-mails"`
	SMTPTLS           string        `env:"SMTP_TLS" envDefault:"starttls" doc:"${starttls} (upgrade when offered; required when authenticating), ${tls} (implicit TLS) or ${none}"`
	BcryptCost        int           `env:"BCRYPT_COST" envDefault:"10" doc:"bcrypt cost of password hashes (4–14)"`
	AccessTokenTTL    time.Duration `env:"ACCESS_TOKEN_TTL" envDefault:"168h" doc:"lifetime of access tokens (the seed's expires_in 604800)"`
	RefreshTokenTTL   time.Duration `env:"REFRESH_TOKEN_TTL" envDefault:"720h" doc:"lifetime of refresh tokens"`
	AuthCacheTTL      time.Duration `env:"AUTH_CACHE_TTL" envDefault:"5s" doc:"how long a replica keeps what an access token resolved to: a sign-out or account change made on another replica (or by ${campushub admin}) takes effect here within it, on this replica at once; ${0} looks every request up"`
	CodeTTL           time.Duration `env:"CODE_TTL" envDefault:"5m" doc:"how long a verification code stays valid"`
	CodeInterval      time.Duration `env:"CODE_INTERVAL" envDefault:"60s" doc:"shortest time between two codes to one account"`
	CodeDailyLimit    int           `env:"CODE_DAILY_LIMIT" envDefault:"10" doc:"most codes sent to one account in 24 hours"`
	LoginMaxFailures  int           `env:"LOGIN_MAX_FAILURES" envDefault:"5" doc:"wrong passwords in a row from one client before that client is locked out of the account (other clients, the owner's, are not)"`
	LoginLockDuration time.Duration `env:"LOGIN_LOCK_DURATION" envDefault:"15m" doc:"how long a lock lasts: of a client, or of an account against clients that never signed in to it"`
	LoginLockClients  int           `env:"LOGIN_LOCK_CLIENTS" envDefault:"3" doc:"clients locked out of one account at once before the account is locked against every client that has not signed in to it in 90 days; 0: never"`

	// abuse limits and operations
	TrustedProxies   httpkit.TrustedProxies `env:"TRUSTED_PROXIES" doc:"comma-separated addresses or CIDR ranges of reverse proxies whose ${X-Forwarded-For} / ${X-Real-IP} name the client; empty: the connection's address is the client"`
	RateSendCode     ratelimit.Rate         `env:"RATE_LIMIT_SEND_CODE" envDefault:"20/1h" doc:"send_code requests per client: ${N/DURATION} is a burst of N refilled at N per DURATION; ${off} for none"`
	RateCheckCode    ratelimit.Rate         `env:"RATE_LIMIT_CHECK_CODE" envDefault:"60/1h" doc:"check_code requests per client"`
	RateRegister     ratelimit.Rate         `env:"RATE_LIMIT_REGISTER" envDefault:"20/1h" doc:"register requests per client"`
	RateLogin        ratelimit.Rate         `env:"RATE_LIMIT_LOGIN" envDefault:"30/15m" doc:"password logins (access_token) per client, over all accounts"`
	RateRefresh      ratelimit.Rate         `env:"RATE_LIMIT_REFRESH" envDefault:"60/1m" doc:"refresh_token requests per client"`
	RatePerToken     ratelimit.Rate         `env:"RATE_LIMIT_PER_TOKEN" envDefault:"off" doc:"requests per access token on authenticated routes (e.g. ${600/1m}); counted per replica"`
	RateWXReceive    ratelimit.Rate         `env:"RATE_LIMIT_WX_RECEIVE" envDefault:"off" doc:"微校 receive pushes per app key (e.g. ${6000/1m}); off because the platform's bulk syncs are legitimate bursts; counted per replica"`
	CodeBudgetMinute int                    `env:"CODE_BUDGET_PER_MINUTE" envDefault:"60" doc:"verification codes the whole service sends in one minute (SMS-pumping guard); 0: no budget"`
	CodeBudgetDay    int                    `env:"CODE_BUDGET_PER_DAY" envDefault:"5000" doc:"verification codes the whole service sends in one day (midnight to midnight in TIMEZONE); 0: no budget"`
	CodeAreas        codeAreas              `env:"CODE_AREAS" envDefault:"86" doc:"comma-separated phone area codes verification codes are sent to; ${*} for every area"`
	OpsAddr          string                 `env:"OPS_ADDR" envDefault:"127.0.0.1:9090" doc:"address of the operations listener (${/metrics}, pprof, ${/healthz}, ${/readyz} with details); ${off} for none. Keep it private"`
	PprofEnabled     bool                   `env:"PPROF_ENABLED" envDefault:"false" doc:"serve Go's pprof profiles under ${/debug/pprof/} on the operations listener"`

	// push
	PushProvider     string `env:"PUSH_PROVIDER" envDefault:"log" doc:"push provider: ${log} (writes pushes to the log) or ${getui}"`
	PushProviderURL  string `env:"PUSH_PROVIDER_URL" envDefault:"https://restapi.getui.com/v2" doc:"base URL of the push provider's REST API"`
	PushAppID        string `env:"PUSH_APP_ID" doc:"push provider app id"`
	PushAppKey       string `env:"PUSH_APP_KEY" doc:"push provider app key"`
	PushMasterSecret string `env:"PUSH_MASTER_SECRET" doc:"push provider master secret"`

	// wxrelay
	WXApps              wxApps        `env:"WX_APPS" doc:"微校 apps allowed to push: comma-separated ${app_key:app_secret} (empty secret: no decryption)"`
	WXDedupWindow       time.Duration `env:"WX_DEDUP_WINDOW" envDefault:"24h" doc:"the same 微校 body received twice within this window is one event"`
	WebhookAllowPrivate bool          `env:"WEBHOOK_ALLOW_PRIVATE" envDefault:"false" doc:"allow push-project URLs on loopback/private/link-local addresses (tests, private networks)"`
	WebhookTimeout      time.Duration `env:"WEBHOOK_TIMEOUT" envDefault:"10s" doc:"timeout of one delivery attempt"`
	WebhookMaxAttempts  int           `env:"WEBHOOK_MAX_ATTEMPTS" envDefault:"10" doc:"attempts before a delivery fails for good"`
	WebhookBackoffBase  time.Duration `env:"WEBHOOK_BACKOFF_BASE" envDefault:"5s" doc:"delay before the first retry of a delivery; each next retry waits twice as long (with jitter), at most 1h"`
	WebhookMaxAge       time.Duration `env:"WEBHOOK_MAX_AGE" envDefault:"24h" doc:"a delivery older than this is not retried again"`
	WebhookPauseAfter   int           `env:"WEBHOOK_PAUSE_AFTER" envDefault:"5" doc:"consecutive failed attempts after which a project is paused and probed with one delivery at a time"`
	WebhookProbeBase    time.Duration `env:"WEBHOOK_PROBE_INTERVAL" envDefault:"5s" doc:"wait before the first probe of a paused project; each failed probe doubles it"`
	WebhookProbeMax     time.Duration `env:"WEBHOOK_PROBE_MAX" envDefault:"1m" doc:"longest wait between two probes of a paused project"`
	WebhookDisableAfter time.Duration `env:"WEBHOOK_DISABLE_AFTER" envDefault:"72h" doc:"a project failing continuously for this long is disabled (${0s}: never); its deliveries are then held"`
	WebhookHoldFor      time.Duration `env:"WEBHOOK_HOLD_RETENTION" envDefault:"168h" doc:"deliveries held for a disabled project fail after this long"`
	WebhookConcurrency  int           `env:"WEBHOOK_CONCURRENCY" envDefault:"256" doc:"deliveries in flight at once, overall"`
	WebhookPerProject   int           `env:"WEBHOOK_PER_PROJECT" envDefault:"64" doc:"deliveries in flight at once to one project"`

	// console
	ConsoleEnabled    bool          `env:"CONSOLE_ENABLED" envDefault:"true" doc:"serve the web console under ${/console/}"`
	ConsoleSessionTTL time.Duration `env:"CONSOLE_SESSION_TTL" envDefault:"12h" doc:"how long a console sign-in lasts"`
	ConsoleLanguage   string        `env:"CONSOLE_LANGUAGE" envDefault:"auto" doc:"console language: ${auto} (the browser's Accept-Language, Chinese when it names neither), ${zh} or ${en}"`

	// events
	EventsBroker          string        `env:"EVENTS_BROKER" envDefault:"embedded" doc:"where outbox events go: ${embedded} (a NATS JetStream server inside the process, on 127.0.0.1 only), ${nats} (NATS_URL), ${kafka} (KAFKA_BROKERS) or ${none} (they stay in the outbox table)"`
	KafkaBrokers          []string      `env:"KAFKA_BROKERS" envDefault:"localhost:9092" doc:"comma-separated Kafka bootstrap brokers (EVENTS_BROKER=kafka)"`
	KafkaClientID         string        `env:"KAFKA_CLIENT_ID" envDefault:"campushub" doc:"Kafka client id"`
	KafkaCreateTopics     bool          `env:"KAFKA_CREATE_TOPICS" envDefault:"true" doc:"create the campushub.<module>.v1 topics if missing, as soon as the brokers answer"`
	KafkaTopicPartitions  int           `env:"KAFKA_TOPIC_PARTITIONS" envDefault:"6" doc:"partitions of topics the service creates"`
	KafkaTopicReplication int           `env:"KAFKA_TOPIC_REPLICATION" envDefault:"1" doc:"replication factor of topics the service creates"`
	EventsSource          string        `env:"EVENTS_SOURCE" envDefault:"/campushub" doc:"CloudEvents ${ce_source} of published events"`
	OutboxBatchSize       int           `env:"OUTBOX_BATCH_SIZE" envDefault:"2000" doc:"outbox rows published per batch"`
	OutboxPollInterval    time.Duration `env:"OUTBOX_POLL_INTERVAL" envDefault:"25ms" doc:"how often the relay looks for new outbox rows when idle; a commit in this process wakes it at once, the poll finds other replicas' rows"`
	OutboxRetention       time.Duration `env:"OUTBOX_RETENTION" envDefault:"168h" doc:"published outbox rows are deleted after this long (kept forever with EVENTS_BROKER=none)"`

	// NATS (EVENTS_BROKER=nats and embedded)
	NATSURLs            []string      `env:"NATS_URL" envDefault:"nats://127.0.0.1:4222" doc:"comma-separated NATS servers (EVENTS_BROKER=nats); list several members of a cluster"`
	NATSCreds           string        `env:"NATS_CREDS" doc:"NATS credentials file (user JWT and NKey seed, ${.creds})"`
	NATSNKeySeed        string        `env:"NATS_NKEY_SEED" doc:"file holding a NATS NKey user seed"`
	NATSUser            string        `env:"NATS_USER" doc:"NATS user name (with NATS_PASSWORD)"`
	NATSPassword        string        `env:"NATS_PASSWORD" doc:"NATS password"`
	NATSToken           string        `env:"NATS_TOKEN" doc:"NATS authentication token"`
	NATSTLSCA           string        `env:"NATS_TLS_CA" doc:"CA bundle (PEM) the NATS servers' certificates are checked against; default: the system's"`
	NATSTLSCert         string        `env:"NATS_TLS_CERT" doc:"client certificate (PEM) presented to the NATS servers, with NATS_TLS_KEY"`
	NATSTLSKey          string        `env:"NATS_TLS_KEY" doc:"key of NATS_TLS_CERT"`
	NATSStream          string        `env:"NATS_STREAM" envDefault:"CAMPUSHUB" doc:"JetStream stream holding the subjects ${campushub.>}"`
	NATSCreateStream    bool          `env:"NATS_CREATE_STREAM" envDefault:"true" doc:"create the stream, or update its settings, when the servers first answer; ${false} where operators manage it"`
	NATSStreamReplicas  int           `env:"NATS_STREAM_REPLICAS" envDefault:"1" doc:"copies of the stream in a JetStream cluster (1–5; 3 in production); the embedded broker always keeps 1"`
	NATSStreamRetention string        `env:"NATS_STREAM_RETENTION" envDefault:"limits" doc:"${limits} (events stay until NATS_STREAM_MAX_AGE / NATS_STREAM_MAX_BYTES) or ${interest} (until every consumer acknowledged them)"`
	NATSStreamMaxAge    time.Duration `env:"NATS_STREAM_MAX_AGE" envDefault:"168h" doc:"events older than this are dropped from the stream; 0 keeps them"`
	NATSStreamMaxBytes  int64         `env:"NATS_STREAM_MAX_BYTES" envDefault:"0" doc:"largest size of the stream in bytes, the oldest events dropped first; 0 for no bound"`
	NATSDuplicateWindow time.Duration `env:"NATS_DUPLICATE_WINDOW" envDefault:"2m" doc:"an event sent again within this time is stored once (JetStream de-duplication by Nats-Msg-Id)"`
	NATSEmbeddedPort    int           `env:"NATS_EMBEDDED_PORT" envDefault:"4222" doc:"port on 127.0.0.1 of the embedded broker (EVENTS_BROKER=embedded); 0 opens none (only this process reaches it)"`
	NATSEmbeddedDir     string        `env:"NATS_EMBEDDED_DIR" doc:"JetStream files of the embedded broker; default: beside the SQLite file (${campushub.db.nats}), ${campushub-nats} for PostgreSQL and MySQL, a temporary directory for an in-memory database"`
}

// setting describes one environment variable as Config declares it.
type setting struct {
	Name    string // the variable
	Default string // its default; empty when it has none
	Doc     string // what it does, Markdown (code in backquotes)
	field   string // the Config field it fills
	kind    reflect.Type
}

// settings lists every variable the service reads, in the order Config
// declares them.
var settings = describeSettings()

func describeSettings() []setting {
	t := reflect.TypeFor[Config]()
	out := make([]setting, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("env")
		if name == "" {
			continue
		}
		// Struct tags cannot hold backquotes; ${x} in a doc stands for `x`.
		doc := strings.NewReplacer("${", "`", "}", "`").Replace(f.Tag.Get("doc"))
		out = append(out, setting{Name: name, Default: f.Tag.Get("envDefault"), Doc: doc, field: f.Name, kind: f.Type})
	}
	return out
}

// SettingNames lists every environment variable the service reads.
func SettingNames() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.Name
	}
	return names
}

// LoadConfig reads the settings from getenv (os.Getenv when nil); a missing
// or empty variable takes its default. Every bad value is reported by its
// variable's name, not just the first.
func LoadConfig(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	vars := map[string]string{}
	for _, s := range settings {
		if v := getenv(s.Name); v != "" {
			vars[s.Name] = v
		}
	}
	var c Config
	var problems []string
	err := envtags.ParseWithOptions(&c, envtags.Options{Environment: vars, FuncMap: parsers})
	if err != nil {
		problems = append(problems, describeParseErrors(err, vars)...)
	}
	if loc, err := time.LoadLocation(c.TimezoneName); err != nil {
		problems = append(problems, fmt.Sprintf("TIMEZONE: unknown time zone %q", c.TimezoneName))
	} else {
		c.Timezone = loc
	}
	problems = append(problems, c.validate()...)
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// parsers are the value types whose parsing differs from the library's:
// durations must not be negative, lists drop blanks around and between
// commas, and WX_APPS is checked pair by pair.
var parsers = map[reflect.Type]envtags.ParserFunc{
	reflect.TypeFor[time.Duration](): func(v string) (any, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("want a duration such as 30s or 5m, got %q", v)
		}
		return d, nil
	},
	reflect.TypeFor[[]string](): func(v string) (any, error) {
		var list []string
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		return list, nil
	},
	reflect.TypeFor[wxApps]():         func(v string) (any, error) { return parseWXApps(v) },
	reflect.TypeFor[ratelimit.Rate](): func(v string) (any, error) { return ratelimit.ParseRate(v) },
	reflect.TypeFor[httpkit.TrustedProxies](): func(v string) (any, error) {
		return httpkit.ParseTrustedProxies(v)
	},
	reflect.TypeFor[codeAreas](): func(v string) (any, error) { return parseCodeAreas(v) },
}

// describeParseErrors turns the library's errors, which name Go fields, into
// problems named by variable, saying what kind of value was wanted.
func describeParseErrors(err error, vars map[string]string) []string {
	var agg envtags.AggregateError
	if !errors.As(err, &agg) {
		return []string{err.Error()}
	}
	byField := map[string]setting{}
	for _, s := range settings {
		byField[s.field] = s
	}
	var problems []string
	for _, e := range agg.Errors {
		var pe envtags.ParseError
		if !errors.As(e, &pe) {
			problems = append(problems, e.Error())
			continue
		}
		s, ok := byField[pe.Name]
		if !ok {
			problems = append(problems, e.Error())
			continue
		}
		v := vars[s.Name]
		if v == "" {
			v = s.Default
		}
		var why string
		switch s.kind.Kind() {
		case reflect.Int, reflect.Int64:
			why = fmt.Sprintf("want a whole number, got %q", v)
		case reflect.Bool:
			why = fmt.Sprintf("want true or false, got %q", v)
		default:
			why = pe.Err.Error()
		}
		problems = append(problems, s.Name+": "+why)
	}
	return problems
}

// validate checks what a single value's type cannot: allowed words, ranges
// and settings that need each other.
func (c Config) validate() []string {
	var p []string
	oneOf := func(name, v string, allowed ...string) {
		if slices.Contains(allowed, v) {
			return
		}
		p = append(p, fmt.Sprintf("%s: %q is not one of %s", name, v, strings.Join(allowed, ", ")))
	}
	oneOf("LOG_LEVEL", c.LogLevel, "debug", "info", "warn", "error")
	oneOf("LOG_FORMAT", c.LogFormat, "json", "text")
	oneOf("CODE_SENDER", c.CodeSender, "log", "smtp")
	oneOf("SMTP_TLS", c.SMTPTLS, "starttls", "tls", "none")
	oneOf("PUSH_PROVIDER", c.PushProvider, "log", "getui")
	oneOf("EVENTS_BROKER", c.EventsBroker, "embedded", "nats", "kafka", "none")
	oneOf("NATS_STREAM_RETENTION", c.NATSStreamRetention, "limits", "interest")
	oneOf("CONSOLE_LANGUAGE", c.ConsoleLanguage, "auto", "zh", "en")
	if c.ConsoleSessionTTL < time.Minute {
		p = append(p, "CONSOLE_SESSION_TTL: must be at least 1m")
	}
	if c.LogFlushInterval < 0 || c.LogFlushInterval > 10*time.Second {
		p = append(p, fmt.Sprintf("LOG_FLUSH_INTERVAL: want 0 (every line at once) to 10s, got %s", c.LogFlushInterval))
	}
	if c.AuthCacheTTL < 0 || c.AuthCacheTTL > time.Minute {
		p = append(p, fmt.Sprintf("AUTH_CACHE_TTL: want 0 (off) to 1m, got %s", c.AuthCacheTTL))
	}
	if c.BodyLimit <= 0 {
		p = append(p, fmt.Sprintf("HTTP_BODY_LIMIT: want a positive number of bytes, got %d", c.BodyLimit))
	}
	if c.CodeSender == "smtp" {
		if c.SMTPHost == "" {
			p = append(p, "SMTP_HOST: required when CODE_SENDER=smtp")
		} else if err := c.smtpConfig().Validate(); err != nil {
			p = append(p, fmt.Sprintf("SMTP settings: %v", err))
		}
	}
	if c.BcryptCost < 4 || c.BcryptCost > 14 {
		p = append(p, "BCRYPT_COST: must be between 4 and 14")
	}
	if c.PushProvider == "getui" && (c.PushAppID == "" || c.PushAppKey == "" || c.PushMasterSecret == "") {
		p = append(p, "PUSH_PROVIDER=getui needs PUSH_APP_ID, PUSH_APP_KEY and PUSH_MASTER_SECRET")
	}
	if c.CodeBudgetMinute < 0 || c.CodeBudgetDay < 0 || c.LoginLockClients < 0 {
		p = append(p, "CODE_BUDGET_PER_MINUTE, CODE_BUDGET_PER_DAY, LOGIN_LOCK_CLIENTS: must not be negative")
	}
	if c.OpsAddr != "off" && c.OpsAddr == c.HTTPAddr {
		p = append(p, "OPS_ADDR: must differ from HTTP_ADDR (metrics and profiles stay off the public listener)")
	}
	if c.EventsBroker == "kafka" && len(c.KafkaBrokers) == 0 {
		p = append(p, "KAFKA_BROKERS: required when EVENTS_BROKER=kafka")
	}
	p = append(p, c.validateNATS()...)
	p = append(p, c.validateWebhooks()...)
	return p
}

// smtpConfig is the SMTP code sender's part of the configuration.
func (c Config) smtpConfig() codesender.SMTPConfig {
	return codesender.SMTPConfig{
		Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUsername, Password: c.SMTPPassword,
		From: c.SMTPFrom, TLS: c.SMTPTLS, Product: "campushub", CodeTTL: c.CodeTTL,
	}
}

// wxApps are the 微校 apps allowed to push: app_key → app_secret (empty: no
// decryption).
type wxApps map[string]string

// parseWXApps reads WX_APPS: comma-separated app_key:app_secret pairs.
func parseWXApps(v string) (wxApps, error) {
	apps := wxApps{}
	for pair := range strings.SplitSeq(v, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		key, secret, _ := strings.Cut(pair, ":")
		key, secret = strings.TrimSpace(key), strings.TrimSpace(secret)
		if key == "" {
			return nil, fmt.Errorf("%q has no app_key", pair)
		}
		if secret != "" && (len(key) != 16 || len(secret) < 16) {
			return nil, fmt.Errorf("app %q has a secret, so its app_key must have 16 characters (the AES key) and its secret at least 16 (the IV)", key)
		}
		apps[key] = secret
	}
	return apps, nil
}

// codeAreas are the phone areas verification codes are sent to; nil: all.
type codeAreas []string

// parseCodeAreas reads CODE_AREAS: area codes such as 86,852, or * for all.
func parseCodeAreas(v string) (codeAreas, error) {
	if strings.TrimSpace(v) == "*" {
		return nil, nil
	}
	var areas codeAreas
	for a := range strings.SplitSeq(v, ",") {
		a = strings.TrimPrefix(strings.TrimSpace(a), "+")
		if a == "" {
			continue
		}
		if _, err := strconv.ParseUint(a, 10, 16); err != nil || len(a) > 4 {
			return nil, fmt.Errorf("want area codes such as 86,852 or *, got %q", v)
		}
		areas = append(areas, a)
	}
	return areas, nil
}

// quoteDefault shows a default in help output.
func quoteDefault(v string) string {
	if v == "" {
		return "(empty)"
	}
	return strconv.Quote(v)
}
