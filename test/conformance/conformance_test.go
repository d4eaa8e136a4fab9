// Package conformance checks the running service against docs/openapi.yaml
// with an OpenAPI fuzzer: schemathesis, at a pinned version, installed from
// PyPI into a virtual environment under the user's cache directory on first
// use. It builds the binary, starts it on a temporary SQLite database, signs
// in a manager, a user and an organisation, and runs every operation with
// all of schemathesis' checks, as each kind of caller and as nobody, with a
// fixed seed.
//
// It runs when CAMPUSHUB_CONFORMANCE is set (.ci/run and `make
// conformance` set it). The run is bounded: CAMPUSHUB_CONFORMANCE_EXAMPLES
// test cases per operation and phase (default 4, `make conformance` uses
// more). Without python3 and its venv module the test skips with one line
// saying so.
package conformance

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// schemathesisVersion is the fuzzer's pinned version.
const schemathesisVersion = "4.32.5"

// seed makes every run generate the same requests.
const seed = "20261201"

// schemathesis returns the path of the pinned schemathesis, installing it
// into a virtual environment under the cache directory when missing.
func schemathesis(t *testing.T) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("conformance: python3 is not installed; install python3 and python3-venv to run the OpenAPI conformance suite")
	}
	cache := os.Getenv("CAMPUSHUB_CONFORMANCE_CACHE")
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		cache = filepath.Join(base, "campushub", "conformance")
	}
	venv := filepath.Join(cache, "schemathesis-"+schemathesisVersion)
	bin := filepath.Join(venv, "bin", "schemathesis")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if out, err := exec.Command(python, "-m", "venv", "--help").CombinedOutput(); err != nil {
		t.Skipf("conformance: python3 has no working venv module (%v: %s); install python3-venv to run the OpenAPI conformance suite", err, firstLine(out))
	}
	_ = os.RemoveAll(venv)
	if out, err := exec.Command(python, "-m", "venv", venv).CombinedOutput(); err != nil {
		t.Skipf("conformance: python3 -m venv failed (%v: %s); install python3-venv to run the OpenAPI conformance suite", err, firstLine(out))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	pip := exec.CommandContext(ctx, filepath.Join(venv, "bin", "python"), "-m", "pip", "install", "--quiet",
		"--disable-pip-version-check", "schemathesis=="+schemathesisVersion)
	if out, err := pip.CombinedOutput(); err != nil {
		_ = os.RemoveAll(venv)
		t.Fatalf("conformance: pip install schemathesis==%s: %v\n%s", schemathesisVersion, err, tail(string(out), 3000))
	}
	return bin
}

// summary is the end of schemathesis' report: the operations tested, the
// kinds of warning (operations the run could not reach far into) and how
// many test cases it generated.
func summary(out string) string {
	if i := strings.LastIndex(out, " SUMMARY ="); i >= 0 {
		if j := strings.LastIndex(out[:i], "\n"); j >= 0 {
			return strings.TrimSpace(out[j:])
		}
	}
	return tail(out, 400)
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// caller is one kind of caller and the operations it runs.
type caller struct {
	name          string
	authorization string // the Authorization header, "" for none
	accessType    string // access_type on the WeChat-side activity routes
	include       string // operations, a path regular expression
	exclude       string // operations left out, a path regular expression
}

// examples is the caller's share of n: without credentials every protected
// operation answers 401 whatever was sent, so a few cases tell it all.
func (c caller) examples(n int) int {
	if c.authorization == "" {
		return max(1, n/4)
	}
	return n
}

// TestOpenAPIConformance runs schemathesis over every operation of
// docs/openapi.yaml against the built binary; any failure of any check
// fails the test with schemathesis' own report.
func TestOpenAPIConformance(t *testing.T) {
	if os.Getenv("CAMPUSHUB_CONFORMANCE") == "" {
		t.Skip("conformance: set CAMPUSHUB_CONFORMANCE=1 (or run make conformance) to fuzz the API against docs/openapi.yaml")
	}
	st := schemathesis(t)
	examples := 4
	if v := os.Getenv("CAMPUSHUB_CONFORMANCE_EXAMPLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CAMPUSHUB_CONFORMANCE_EXAMPLES=%q: want a whole number from 1", v)
		}
		examples = n
	}
	bin := buildBinary(t, t.TempDir())
	srv := startServer(t, bin)
	creds := srv.signIn(t)

	// destroy_token revokes the token it is called with: only the
	// anonymous run calls it.
	const signOut = `^/api/auth/destroy_token$`
	callers := []caller{
		{name: "anonymous", accessType: "user", include: `.`},
		{name: "user", authorization: "Token " + creds.user, accessType: "user",
			include: `^/(api/(auth|personal|push|message|faq|feedback)|(api/v3/)?activitys_for_wx/)`, exclude: signOut},
		{name: "organisation", authorization: "Token " + creds.org, accessType: "org",
			include: `^/(api/v3/org|(api/v3/)?activitys_(for_wx/|signin$|message$))`},
		{name: "manager", authorization: "Token " + creds.manager, accessType: "user",
			include: `^/(api/manage/|wx/push/|api/v3/manage/)`},
	}
	doc := filepath.Join(repoRoot(), "docs", "openapi.yaml")
	config := filepath.Join(repoRoot(), "test", "conformance", "schemathesis.toml")
	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"--config-file", config, "run", doc, "--url", srv.url,
				"--checks", "all", "--seed", seed, "--max-examples", strconv.Itoa(c.examples(examples)),
				"--phases", "examples,coverage,fuzzing", "--workers", "1", "--request-timeout", "30",
				"--include-path-regex", c.include, "--report", "junit", "--report-dir", t.TempDir()}
			if c.exclude != "" {
				args = append(args, "--exclude-path-regex", c.exclude)
			}
			if c.authorization != "" {
				args = append(args, "--header", "Authorization: "+c.authorization)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, st, args...)
			cmd.Env = append(os.Environ(), "CONFORMANCE_ACCESS_TYPE="+c.accessType, "NO_COLOR=1",
				"SCHEMATHESIS_HOOKS=", "PYTHONDONTWRITEBYTECODE=1")
			cmd.Dir = t.TempDir()
			started := time.Now()
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			switch {
			case err == nil:
				t.Logf("%s in %s:\n%s", c.name, time.Since(started).Round(time.Second), summary(string(out)))
			case errors.As(err, &exit):
				t.Errorf("schemathesis found failures as %s (exit %d):\n%s", c.name, exit.ExitCode(), tail(string(out), 20000))
			default:
				t.Fatalf("schemathesis as %s: %v\n%s", c.name, err, tail(string(out), 4000))
			}
		})
	}
	if t.Failed() {
		t.Logf("server log (end):\n%s", tail(srv.log.String(), 3000))
	}
}

// TestConfigSelectsOperationsNarrowly: schemathesis selects an operation
// for an [[operations]] entry when any one of the entry's include-*
// filters matches, so include-method beside include-path would relax the
// entry's checks for every operation with that method. One operation is
// named with include-name ("METHOD /path").
func TestConfigSelectsOperationsNarrowly(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "test", "conformance", "schemathesis.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\n") {
		key, _, _ := strings.Cut(strings.TrimSpace(line), "=")
		if strings.HasPrefix(key, "include-method") {
			t.Errorf("schemathesis.toml:%d: %s selects every operation with that method; name one operation with include-name = \"METHOD /path\"", i+1, strings.TrimSpace(line))
		}
	}
}
