package storage

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// dsnSchemes are the spellings FuzzDatabaseURL puts in front of the rest.
var dsnSchemes = []string{"postgres://", "postgresql://", "mysql://", "sqlite:", "file:", "sqlite://", "mysq://", ""}

// dsnWording is text the service's own messages are made of; a password
// found in it proves nothing.
const dsnWording = `DATABASE_URL is empty is not a valid postgres URL mysql URL unsupported scheme (use sqlite:PATH, file:PATH,
postgres://… or mysql://…) sqlite needs a file path, e.g. sqlite:campushub.db bad sqlite options mysql needs a database name,
e.g. mysql://user:pass@localhost:3306/campushub open sqlite open mysql pgdriver: sslmode is not supported failed to read root CA
invalid port after host invalid character in host name invalid URL escape net/url: invalid userinfo xxxxx`

// FuzzDatabaseURL feeds DATABASE_URL parsing URLs built around a password:
// parsing never panics, a refusal is one DATABASE_URL configuration error,
// neither the error nor the redacted URL shows the password, and what
// parses reaches the driver unchanged (user, password, database).
func FuzzDatabaseURL(f *testing.F) {
	f.Add(uint8(0), "campushub", "s3cretpass", "localhost:5432/campushub?sslmode=disable")
	f.Add(uint8(2), "root", "s3cretpass", "127.0.0.1:3306/campushub?parseTime=true")
	f.Add(uint8(0), "u", "s3cretpass", "h/db?sslmode=bogus")
	f.Add(uint8(0), "u", "s3cretpass", "h/db?timeout=never")
	f.Add(uint8(0), "u", "pa:ss@word", "h:99999999/db")
	f.Add(uint8(2), "u", "s3cret%zz", "h/db")
	f.Add(uint8(0x80|3), "", "", "campushub.db")
	f.Add(uint8(0x80|4), "", "", "campushub.db?mode=memory&cache=shared")
	f.Add(uint8(0x80|3), "", "", "/tmp/x.db?_txlock=deferred&%zz")
	f.Add(uint8(0x80|7), "", "", "s3cretuser:s3cretpass@tcp(localhost:3306)/campushub")
	f.Add(uint8(0x80), "", "", "h/db?password=s3cretpass")
	f.Fuzz(func(t *testing.T, kind uint8, user, pass, rest string) {
		scheme := dsnSchemes[int(kind&0x7f)%len(dsnSchemes)]
		raw := scheme + user + ":" + pass + "@" + rest
		if kind&0x80 != 0 {
			raw, pass = scheme+rest, secretIn(rest)
		}
		dialect, db, err := openSQL(raw)
		if db != nil {
			defer db.Close()
		}
		redacted := Redact(raw)
		if err == nil && (dialect == "" || db == nil) {
			t.Fatalf("openSQL(%q) = %q, %v, nil: neither a database nor an error", raw, dialect, db)
		}
		if err != nil && !strings.Contains(err.Error(), "DATABASE_URL") && !strings.HasPrefix(err.Error(), "open ") {
			t.Fatalf("openSQL(%q) error does not name DATABASE_URL: %v", raw, err)
		}
		if shown(pass, raw) && !strings.HasPrefix(raw, "sqlite:") && !strings.HasPrefix(raw, "file:") {
			if err != nil && strings.Contains(err.Error(), pass) {
				t.Fatalf("openSQL(%q) error shows the password %q: %v", raw, pass, err)
			}
			if strings.Contains(redacted, pass) {
				t.Fatalf("Redact(%q) = %q shows the password %q", raw, redacted, pass)
			}
		}
		if dialect == MySQL {
			checkMySQLDSN(t, raw)
		}
		if dialect == SQLite {
			checkSQLiteDSN(t, raw)
		}
	})
}

// secretIn is the password of a driver-style DSN (user:pass@…) or of a
// password query parameter, "" when rest has neither.
func secretIn(rest string) string {
	if before, _, ok := strings.Cut(rest, "@"); ok {
		if _, pw, ok := strings.Cut(before, ":"); ok {
			return pw
		}
	}
	if _, q, ok := strings.Cut(rest, "?"); ok {
		if v, err := url.ParseQuery(q); err == nil {
			return v.Get("password")
		}
	}
	return ""
}

// shown reports whether pass is a password whose appearance in a message
// would be a leak: long enough, not ending the authority by URL grammar,
// and found nowhere else in raw nor in the service's own wording. (A
// SQLite URL names a file; it has no password.)
func shown(pass, raw string) bool {
	if len(pass) < 6 || strings.ContainsAny(pass, "/?#") || strings.Contains(dsnWording, pass) {
		return false
	}
	return strings.Count(raw, pass) == 1
}

func checkMySQLDSN(t *testing.T, raw string) {
	t.Helper()
	dsn, err := mysqlDSN(raw)
	if err != nil {
		t.Fatalf("mysqlDSN(%q) fails after openSQL succeeded: %v", raw, err)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("the driver refuses the DSN built from %q: %v", raw, err)
	}
	u, _ := url.Parse(raw)
	pw, _ := u.User.Password()
	if cfg.User != u.User.Username() || cfg.Passwd != pw || cfg.DBName != strings.TrimPrefix(u.Path, "/") {
		t.Fatalf("%q reaches the driver as user %q database %q (password equal: %v)", raw, cfg.User, cfg.DBName, cfg.Passwd == pw)
	}
}

func checkSQLiteDSN(t *testing.T, raw string) {
	t.Helper()
	dsn, err := sqliteDSN(raw)
	if err != nil {
		t.Fatalf("sqliteDSN(%q) fails after openSQL succeeded: %v", raw, err)
	}
	_, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("sqliteDSN(%q) = %q: its options do not parse: %v", raw, dsn, err)
	}
	if n := len(q["_txlock"]); n != 1 || !slices.Contains(q["_pragma"], "busy_timeout(10000)") || !slices.Contains(q["_pragma"], "foreign_keys(1)") {
		t.Fatalf("sqliteDSN(%q) = %q lacks the pragmas the service relies on", raw, dsn)
	}
}
