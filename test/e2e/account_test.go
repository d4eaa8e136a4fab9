package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

const (
	accountPhone    = "18656660930"
	accountPhoneKey = "+86 18656660930"
	accountPassword = "password123"
)

// TestAccountJourney walks the account flow against the built binary:
// send_code → register → login → info get/put → refresh → destroy, a
// replayed refresh token revoking its family, and the password lockout.
func TestAccountJourney(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "journey.db")
	s := startService(t, map[string]string{"DATABASE_URL": dbURL, "LOGIN_MAX_FAILURES": "3"})
	if len(s.logLines(map[string]string{"level": "WARN"})) == 0 || !strings.Contains(s.log(), "CODE_SENDER=log") {
		t.Errorf("no start-up warning that codes are logged; log:\n%s", s.log())
	}

	s.call(t, "POST", "/api/auth/send_code", "", map[string]string{"area": "86", "account": accountPhone}).want(t, "send_code", 200, 0)
	s.call(t, "POST", "/api/auth/send_code", "", map[string]string{"account": accountPhone}).want(t, "send_code again", 429, 10010)
	code := s.codeFor(t, accountPhoneKey)
	if len(code) != 6 {
		t.Fatalf("code %q from the log is not 6 digits", code)
	}
	s.call(t, "POST", "/api/auth/check_code", "", map[string]string{"area": "86", "account": accountPhone, "code": "000000"}).want(t, "check_code wrong", 400, 10008)
	s.call(t, "POST", "/api/auth/check_code", "", map[string]string{"area": "86", "account": accountPhone, "code": code}).want(t, "check_code", 200, 0)
	reg := s.call(t, "POST", "/api/auth/register", "", map[string]string{"area": "86", "account": accountPhone, "code": code, "password": accountPassword}).
		want(t, "register", 200, 0).tokens(t)
	if reg.ExpiresIn != 604800 || len(reg.AccessToken) != 50 {
		t.Errorf("register tokens %+v", reg)
	}
	s.call(t, "POST", "/api/auth/register", "", map[string]string{"account": accountPhone, "code": code, "password": accountPassword}).want(t, "register again", 409, 10009)

	login := s.call(t, "POST", "/api/auth/access_token", "", map[string]string{"area": "86", "account": accountPhone, "password": accountPassword}).
		want(t, "access_token", 200, 0).tokens(t)

	var info map[string]any
	_ = json.Unmarshal(s.call(t, "GET", "/api/personal/info", login.AccessToken, nil).want(t, "GET info", 200, 0).Data, &info)
	if len(info) != 16 || info["phone"] != accountPhone || info["role"] != 0.0 || info["gender"] != 2.0 {
		t.Fatalf("info %v", info)
	}
	put := map[string]any{"nickname": "小明", "gender": 1, "birthday": "1991-03-08", "address": "合肥"}
	_ = json.Unmarshal(s.call(t, "PUT", "/api/personal/info", login.AccessToken, put).want(t, "PUT info", 200, 0).Data, &info)
	if info["nickname"] != "小明" || info["gender"] != 1.0 || info["birthday"] != "1991-03-08" {
		t.Fatalf("info after PUT %v", info)
	}
	s.call(t, "PUT", "/api/personal/info", login.AccessToken, map[string]any{"gender": 7}).want(t, "PUT bad gender", 400, 10005)

	refreshed := s.call(t, "POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": login.RefreshToken}).
		want(t, "refresh_token", 200, 0).tokens(t)
	s.call(t, "GET", "/api/personal/info", refreshed.AccessToken, nil).want(t, "GET info with the refreshed token", 200, 0)
	s.call(t, "POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": login.RefreshToken}).want(t, "replayed refresh token", 401, 10004)
	s.call(t, "GET", "/api/personal/info", refreshed.AccessToken, nil).want(t, "token of the revoked family", 401, 10004)
	s.call(t, "POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": refreshed.RefreshToken}).want(t, "refresh of the revoked family", 401, 10004)

	s.call(t, "POST", "/api/auth/destroy_token", reg.AccessToken, nil).want(t, "destroy_token", 200, 0)
	s.call(t, "GET", "/api/personal/info", reg.AccessToken, nil).want(t, "destroyed token", 401, 10004)
	s.call(t, "POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": reg.RefreshToken}).want(t, "refresh of a destroyed session", 401, 10004)

	wrong := map[string]string{"account": accountPhone, "password": "wrong-password"}
	s.call(t, "POST", "/api/auth/access_token", "", wrong).want(t, "wrong password 1", 401, 10007)
	s.call(t, "POST", "/api/auth/access_token", "", wrong).want(t, "wrong password 2", 401, 10007)
	s.call(t, "POST", "/api/auth/access_token", "", wrong).want(t, "wrong password 3 locks", http.StatusLocked, 10003)
	s.call(t, "POST", "/api/auth/access_token", "", map[string]string{"account": accountPhone, "password": accountPassword}).want(t, "right password while locked", http.StatusLocked, 10003)

	s.call(t, "GET", "/api/nope", "", nil).want(t, "unknown path", 404, 10002)
	s.call(t, "GET", "/api/auth/send_code", "", nil).want(t, "wrong method", 405, 10002)

	if code := s.terminate(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; log:\n%s", code, s.log())
	}
	for _, secret := range []string{accountPassword, "wrong-password", reg.AccessToken, reg.RefreshToken, login.AccessToken, refreshed.RefreshToken} {
		if strings.Contains(s.log(), secret) {
			t.Errorf("the log holds a password or token (%q)", secret)
		}
	}
	checkAccountEvents(t, dbURL, code, accountPassword, login, refreshed)
}

