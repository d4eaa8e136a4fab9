package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/account"
)

var (
	t0     = time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)
	policy = account.CodePolicy{TTL: 5 * time.Minute, Interval: time.Minute, DailyLimit: 10}
)

func TestNewCodeLimits(t *testing.T) {
	cases := []struct {
		name      string
		lastSent  time.Time
		sentToday int
		wantErr   error
	}{
		{name: "first code", lastSent: time.Time{}, sentToday: 0},
		{name: "previous code just over a minute ago", lastSent: t0.Add(-61 * time.Second), sentToday: 1},
		{name: "previous code exactly a minute ago", lastSent: t0.Add(-time.Minute), sentToday: 1},
		{name: "previous code 30 seconds ago", lastSent: t0.Add(-30 * time.Second), sentToday: 1, wantErr: account.ErrTooFrequent},
		{name: "previous code this instant", lastSent: t0, sentToday: 1, wantErr: account.ErrTooFrequent},
		{name: "one below the daily cap", lastSent: t0.Add(-time.Hour), sentToday: 9},
		{name: "daily cap reached", lastSent: t0.Add(-time.Hour), sentToday: 10, wantErr: account.ErrTooFrequent},
		{name: "daily cap exceeded", lastSent: t0.Add(-time.Hour), sentToday: 11, wantErr: account.ErrTooFrequent},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := account.NewCode(policy, "+86 18656660930", "123456", t0, tc.lastSent, tc.sentToday)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewCode: %v", err)
			}
			if !c.ExpiresAt.Equal(t0.Add(5 * time.Minute)) {
				t.Errorf("ExpiresAt = %v, want %v", c.ExpiresAt, t0.Add(5*time.Minute))
			}
			if c.Hash == "" || strings.Contains(c.Hash, "123456") {
				t.Errorf("Hash = %q: want a hash that does not hold the code", c.Hash)
			}
		})
	}
}

func TestNewCodeTooFrequentSaysHowLongToWait(t *testing.T) {
	_, err := account.NewCode(policy, "k", "123456", t0, t0.Add(-20*time.Second), 1)
	if err == nil || !strings.Contains(err.Error(), "wait 40 seconds") {
		t.Fatalf("err = %v, want a message saying to wait 40 seconds", err)
	}
}

func TestHashCodeIsSaltedWithTheAccount(t *testing.T) {
	if account.HashCode("a@example.com", "123456") == account.HashCode("b@example.com", "123456") {
		t.Fatal("equal codes of two accounts share a hash")
	}
}

func newCode(t *testing.T) account.Code {
	t.Helper()
	c, err := account.NewCode(policy, "+86 18656660930", "123456", t0, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCodeVerify(t *testing.T) {
	cases := []struct {
		name      string
		wrong     int           // wrong guesses before the final one
		after     time.Duration // time of the final guess after issue
		consumed  bool
		guess     string
		wantErr   error
		wantField string
	}{
		{name: "right code", guess: "123456"},
		{name: "right code with spaces", guess: " 123456 "},
		{name: "right code just before expiry", after: 5*time.Minute - time.Second, guess: "123456"},
		{name: "right code at expiry", after: 5 * time.Minute, guess: "123456", wantErr: account.ErrInvalidCode},
		{name: "wrong code", guess: "654321", wantErr: account.ErrInvalidCode},
		{name: "right code after four wrong tries", wrong: 4, guess: "123456"},
		{name: "right code after five wrong tries", wrong: 5, guess: "123456", wantErr: account.ErrInvalidCode},
		{name: "consumed code", consumed: true, guess: "123456", wantErr: account.ErrInvalidCode},
		{name: "empty guess", guess: "", wantField: "code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCode(t)
			for i := 0; i < tc.wrong; i++ {
				if err := c.Verify(t0, "000000"); !errors.Is(err, account.ErrInvalidCode) {
					t.Fatalf("wrong guess %d: err = %v", i+1, err)
				}
			}
			if tc.consumed {
				c.Consume(t0)
			}
			err := c.Verify(t0.Add(tc.after), tc.guess)
			switch {
			case tc.wantField != "":
				wantField(t, err, tc.wantField)
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case err != nil:
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestCodeVerifyCountsWrongGuesses(t *testing.T) {
	c := newCode(t)
	for i := 1; i <= account.MaxCodeAttempts; i++ {
		err := c.Verify(t0, "000000")
		if !errors.Is(err, account.ErrInvalidCode) {
			t.Fatalf("guess %d: err = %v", i, err)
		}
		if c.Attempts != i {
			t.Fatalf("after %d wrong guesses Attempts = %d", i, c.Attempts)
		}
	}
	if c.Usable(t0) {
		t.Fatal("code still usable after five wrong guesses")
	}
	// Guesses at a dead code are not counted any more.
	_ = c.Verify(t0, "000000")
	if c.Attempts != account.MaxCodeAttempts {
		t.Fatalf("Attempts = %d after a guess at a dead code", c.Attempts)
	}
}
