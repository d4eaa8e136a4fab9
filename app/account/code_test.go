package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

const (
	phone    = "18656660930"
	phoneKey = "+86 18656660930"
)

var ctx = context.Background()

func wantInvalidField(t *testing.T, err error, field string) {
	t.Helper()
	var e *shared.Error
	if !errors.As(err, &e) || e.Kind != shared.KindInvalid || e.Field != field {
		t.Fatalf("err = %v, want an invalid %q", err, field)
	}
}

func TestSendCodeDeliversAndStoresOnlyAHash(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	if err := w.svc.SendCode(ctx, "+86", phone); err != nil {
		t.Fatalf("SendCode: %v", err)
	}
	if len(w.sender.sent) != 1 {
		t.Fatalf("sender got %d codes, want 1", len(w.sender.sent))
	}
	got := w.sender.sent[0]
	if got.to.Key() != phoneKey || len(got.code) != account.CodeLength {
		t.Fatalf("sent %q to %q", got.code, got.to.Key())
	}
	stored := w.codesFor(phoneKey)
	if len(stored) != 1 {
		t.Fatalf("stored %d codes", len(stored))
	}
	if stored[0].Hash == got.code || stored[0].Hash != account.HashCode(phoneKey, got.code) {
		t.Errorf("stored hash %q: want the salted hash of the code, never the code", stored[0].Hash)
	}
	if want := start.Add(5 * time.Minute); !stored[0].ExpiresAt.Equal(want) {
		t.Errorf("expires at %v, want %v", stored[0].ExpiresAt, want)
	}
}

func TestSendCodeRateLimits(t *testing.T) {
	p := appaccount.DefaultPolicy
	p.Codes.DailyLimit = 3
	cases := []struct {
		name    string
		gaps    []time.Duration // wait before each send after the first
		wantErr []error         // result of each send, first included
	}{
		{name: "second code within a minute", gaps: []time.Duration{30 * time.Second},
			wantErr: []error{nil, account.ErrTooFrequent}},
		{name: "second code after a minute", gaps: []time.Duration{time.Minute},
			wantErr: []error{nil, nil}},
		{name: "refused code does not restart the interval", gaps: []time.Duration{59 * time.Second, time.Second},
			wantErr: []error{nil, account.ErrTooFrequent, nil}},
		{name: "daily cap", gaps: []time.Duration{time.Minute, time.Minute, time.Minute},
			wantErr: []error{nil, nil, nil, account.ErrTooFrequent}},
		{name: "daily cap lifts after 24 hours", gaps: []time.Duration{time.Minute, time.Minute, time.Minute, 24 * time.Hour},
			wantErr: []error{nil, nil, nil, account.ErrTooFrequent, nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(p)
			for i, want := range tc.wantErr {
				if i > 0 {
					w.clock.Advance(tc.gaps[i-1])
				}
				err := w.svc.SendCode(ctx, "", phone)
				if want == nil && err != nil || want != nil && !errors.Is(err, want) {
					t.Fatalf("send %d: err = %v, want %v", i+1, err, want)
				}
			}
		})
	}
}

// TestSendCodeRefusalsSayWhenToTryAgain: each refusal carries the wait the
// wire sends as Retry-After, and a send after that wait succeeds; the daily
// cap's wait runs until the oldest code of the window leaves it.
func TestSendCodeRefusalsSayWhenToTryAgain(t *testing.T) {
	p := appaccount.DefaultPolicy
	p.Codes.DailyLimit = 3
	w := newWorld(p)
	send := func() error { return w.svc.SendCode(ctx, "", phone) }
	refused := func(step string, want time.Duration) {
		t.Helper()
		err := send()
		if !errors.Is(err, account.ErrTooFrequent) {
			t.Fatalf("%s: err = %v, want %v", step, err, account.ErrTooFrequent)
		}
		if got := shared.RetryAfterOf(err); got != want {
			t.Fatalf("%s: RetryAfter = %s, want %s", step, got, want)
		}
	}
	for i, gap := range []time.Duration{0, time.Hour, time.Hour} {
		w.clock.Advance(gap)
		if err := send(); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	w.clock.Advance(10 * time.Second)
	refused("ten seconds after a code", 50*time.Second)
	w.clock.Advance(time.Hour)
	refused("the fourth code of the day", 21*time.Hour-10*time.Second)
	w.clock.Advance(21*time.Hour - 10*time.Second - time.Second)
	refused("a second before the first code leaves the window", time.Second)
	w.clock.Advance(time.Second + time.Millisecond)
	if err := send(); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	w.clock.Advance(time.Minute)
	refused("the cap again, until the second code leaves the window", time.Hour-time.Minute-time.Millisecond)
}

func TestSendCodeLimitsArePerAccount(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.SendCode(ctx, "", "user@example.com"); err != nil {
		t.Fatalf("another account was limited: %v", err)
	}
}

func TestSendCodeWithdrawsUndeliveredCode(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	w.sender.err = account.ErrSMSFailed
	err := w.svc.SendCode(ctx, "", phone)
	if !errors.Is(err, account.ErrSMSFailed) {
		t.Fatalf("err = %v, want the sender's error", err)
	}
	if n := len(w.codesFor(phoneKey)); n != 0 {
		t.Fatalf("%d undelivered codes kept", n)
	}
	w.sender.err = nil
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatalf("retry right after a failed delivery: %v", err)
	}
}

