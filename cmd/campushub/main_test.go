package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// runIn runs the command line in a fresh working directory with the given
// environment and returns the exit status, stdout and stderr.
func runIn(t *testing.T, getenv func(string) string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

// emptyDir fails the test when the working directory holds anything: a
// command that only printed help must not have created a database.
func emptyDir(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the command left %s behind", e.Name())
	}
}

func TestEveryCommandAnswersHelpWithoutSideEffects(t *testing.T) {
	cases := []struct {
		args []string
		want string // in the usage printed
	}{
		{[]string{"-h"}, "campushub [serve"},
		{[]string{"--help"}, "campushub [serve"},
		{[]string{"help"}, "campushub [serve"},
		{[]string{"serve", "--help"}, "campushub serve"},
		{[]string{"serve", "-h"}, "DATABASE_URL"},
		{[]string{"migrate", "--help"}, "campushub migrate"},
		{[]string{"migrate", "-h"}, "campushub migrate"},
		{[]string{"admin", "--help"}, "campushub admin create"},
		{[]string{"admin", "create", "--help"}, "-account"},
		{[]string{"admin", "create", "--account", "a@example.com", "-h"}, "-password"},
		{[]string{"events", "--help"}, "relay"},
		{[]string{"events", "relay", "--help"}, "campushub events relay"},
		{[]string{"events", "tail", "-h"}, "-from-beginning"},
		{[]string{"events", "list", "--help"}, "-limit"},
		{[]string{"healthcheck", "--help"}, "campushub healthcheck"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			// Help must not even read the configuration.
			getenv := func(name string) string {
				t.Errorf("help read the setting %s", name)
				return ""
			}
			code, stdout, stderr := runIn(t, getenv, tc.args...)
			if code != exitOK {
				t.Errorf("exit status %d, want 0; stderr: %s", code, stderr)
			}
			if !strings.Contains(stdout, "USAGE") || !strings.Contains(stdout, tc.want) {
				t.Errorf("stdout does not show the usage with %q:\n%s", tc.want, stdout)
			}
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			emptyDir(t)
		})
	}
}

func TestServeHelpListsEverySetting(t *testing.T) {
	_, stdout, _ := runIn(t, env(nil), "serve", "--help")
	for _, s := range settings {
		if !strings.Contains(stdout, s.Name) {
			t.Errorf("serve --help does not list %s", s.Name)
		}
	}
}

// TestMigrateRunsWithoutHelp is the counterpart of the help test: the same
// command without -h does create and migrate the default database.
func TestMigrateRunsWithoutHelp(t *testing.T) {
	code, stdout, stderr := runIn(t, env(map[string]string{"LOG_LEVEL": "error"}), "migrate")
	if code != exitOK {
		t.Fatalf("migrate: exit status %d; stderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "applied") {
		t.Errorf("migrate printed %q, want the migrations it applied", stdout)
	}
	if _, err := os.Stat("campushub.db"); err != nil {
		t.Errorf("migrate did not create the default database: %v", err)
	}
}

func TestBadCommandLines(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string // in stderr
	}{
		{[]string{"bogus"}, exitBadArgs, `unknown command "bogus"`},
		{[]string{"serve", "now"}, exitBadArgs, "serve takes no arguments"},
		{[]string{"serve", "--port", "1"}, exitBadArgs, "flag provided but not defined: -port"},
		{[]string{"admin"}, exitBadArgs, "admin: want a subcommand: create"},
		{[]string{"admin", "delete"}, exitBadArgs, `unknown subcommand "delete"`},
		{[]string{"events"}, exitBadArgs, "want a subcommand: relay, tail, list"},
		{[]string{"events", "replay"}, exitBadArgs, `unknown subcommand "replay"`},
		{[]string{"admin", "create"}, exitFailed, "--account is required"},
		{[]string{"events", "list", "--limit", "0"}, exitFailed, "--limit must be positive"},
		{[]string{"events", "tail"}, exitFailed, "--topic is required"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runIn(t, env(nil), tc.args...)
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, stderr)
			}
			emptyDir(t)
		})
	}
}

func TestBadConfigurationFailsBeforeAnySideEffect(t *testing.T) {
	code, _, stderr := runIn(t, env(map[string]string{"BCRYPT_COST": "ten"}), "migrate")
	if code != exitFailed || !strings.Contains(stderr, "BCRYPT_COST") {
		t.Errorf("exit status %d, stderr %q; want 1 naming BCRYPT_COST", code, stderr)
	}
	emptyDir(t)
}
