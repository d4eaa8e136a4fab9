package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// The Standard Webhooks reference vector.
func TestSignReferenceVector(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestRefused(t *testing.T) {
	cases := []struct {
		addr    string
		refused bool
	}{
		{"127.0.0.1", true}, {"::1", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.161.34", true},
		{"169.254.169.254", true}, {"0.0.0.0", true}, {"::", true}, {"fe80::1", true}, {"fc00::1", true},
		{"100.64.0.1", true}, {"::ffff:127.0.0.1", true}, {"224.0.0.1", true},
		{"93.184.216.34", false}, {"2606:4700::6810:84e5", false}, {"8.8.8.8", false},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			if got := Refused(netip.MustParseAddr(tc.addr)) != ""; got != tc.refused {
				t.Fatalf("Refused(%s) = %v, want %v", tc.addr, got, tc.refused)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		name, url    string
		allowPrivate bool
		denied       bool
	}{
		{"loopback literal", "http://127.0.0.1:8080/hook", false, true},
		{"localhost name", "http://localhost/hook", false, true},
		{"metadata", "http://169.254.169.254/latest/meta-data", false, true},
		{"ipv6 loopback", "http://[::1]/hook", false, true},
		{"private allowed", "http://10.0.0.1/hook", true, false},
		{"public literal", "https://93.184.216.34/hook", false, false},
		{"unresolvable name", "https://no-such-host.invalid/hook", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Egress{AllowPrivate: tc.allowPrivate, LookupTimeout: time.Second}.CheckURL(context.Background(), tc.url)
			if got := errors.Is(err, wxrelay.ErrEgressDenied); got != tc.denied {
				t.Fatalf("CheckURL(%s) = %v, want denied=%v", tc.url, err, tc.denied)
			}
		})
	}
}

func TestDeliverSignsAndReports(t *testing.T) {
	secret := "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHM="
	var gotErr error
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		gotErr = Verify(secret, r.Header, body, time.Now(), 5*time.Minute)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "thanks")
	}))
	defer sink.Close()

	req := ports.WebhookRequest{URL: sink.URL, MessageID: "msg_1", Timestamp: time.Now(), Body: []byte(`{"a":1}`), Secret: secret}
	res := New(Config{Egress: Egress{AllowPrivate: true}, Timeout: 2 * time.Second}).Deliver(context.Background(), req)
	if res.Err != nil || res.StatusCode != http.StatusAccepted || res.Response != "thanks" {
		t.Fatalf("Deliver = %+v", res)
	}
	if gotErr != nil {
		t.Fatalf("receiver could not verify: %v", gotErr)
	}

	res = New(Config{Egress: Egress{}, Timeout: 2 * time.Second}).Deliver(context.Background(), req)
	if res.Err == nil {
		t.Fatalf("delivery to a loopback sink without AllowPrivate succeeded: %+v", res)
	}
}

func TestVerifyRejects(t *testing.T) {
	secret := "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="
	now := time.Unix(1700000000, 0)
	sig, _ := Sign(secret, "msg_1", "1700000000", []byte("body"))
	cases := []struct {
		name      string
		id, ts, s string
		body      string
	}{
		{"tampered body", "msg_1", "1700000000", sig, "Body"},
		{"other id", "msg_2", "1700000000", sig, "body"},
		{"stale timestamp", "msg_1", "1699990000", sig, "body"},
		{"missing signature", "msg_1", "1700000000", "", "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			h.Set("webhook-id", tc.id)
			h.Set("webhook-timestamp", tc.ts)
			h.Set("webhook-signature", tc.s)
			if err := Verify(secret, h, []byte(tc.body), now, 5*time.Minute); err == nil {
				t.Fatal("Verify accepted a bad message")
			}
		})
	}
}