func TestSendCodeRejectsBadAccount(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	wantInvalidField(t, w.svc.SendCode(ctx, "", "12345"), "account")
	wantInvalidField(t, w.svc.SendCode(ctx, "x", phone), "area")
	if len(w.sender.sent) != 0 {
		t.Fatal("a code was sent to a bad account")
	}
}

func TestCheckCode(t *testing.T) {
	cases := []struct {
		name      string
		send      bool
		wrong     int
		wait      time.Duration
		guess     func(sent string) string
		wantErr   error
		wantField string
	}{
		{name: "right code", send: true, guess: func(s string) string { return s }},
		{name: "wrong code", send: true, guess: func(string) string { return "000000" }, wantErr: account.ErrInvalidCode},
		{name: "no code sent", guess: func(string) string { return "123456" }, wantErr: account.ErrInvalidCode},
		{name: "expired code", send: true, wait: 5 * time.Minute, guess: func(s string) string { return s }, wantErr: account.ErrInvalidCode},
		{name: "right code after four wrong tries", send: true, wrong: 4, guess: func(s string) string { return s }},
		{name: "right code after five wrong tries", send: true, wrong: 5, guess: func(s string) string { return s }, wantErr: account.ErrInvalidCode},
		{name: "empty code", send: true, guess: func(string) string { return "" }, wantField: "code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(appaccount.DefaultPolicy)
			if tc.send {
				if err := w.svc.SendCode(ctx, "", phone); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < tc.wrong; i++ {
				_ = w.svc.CheckCode(ctx, "", phone, "000000")
			}
			w.clock.Advance(tc.wait)
			err := w.svc.CheckCode(ctx, "86", phone, tc.guess(w.sender.last()))
			switch {
			case tc.wantField != "":
				wantInvalidField(t, err, tc.wantField)
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case err != nil:
				t.Fatalf("CheckCode: %v", err)
			}
		})
	}
}

func TestCheckCodeKeepsWrongTriesAndDoesNotConsume(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatal(err)
	}
	code := w.sender.last()
	for i := 1; i <= 3; i++ {
		err := w.svc.CheckCode(ctx, "", phone, "000000")
		if !errors.Is(err, account.ErrInvalidCode) {
			t.Fatalf("wrong try %d: %v", i, err)
		}
		if got := w.codesFor(phoneKey)[0].Attempts; got != i {
			t.Fatalf("after %d wrong tries the stored count is %d: the error rolled it back", i, got)
		}
	}
	if err := w.svc.CheckCode(ctx, "", phone, "000000"); !strings.Contains(err.Error(), "1 of 5") {
		t.Errorf("fourth wrong try says %q, want the tries left", err)
	}
	for i := 0; i < 2; i++ {
		if err := w.svc.CheckCode(ctx, "", phone, code); err != nil {
			t.Fatalf("check %d of the right code: %v", i+1, err)
		}
	}
	if c := w.codesFor(phoneKey)[0]; !c.ConsumedAt.IsZero() {
		t.Fatal("check_code consumed the code")
	}
	if _, err := w.svc.Register(ctx, "", phone, code, "password123"); err != nil {
		t.Fatalf("register with a checked code: %v", err)
	}
}

func TestCheckCodeUsesTheLatestCode(t *testing.T) {
	w := newWorld(appaccount.DefaultPolicy)
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatal(err)
	}
	first := w.sender.last()
	w.clock.Advance(time.Minute)
	if err := w.svc.SendCode(ctx, "", phone); err != nil {
		t.Fatal(err)
	}
	if first == w.sender.last() {
		t.Fatal("the fake random repeated a code")
	}
	if err := w.svc.CheckCode(ctx, "", phone, first); !errors.Is(err, account.ErrInvalidCode) {
		t.Fatalf("a superseded code: err = %v", err)
	}
	if err := w.svc.CheckCode(ctx, "", phone, w.sender.last()); err != nil {
		t.Fatalf("the latest code: %v", err)
	}
}
