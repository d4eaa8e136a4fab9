package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// Dialect names a supported database.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql"
)

// Config tells Open which database to use and how to pool connections.
type Config struct {
	// URL is sqlite:PATH, file:PATH, postgres://… or mysql://user:pass@host:port/db.
	URL             string
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	// CheckpointInBackground (SQLite) takes WAL checkpoints off the commit
	// path: no connection checkpoints when it commits, and the caller runs
	// (*DB).RunCheckpoints for as long as the database is open.
	CheckpointInBackground bool
}

// DB is an open database with its dialect.
type DB struct {
	*bun.DB
	Dialect Dialect
	// checkpoints says that RunCheckpoints is to checkpoint the WAL.
	checkpoints bool
	// outboxStmts holds the outbox's prepared statements (SQLite).
	outboxStmts stmtCache
	// listeners are told about commits (OnOutboxCommit).
	listeners struct {
		sync.Mutex
		outbox []func()
	}
}

// Open connects to the database named by cfg.URL and checks that it answers.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	dialect, sqldb, err := openSQLWith(cfg.URL, cfg.CheckpointInBackground)
	if err != nil {
		return nil, err
	}
	if cfg.MaxOpenConns > 0 {
		sqldb.SetMaxOpenConns(cfg.MaxOpenConns)
	}
	if cfg.MaxIdleConns > 0 {
		sqldb.SetMaxIdleConns(cfg.MaxIdleConns)
	}
	if cfg.ConnMaxLifetime > 0 {
		sqldb.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	}
	// Ping before bun sees the handle: the MySQL dialect asks the server for
	// its version at once and would log its own line about an unreachable one.
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		_ = sqldb.Close()
		if dialect == SQLite {
			return nil, sqliteOpenError(cfg.URL, err)
		}
		return nil, fmt.Errorf("DATABASE_URL %s: database is not reachable: %w", Redact(cfg.URL), err)
	}
	var db *bun.DB
	switch dialect {
	case SQLite:
		db = bun.NewDB(sqldb, sqlitedialect.New())
	case Postgres:
		db = bun.NewDB(sqldb, pgdialect.New())
	case MySQL:
		// bun writes time literals itself; without a location it would write
		// the wall clock of whatever zone a time carries.
		db = bun.NewDB(sqldb, mysqldialect.New(mysqldialect.WithTimeLocation("UTC")))
	}
	return &DB{DB: db, Dialect: dialect, checkpoints: dialect == SQLite && cfg.CheckpointInBackground}, nil
}

// openSQL turns a DATABASE_URL into a database/sql handle.
func openSQL(raw string) (Dialect, *sql.DB, error) { return openSQLWith(raw, false) }

// openSQLWith is openSQL; with bgCheckpoint, SQLite connections never
// checkpoint the WAL themselves (see RunCheckpoints).
func openSQLWith(raw string, bgCheckpoint bool) (Dialect, *sql.DB, error) {
	switch {
	case raw == "":
		return "", nil, errors.New("DATABASE_URL is empty")
	case strings.HasPrefix(raw, "sqlite:") || strings.HasPrefix(raw, "file:"):
		dsn, err := sqliteDSN(raw)
		if err != nil {
			return "", nil, err
		}
		if bgCheckpoint {
			dsn += "&" + url.Values{"_pragma": {"wal_autocheckpoint(0)", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit)}}.Encode()
		}
		sqldb, err := sql.Open("sqlite", dsn)
		if err != nil {
			return "", nil, fmt.Errorf("open sqlite: %w", err)
		}
		return SQLite, sqldb, nil
	case strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return "", nil, fmt.Errorf("DATABASE_URL is not a valid postgres URL: %v", urlError(err))
		}
		c, err := pgConnector(raw)
		if err != nil {
			return "", nil, err
		}
		return Postgres, sql.OpenDB(c), nil
	case strings.HasPrefix(raw, "mysql://"):
		dsn, err := mysqlDSN(raw)
		if err != nil {
			return "", nil, err
		}
		sqldb, err := sql.Open("mysql", dsn)
		if err != nil {
			return "", nil, fmt.Errorf("open mysql: %w", err)
		}
		return MySQL, sqldb, nil
	default:
		return "", nil, fmt.Errorf("DATABASE_URL %q: unsupported scheme (use sqlite:PATH, file:PATH, postgres://… or mysql://…)", Redact(raw))
	}
}

// pgConnector builds the PostgreSQL connector; the driver panics on a URL
// it cannot use (an unknown sslmode, a bad timeout, an unreadable
// certificate), which is a configuration error like any other.
func pgConnector(raw string) (c *pgdriver.Connector, err error) {
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("DATABASE_URL %s: %s", Redact(raw), hidePassword(fmt.Sprint(p), raw))
		}
	}()
	return pgdriver.NewConnector(pgdriver.WithDSN(raw)), nil
}

