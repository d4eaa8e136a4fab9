package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEOperatingNamesWhatTheCodeExports keeps README.md's "Operating"
// section true: every metric name and every readiness field it names is
// declared by the service's code (a string literal of a non-test Go file).
func TestREADMEOperatingNamesWhatTheCodeExports(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	start := strings.Index(readme, "\n## Operating\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Operating" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}

	literals := map[string]bool{}
	lit := regexp.MustCompile(`"([a-z_]+)"`)
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "../.." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			literals[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	metrics := regexp.MustCompile("`(campushub_[a-z_]+)").FindAllStringSubmatch(section, -1)
	if len(metrics) < 10 {
		t.Fatalf("the Operating section names %d metrics; expected the outbox, webhook and rate-limit ones", len(metrics))
	}
	for _, m := range metrics {
		if !literals[m[1]] {
			t.Errorf("README's Operating section names the metric %s, which no code declares", m[1])
		}
	}
	fields := regexp.MustCompile("`checks\\.([a-z_]+)(?:\\.([a-z_]+))?`").FindAllStringSubmatch(section, -1)
	if len(fields) < 8 {
		t.Fatalf("the Operating section names %d readiness fields; expected database, broker and outbox ones", len(fields))
	}
	for _, f := range fields {
		for _, name := range f[1:] {
			if name != "" && !literals[name] {
				t.Errorf("README's Operating section names the readiness field %s, which no code writes", f[0])
			}
		}
	}
}
