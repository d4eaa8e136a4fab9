package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSQLiteFilePath(t *testing.T) {
	cases := []struct {
		raw, path, mode string
		ok              bool
	}{
		{raw: "sqlite:campushub.db", path: "campushub.db", ok: true},
		{raw: "sqlite:/srv/data/campushub.db?_txlock=deferred", path: "/srv/data/campushub.db", ok: true},
		{raw: "sqlite:///srv/data/campushub.db", path: "/srv/data/campushub.db", ok: true},
		{raw: "file:///srv/data/campushub.db", path: "/srv/data/campushub.db", ok: true},
		{raw: "file://localhost/srv/data/campushub.db", path: "/srv/data/campushub.db", ok: true},
		{raw: "sqlite:file:data/campus%20hub.db?mode=ro", path: "data/campus hub.db", mode: "ro", ok: true},
		{raw: "file://otherhost/srv/campushub.db"},
		{raw: "sqlite::memory:"},
		{raw: "file:shared?mode=memory&cache=shared"},
		{raw: "sqlite:bad%zzescape.db"},
	}
	for _, tc := range cases {
		path, mode, ok := sqliteFilePath(tc.raw)
		if path != tc.path || mode != tc.mode || ok != tc.ok {
			t.Errorf("sqliteFilePath(%q) = %q, %q, %v; want %q, %q, %v", tc.raw, path, mode, ok, tc.path, tc.mode, tc.ok)
		}
	}
}

func TestOpenSQLiteNamesWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, url string
		want      []string
	}{
		{
			name: "missing directory",
			url:  "sqlite:" + filepath.Join(dir, "missing", "sub", "campushub.db") + "?key_password=hunter2",
			want: []string{"DATABASE_URL", "the directory " + filepath.Join(dir, "missing", "sub") + " does not exist"},
		},
		{
			name: "a file where the directory should be",
			url:  "file://" + filepath.Join(aFile, "campushub.db"),
			want: []string{"DATABASE_URL", aFile + " is not a directory"},
		},
		{
			name: "read-only mode on a missing file",
			url:  "sqlite:" + filepath.Join(dir, "absent.db") + "?mode=ro",
			want: []string{"DATABASE_URL", "the database file " + filepath.Join(dir, "absent.db") + " does not exist"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(context.Background(), Config{URL: tc.url})
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open(%q) succeeded", tc.url)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("error %q shows the password", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q is more than one line", msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("Open created the missing directory (stat: %v)", err)
	}
}
