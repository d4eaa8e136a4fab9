package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// sqliteOpenError explains why SQLite could not open the file named by a
// DATABASE_URL. SQLite itself only says "unable to open database file (14)"
// whether the directory is missing, is a file, or the database file is
// missing in a read-only mode; the directory and file are looked at here so
// the message names what is wrong.
func sqliteOpenError(raw string, err error) error {
	path, mode, ok := sqliteFilePath(raw)
	if !ok {
		return fmt.Errorf("DATABASE_URL %s: cannot open the SQLite database: %w", Redact(raw), err)
	}
	dir := filepath.Dir(path)
	shown := dir
	if abs, aerr := filepath.Abs(dir); aerr == nil && abs != dir {
		shown = fmt.Sprintf("%s (%s)", dir, abs)
	}
	fi, serr := os.Stat(dir)
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		return fmt.Errorf("DATABASE_URL %s: the directory %s does not exist: create it or point DATABASE_URL at an existing directory", Redact(raw), shown)
	case serr == nil && !fi.IsDir():
		return fmt.Errorf("DATABASE_URL %s: %s is not a directory", Redact(raw), shown)
	}
	if mode == "ro" || mode == "rw" {
		if _, ferr := os.Stat(path); errors.Is(ferr, fs.ErrNotExist) {
			return fmt.Errorf("DATABASE_URL %s: the database file %s does not exist (mode=%s does not create it)", Redact(raw), path, mode)
		}
	}
	return fmt.Errorf("DATABASE_URL %s: cannot open the SQLite database %s: %w", Redact(raw), path, err)
}

// sqliteFilePath is the file system path a sqlite:/file: DATABASE_URL
// names, as SQLite reads the URI (file:PATH, file:///PATH,
// file://localhost/PATH, percent escapes decoded, options after ?), and the
// mode option. ok is false for in-memory databases and for names SQLite
// itself would refuse.
func sqliteFilePath(raw string) (path, mode string, ok bool) {
	rest := strings.TrimPrefix(raw, "sqlite:")
	rest = strings.TrimPrefix(rest, "//")
	rest = strings.TrimPrefix(rest, "file:")
	rest, query, _ := strings.Cut(rest, "?")
	rest, _, _ = strings.Cut(rest, "#")
	if strings.HasPrefix(rest, "//") {
		authority, p, found := strings.Cut(rest[2:], "/")
		if !found || (authority != "" && authority != "localhost") {
			return "", "", false
		}
		rest = "/" + p
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", "", false
	}
	mode = q.Get("mode")
	path, err = url.PathUnescape(rest)
	if err != nil || path == "" || path == ":memory:" || mode == "memory" {
		return "", "", false
	}
	return path, mode, true
}
