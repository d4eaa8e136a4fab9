package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

var lock = account.LockPolicy{MaxFailures: 5, LockFor: 15 * time.Minute, MaxClients: 3}

func TestAClientIsLockedOutAfterMaxFailures(t *testing.T) {
	a := account.Account{ID: 8}
	c := account.LoginClient{AccountID: 8, Client: "203.0.113.7"}
	for i := 1; i < lock.MaxFailures; i++ {
		if evs := lock.Failed(&a, &c, 0, t0); len(evs) != 0 {
			t.Fatalf("failure %d locked something: %v", i, evs)
		}
		if err := lock.Refuse(a, c, t0); err != nil {
			t.Fatalf("refused after %d failures: %v", i, err)
		}
	}
	evs := lock.Failed(&a, &c, 0, t0)
	if len(evs) != 1 || evs[0].Payload["scope"] != "client" || evs[0].Payload["client"] != "203.0.113.7" {
		t.Fatalf("fifth failure: events %v, want one client lock", evs)
	}
	if a.Locked(t0) {
		t.Fatal("one client's failures locked the whole account")
	}
	cases := []struct {
		name   string
		client account.LoginClient
		at     time.Duration
		locked bool
	}{
		{name: "the guessing client right away", client: c, locked: true},
		{name: "the guessing client after 14 minutes", client: c, at: 14 * time.Minute, locked: true},
		{name: "the guessing client after 15 minutes", client: c, at: 15 * time.Minute},
		{name: "another client, e.g. the owner's", client: account.LoginClient{AccountID: 8, Client: "198.51.100.1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := lock.Refuse(a, tc.client, t0.Add(tc.at))
			if got := err != nil; got != tc.locked {
				t.Fatalf("refused = %v (%v), want %v", got, err, tc.locked)
			}
			if tc.locked && (!errors.Is(err, account.ErrLocked) || shared.RetryAfterOf(err) != 15*time.Minute-tc.at) {
				t.Errorf("err %v retry after %v", err, shared.RetryAfterOf(err))
			}
		})
	}
}

func TestManyLockedClientsLockTheAccountAgainstUnknownClientsOnly(t *testing.T) {
	a := account.Account{ID: 8}
	owner := account.LoginClient{AccountID: 8, Client: "198.51.100.1"}
	owner.Succeeded(t0.Add(-24 * time.Hour))
	var evs []shared.Event
	for i := range lock.MaxClients {
		c := account.LoginClient{AccountID: 8, Client: "203.0.113." + string(rune('1'+i))}
		for range lock.MaxFailures {
			evs = append(evs, lock.Failed(&a, &c, i, t0)...)
		}
	}
	if !a.Locked(t0) {
		t.Fatalf("%d clients locked out did not lock the account", lock.MaxClients)
	}
	if n := len(evs); n != lock.MaxClients+1 || evs[n-1].Payload["scope"] != "account" {
		t.Fatalf("events %v: want a client lock each and one account lock", evs)
	}
	if err := lock.Refuse(a, owner, t0.Add(time.Minute)); err != nil {
		t.Errorf("the owner's known client was refused: %v", err)
	}
	stranger := account.LoginClient{AccountID: 8, Client: "192.0.2.1"}
	if err := lock.Refuse(a, stranger, t0.Add(time.Minute)); !errors.Is(err, account.ErrLocked) {
		t.Errorf("an unknown client got in during the account lock: %v", err)
	}
	longAgo := account.LoginClient{AccountID: 8, Client: "192.0.2.2", LastSuccess: t0.Add(-account.KnownClientFor)}
	if err := lock.Refuse(a, longAgo, t0.Add(time.Minute)); err == nil {
		t.Error("a client last seen longer than KnownClientFor ago counts as known")
	}
	if err := lock.Refuse(a, stranger, t0.Add(lock.LockFor)); err != nil {
		t.Errorf("the account lock outlived LockFor: %v", err)
	}
}

func TestFailuresAreForgottenAfterAQuietLockFor(t *testing.T) {
	a := account.Account{ID: 8}
	c := account.LoginClient{AccountID: 8, Client: "203.0.113.7"}
	for range lock.MaxFailures - 1 {
		lock.Failed(&a, &c, 0, t0)
	}
	if evs := lock.Failed(&a, &c, 0, t0.Add(lock.LockFor)); len(evs) != 0 || c.Failures != 1 {
		t.Errorf("a failure after a quiet LockFor: events %v, failures %d; want a fresh count of 1", evs, c.Failures)
	}
}

func TestSucceededClearsTheClient(t *testing.T) {
	a := account.Account{ID: 8}
	c := account.LoginClient{AccountID: 8, Client: "203.0.113.7"}
	for range lock.MaxFailures - 1 {
		lock.Failed(&a, &c, 0, t0)
	}
	c.Succeeded(t0.Add(time.Second))
	if c.Failures != 0 || !c.LockedUntil.IsZero() || !c.Known(t0.Add(time.Second)) {
		t.Fatalf("after success: %+v", c)
	}
	for i := range lock.MaxFailures - 1 {
		if evs := lock.Failed(&a, &c, 0, t0.Add(2*time.Second)); len(evs) != 0 {
			t.Fatalf("failure %d after a success locked: %v", i+1, evs)
		}
	}
}

func TestLockPolicyWithoutMaximumNeverLocks(t *testing.T) {
	a := account.Account{ID: 8}
	var none account.LockPolicy
	c := account.LoginClient{AccountID: 8, Client: "x"}
	for range 100 {
		if evs := none.Failed(&a, &c, 50, t0); len(evs) != 0 {
			t.Fatal("a policy without MaxFailures locked")
		}
	}
}

func TestLockMessageWritesTheTimeInTheZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	p := lock
	p.Zone = shanghai
	a := account.Account{ID: 8}
	c := account.LoginClient{AccountID: 8, Client: "203.0.113.7"}
	for range p.MaxFailures {
		p.Failed(&a, &c, 0, t0)
	}
	err = p.Refuse(a, c, t0)
	want := c.LockedUntil.In(shanghai).Format("2006-01-02 15:04:05") + " Asia/Shanghai"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("lock message %q does not give the time as %q", err, want)
	}
}
