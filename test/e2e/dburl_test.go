package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadDatabaseURLStopsStartWithOneLine(t *testing.T) {
	cases := []struct {
		name string
		url  string
		want string // in the error line besides DATABASE_URL
	}{
		{name: "unsupported scheme", url: "oracle://scott:tiger@db/orcl", want: "unsupported scheme"},
		{name: "not a URL", url: "::not a url::", want: "DATABASE_URL"},
		{name: "unreachable postgres", url: "postgres://campushub:secret@127.0.0.1:1/campushub?sslmode=disable", want: "not reachable"},
		{name: "unreachable mysql", url: "mysql://campushub:secret@127.0.0.1:1/campushub", want: "not reachable"},
		{name: "an sslmode the driver refuses", url: "postgres://campushub:secret@127.0.0.1:1/campushub?sslmode=bogus", want: "sslmode"},
		{name: "a password in a URL that does not parse", url: "postgres://campushub:secret@db:port/campushub", want: "invalid port"},
		{name: "a password parameter in a URL that does not parse", url: "postgres://db :5432/campushub?password=secret", want: "DATABASE_URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out := run(t, map[string]string{"DATABASE_URL": tc.url, "HTTP_ADDR": freeAddr(t)}, "serve")
			if code == 0 {
				t.Fatalf("exit code 0, want non-zero; output:\n%s", out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one error line, got %d:\n%s", len(lines), out)
			}
			line := lines[0]
			for _, want := range []string{"campushub: ", "DATABASE_URL", tc.want} {
				if !strings.Contains(line, want) {
					t.Errorf("error line %q does not contain %q", line, want)
				}
			}
			if strings.Contains(line, "secret") {
				t.Errorf("error line %q shows the password", line)
			}
		})
	}
}

// A SQLite DATABASE_URL into a directory that does not exist stops both
// serve and migrate with one line naming the directory, not SQLite's
// "unable to open database file (14)", and the directory is not created.
func TestSQLiteURLIntoMissingDirectoryNamesIt(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	url := "sqlite:" + filepath.Join(missing, "campushub.db") + "?key_password=secret"
	for _, args := range [][]string{{"serve"}, {"migrate"}} {
		t.Run(args[0], func(t *testing.T) {
			code, out := run(t, map[string]string{"DATABASE_URL": url, "HTTP_ADDR": freeAddr(t)}, args...)
			if code != 1 {
				t.Fatalf("exit code %d, want 1; output:\n%s", code, out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one error line, got %d:\n%s", len(lines), out)
			}
			line := lines[0]
			for _, want := range []string{"campushub: ", "DATABASE_URL", "the directory " + missing + " does not exist"} {
				if !strings.Contains(line, want) {
					t.Errorf("error line %q does not contain %q", line, want)
				}
			}
			for _, bad := range []string{"secret", "(14)"} {
				if strings.Contains(line, bad) {
					t.Errorf("error line %q contains %q", line, bad)
				}
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Errorf("the missing directory was created (stat: %v)", err)
			}
		})
	}
}
