package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

var (
	t0     = time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)
	policy = account.CodePolicy{TTL: 5 * time.Minute, Interval: time.Minute, DailyLimit: 10}
)

func TestNewCodeLimits(t *testing.T) {
	cases := []struct {
		name      string
		lastSent  time.Time
		sentToday []time.Time
		wantErr   error
	}{
		{name: "first code", lastSent: time.Time{}, sentToday: sentAt(0)},
		{name: "previous code just over a minute ago", lastSent: t0.Add(-61 * time.Second), sentToday: sentAt(1)},
		{name: "previous code exactly a minute ago", lastSent: t0.Add(-time.Minute), sentToday: sentAt(1)},
		{name: "previous code 30 seconds ago", lastSent: t0.Add(-30 * time.Second), sentToday: sentAt(1), wantErr: account.ErrTooFrequent},
		{name: "previous code this instant", lastSent: t0, sentToday: sentAt(1), wantErr: account.ErrTooFrequent},
		{name: "one below the daily cap", lastSent: t0.Add(-time.Hour), sentToday: sentAt(9)},
		{name: "daily cap reached", lastSent: t0.Add(-time.Hour), sentToday: sentAt(10), wantErr: account.ErrTooFrequent},
		{name: "daily cap exceeded", lastSent: t0.Add(-time.Hour), sentToday: sentAt(11), wantErr: account.ErrTooFrequent},
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
	_, err := account.NewCode(policy, "k", "123456", t0, t0.Add(-20*time.Second), sentAt(1))
	if err == nil || !strings.Contains(err.Error(), "wait 40 seconds") {
		t.Fatalf("err = %v, want a message saying to wait 40 seconds", err)
	}
}

// sentAt returns n send times an hour before t0 and after, a minute apart,
// oldest first.
func sentAt(n int) []time.Time {
	var at []time.Time
	for i := range n {
		at = append(at, t0.Add(-time.Hour+time.Duration(i-n+1)*time.Minute))
	}
	return at
}

func TestNewCodeRefusalsSayWhenToTryAgain(t *testing.T) {
	spread := func(ago ...time.Duration) []time.Time {
		var at []time.Time
		for _, d := range ago {
			at = append(at, t0.Add(-d))
		}
		return at
	}
	hours := func(hs ...int) []time.Duration {
		var ds []time.Duration
		for _, h := range hs {
			ds = append(ds, time.Duration(h)*time.Hour)
		}
		return ds
	}
	cases := []struct {
		name     string
		lastSent time.Time
		sent     []time.Time
		want     time.Duration
		message  string
	}{
		{name: "within the interval", lastSent: t0.Add(-20 * time.Second), sent: sentAt(1), want: 40 * time.Second, message: "wait 40 seconds"},
		{name: "daily cap: the oldest code leaves the window first",
			lastSent: t0.Add(-time.Hour), sent: spread(hours(23, 20, 19, 18, 17, 16, 15, 14, 13, 1)...), want: time.Hour, message: "in 3600 seconds"},
		{name: "daily cap exceeded (the limit was lowered): the window must drop to one below the limit",
			lastSent: t0.Add(-time.Hour), sent: spread(hours(23, 22, 20, 19, 18, 17, 16, 15, 14, 13, 1)...), want: 2 * time.Hour},
		{name: "daily cap: the oldest code is exactly a window old, and still counts",
			lastSent: t0.Add(-time.Hour), sent: spread(hours(24, 20, 19, 18, 17, 16, 15, 14, 13, 1)...), want: time.Millisecond, message: "in 1 seconds"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := account.NewCode(policy, "k", "123456", t0, tc.lastSent, tc.sent)
			if !errors.Is(err, account.ErrTooFrequent) {
				t.Fatalf("err = %v, want %v", err, account.ErrTooFrequent)
			}
			if got := shared.RetryAfterOf(err); got != tc.want {
				t.Errorf("RetryAfter = %s, want %s", got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("message %q does not say %q", err, tc.message)
			}
		})
	}
}

func TestHashCodeIsSaltedWithTheAccount(t *testing.T) {
	if account.HashCode("a@example.com", "123456") == account.HashCode("b@example.com", "123456") {
		t.Fatal("equal codes of two accounts share a hash")
	}
}

func newCode(t *testing.T) account.Code {
	t.Helper()
	c, err := account.NewCode(policy, "+86 18656660930", "123456", t0, time.Time{}, nil)
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