// checkAccountEvents reads the outbox the journey left and checks the
// account events are there, with no secret in them.
func checkAccountEvents(t *testing.T, dbURL, code, password string, pairs ...tokenPair) {
	t.Helper()
	ctx := context.Background()
	db := testenv.OpenEmptyDB(t, dbURL)
	rows, err := storage.NewOutbox(db).Recent(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	secrets := []string{password, code}
	for _, p := range pairs {
		secrets = append(secrets, p.AccessToken, p.RefreshToken)
	}
	for _, r := range rows {
		seen[r.Type]++
		for _, s := range secrets {
			if strings.Contains(r.Payload, s) {
				t.Errorf("event %s holds a secret: %s", r.Type, r.Payload)
			}
		}
		if strings.Contains(r.Payload, "$2a$") {
			t.Errorf("event %s holds a password hash: %s", r.Type, r.Payload)
		}
	}
	for _, typ := range []string{"campushub.account.registered", "campushub.account.profile_updated", "campushub.account.login_locked"} {
		if seen[typ] != 1 {
			t.Errorf("%d %s events in the outbox, want 1 (all: %v)", seen[typ], typ, seen)
		}
	}
}

// TestAdminCreateManager creates a manager with the CLI and signs in as it.
func TestAdminCreateManager(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "admin.db")
	env := map[string]string{"DATABASE_URL": dbURL, "BCRYPT_COST": "4"}
	code, out := run(t, env, "admin", "create", "--account", "manager@example.com", "--password", accountPassword)
	if code != 0 {
		t.Fatalf("admin create: exit %d\n%s", code, out)
	}
	// admin create sends no codes: the code sender's warning does not belong in its output.
	if strings.Contains(out, "CODE_SENDER") {
		t.Errorf("admin create printed the code sender's warning:\n%s", out)
	}
	if code, out := run(t, env, "admin", "create", "--account", "manager@example.com", "--password", accountPassword); code == 0 || !strings.Contains(out, "already registered") {
		t.Fatalf("second admin create: exit %d\n%s", code, out)
	}
	if code, out := run(t, env, "admin", "create", "--account", "boss@example.com", "--password", "short"); code == 0 || !strings.Contains(out, "password") {
		t.Fatalf("admin create with a short password: exit %d\n%s", code, out)
	}

	s := startService(t, map[string]string{"DATABASE_URL": dbURL})
	tok := s.call(t, "POST", "/api/auth/access_token", "", map[string]string{"account": "manager@example.com", "password": accountPassword}).
		want(t, "manager login", 200, 0).tokens(t)
	var info struct {
		Role     int    `json:"role"`
		Email    string `json:"email"`
		Username string `json:"username"`
	}
	_ = json.Unmarshal(s.call(t, "GET", "/api/personal/info", tok.AccessToken, nil).want(t, "manager info", 200, 0).Data, &info)
	if info.Role != 1 || info.Email != "manager@example.com" || info.Username != "manager@example.com" {
		t.Fatalf("manager info %+v, want role 1", info)
	}
}

// TestGracefulShutdown stops the service with SIGTERM and expects exit 0.
func TestGracefulShutdown(t *testing.T) {
	s := startService(t, nil)
	s.call(t, "POST", "/api/auth/send_code", "", map[string]string{"account": "ann@example.com"}).want(t, "send_code", 200, 0)
	if code := s.terminate(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; log:\n%s", code, s.log())
	}
	if len(s.logLines(map[string]string{"msg": "shutting down"})) != 1 {
		t.Errorf("no shutdown line in the log:\n%s", s.log())
	}
	// The last line says the shutdown finished and how long it took.
	done := s.logLines(map[string]string{"msg": "shutdown complete"})
	if len(done) != 1 {
		t.Fatalf("%d shutdown-complete lines in the log, want 1:\n%s", len(done), s.log())
	}
	if took, _ := done[0]["took"].(string); took == "" {
		t.Errorf("the shutdown-complete line does not say how long it took: %v", done[0])
	} else if _, err := time.ParseDuration(took); err != nil {
		t.Errorf("the shutdown-complete line's took %q is not a duration: %v", took, err)
	}
	lines := strings.Split(strings.TrimSpace(s.log()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, `"msg":"shutdown complete"`) {
		t.Errorf("the last log line is %s, want the shutdown-complete line", last)
	}
	if _, err := http.Get(s.URL + "/healthz"); err == nil {
		t.Error("the service still answers after it exited")
	}
}