// sqliteDSN adds the pragmas the service relies on: WAL, a busy timeout,
// foreign keys, and immediate write transactions so concurrent writers queue
// instead of failing with SQLITE_BUSY on lock upgrade.
func sqliteDSN(raw string) (string, error) {
	path := strings.TrimPrefix(raw, "sqlite:")
	path = strings.TrimPrefix(path, "//")
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	base, query, _ := strings.Cut(path, "?")
	if base == "file:" {
		return "", errors.New("DATABASE_URL: sqlite needs a file path, e.g. sqlite:campushub.db")
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: bad sqlite options: %v", err)
	}
	memory := strings.Contains(base, ":memory:") || q.Get("mode") == "memory"
	pragmas := []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"}
	if !memory {
		pragmas = append(pragmas, "journal_mode(WAL)")
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	if q.Get("_timezone") == "" {
		q.Set("_timezone", "UTC") // times are stored in UTC and read back in UTC
	}
	return base + "?" + q.Encode(), nil
}

// mysqlDSN turns mysql://user:pass@host:port/db?opts into the driver's DSN.
func mysqlDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL is not a valid mysql URL: %v", urlError(err))
	}
	cfg := mysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = u.Hostname() + ":3306"
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	if cfg.User == "" && cfg.Passwd != "" {
		// The driver would drop the password of an empty user name.
		return "", errors.New("DATABASE_URL: mysql needs a user name before the password, e.g. mysql://user:pass@localhost:3306/campushub")
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if cfg.DBName == "" {
		return "", errors.New("DATABASE_URL: mysql needs a database name, e.g. mysql://user:pass@localhost:3306/campushub")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	// The isolation level is set per transaction in Do: MySQL 8 and MariaDB
	// disagree on the name of the session variable.
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	cfg.Collation = "utf8mb4_unicode_ci"
	for k, v := range u.Query() {
		cfg.Params[k] = v[0]
	}
	return cfg.FormatDSN(), nil
}

// Redact hides the password in a database URL so it can be logged: the
// password of the userinfo, the values of query parameters named like one,
// and any fragment. Where the parser finds no userinfo although an "@" is
// there (a URL that does not parse, a user name with an unescaped ? or #,
// a driver DSN such as user:pass@tcp(host)/db), everything before the last
// "@" is hidden. A SQLite URL names a file: only its options can hold a
// secret.
func Redact(raw string) string {
	if strings.HasPrefix(raw, "sqlite:") || strings.HasPrefix(raw, "file:") {
		return secretValue.ReplaceAllString(raw, "${1}xxxxx")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.User == nil && strings.Contains(raw, "@")) {
		prefix, rest, ok := strings.Cut(raw, "://")
		switch {
		case ok:
			prefix += "://"
		case err == nil && u.Scheme != "":
			prefix, rest = u.Scheme+":", raw[len(u.Scheme)+1:]
		default:
			prefix, rest = "", raw
		}
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			rest = "xxxxx" + rest[at:]
		}
		return prefix + secretValue.ReplaceAllString(rest, "${1}xxxxx")
	}
	if u.RawQuery != "" {
		u.RawQuery = secretValue.ReplaceAllString("&"+u.RawQuery, "${1}xxxxx")[1:]
	}
	if u.Fragment != "" {
		// No database URL has a fragment; an unescaped # in a user name or
		// password starts one, which then holds the rest of the userinfo.
		u.Fragment, u.RawFragment = "xxxxx", ""
	}
	return u.Redacted()
}

// secretValue matches the value of a query parameter named like a secret
// (password=…, sslpassword=…, client_secret=…).
var secretValue = regexp.MustCompile(`(?i)([?&;][^=&;#]*(?:pass|secret)[^=&;#]*=)[^&;#]*`)

// secretParam reports whether a query parameter names a secret.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "pass") || strings.Contains(n, "secret")
}

// hidePassword removes the secrets of the URL raw from msg.
func hidePassword(msg, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return msg
	}
	var secrets []string
	if pw, ok := u.User.Password(); ok {
		secrets = append(secrets, pw)
	}
	for k, vs := range u.Query() {
		if secretParam(k) {
			secrets = append(secrets, vs...)
		}
	}
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
		}
	}
	return msg
}

// quoted matches a Go-quoted string in an error message.
var quoted = regexp.MustCompile(`"(?:\\.|[^"\\])*"`)

// urlError is the reason url.Parse gave, without the URL it quotes (which
// may hold a password) nor the pieces of it the reason quotes.
func urlError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return quoted.ReplaceAllString(err.Error(), "…")
}
