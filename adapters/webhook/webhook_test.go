package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
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

// fakeDNS answers like a resolver that knows a few names, /etc/hosts
// included; any other name does not exist.
func fakeDNS(_ context.Context, host string) ([]netip.Addr, error) {
	answers := map[string][]string{
		"127.0.0.1.nip.io":       {"127.0.0.1"},
		"10-0-0-7.sslip.io":      {"10.0.0.7"},
		"localhost.localdomain":  {"127.0.0.1"},
		"ip6-localhost":          {"::1"},
		"hooks.example.org":      {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"rebind.example.org":     {"93.184.216.34", "10.1.2.3"},
		"metadata-alias.example": {"169.254.169.254"},
	}
	var out []netip.Addr
	for _, a := range answers[host] {
		out = append(out, netip.MustParseAddr(a))
	}
	if out == nil {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

// TestCheckURL is the egress table: every spelling of a refused address
// the issue tracker collected, the embedded-IPv4 IPv6 forms, names that
// mean this machine, and names that resolve to refused addresses.
func TestCheckURL(t *testing.T) {
	cases := []struct {
		name, url string
		canonical string // the URL CheckURL returns when it accepts; "" when it refuses
	}{
		{"loopback literal", "http://127.0.0.1:8080/hook", ""},
		{"two-part dotted", "http://127.1/hook", ""},
		{"three-part dotted", "http://127.0.1/hook", ""},
		{"zero-padded", "http://127.000.000.001/hook", ""},
		{"octal first part", "http://0177.0.0.1/hook", ""},
		{"hex first part", "http://0x7f.0.0.1/hook", ""},
		{"decimal integer", "http://2130706433/hook", ""},
		{"octal integer", "http://017700000001/hook", ""},
		{"hex integer", "http://0x7f000001/hook", ""},
		{"zero is 0.0.0.0", "http://0/hook", ""},
		{"trailing dot", "http://127.0.0.1./hook", ""},
		{"private in hex", "http://0xa000001/hook", ""},
		{"metadata", "http://169.254.169.254/latest/meta-data", ""},
		{"metadata as integer", "http://2852039166/latest/meta-data", ""},
		{"ipv6 loopback", "http://[::1]/hook", ""},
		{"ipv4-compatible ipv6", "http://[::127.0.0.1]/hook", ""},
		{"ipv4-mapped ipv6", "http://[::ffff:127.0.0.1]/hook", ""},
		{"ipv4-mapped ipv6 in hex", "http://[::ffff:7f00:1]/hook", ""},
		{"6to4 of loopback", "http://[2002:7f00:1::]/hook", ""},
		{"6to4 of private", "http://[2002:c0a8:101::1]/hook", ""},
		{"nat64 of loopback", "http://[64:ff9b::127.0.0.1]/hook", ""},
		{"local-use nat64 of metadata", "http://[64:ff9b:1::a9fe:a9fe]/hook", ""},
		{"ipv6 unique local", "http://[fd12::1]/hook", ""},
		{"ipv6 link-local with zone", "http://[fe80::1%25eth0]/hook", ""},
		{"teredo", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", ""},
		{"localhost name", "http://localhost/hook", ""},
		{"localhost.localdomain", "http://localhost.localdomain/hook", ""},
		{"ip6-localhost", "http://ip6-localhost/hook", ""},
		{"sub.localhost", "http://api.localhost/hook", ""},
		{"metadata name", "http://metadata.google.internal/computeMetadata/v1/", ""},
		{"wildcard DNS to loopback", "http://127.0.0.1.nip.io/hook", ""},
		{"wildcard DNS to private", "http://10-0-0-7.sslip.io/hook", ""},
		{"name with one private answer", "https://rebind.example.org/hook", ""},
		{"name to metadata", "http://metadata-alias.example/", ""},
		{"wildcard DNS, offline", "http://127.0.0.1.xip.example/hook", ""},
		{"wildcard DNS, dashed with prefix, offline", "http://app-192-168-1-9.sslip.example/hook", ""},
		{"wildcard DNS, hex, offline", "http://7f000001.nip.example/hook", ""},
		{"public literal", "https://93.184.216.34/hook", "https://93.184.216.34/hook"},
		{"public as integer is rewritten", "http://134744072:8080/hook", "http://8.8.8.8:8080/hook"},
		{"public ipv6", "https://[2606:4700::6810:84e5]/hook", "https://[2606:4700::6810:84e5]/hook"},
		{"nat64 of public", "https://[64:ff9b::8.8.8.8]/hook", "https://[64:ff9b::808:808]/hook"},
		{"6to4 of public", "https://[2002:808:808::1]/hook", "https://[2002:808:808::1]/hook"},
		{"public name", "https://hooks.example.org/hook?a=1", "https://hooks.example.org/hook?a=1"},
		{"name that does not resolve now", "https://no-such-host.invalid/hook", "https://no-such-host.invalid/hook"},
		{"wildcard DNS to a public address", "https://8.8.8.8.nip.example/hook", "https://8.8.8.8.nip.example/hook"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Egress{Lookup: fakeDNS}.CheckURL(context.Background(), tc.url)
			if tc.canonical == "" {
				if !errors.Is(err, wxrelay.ErrEgressDenied) {
					t.Fatalf("CheckURL(%s) = %q, %v; want refused", tc.url, got, err)
				}
				if !strings.Contains(err.Error(), "WEBHOOK_ALLOW_PRIVATE") {
					t.Fatalf("refusal %q does not name WEBHOOK_ALLOW_PRIVATE", err)
				}
				if allowed, err := (Egress{AllowPrivate: true, Lookup: fakeDNS}).CheckURL(context.Background(), tc.url); err != nil || allowed == "" {
					t.Fatalf("with AllowPrivate, CheckURL(%s) = %q, %v; want accepted", tc.url, allowed, err)
				}
				return
			}
			if err != nil || got != tc.canonical {
				t.Fatalf("CheckURL(%s) = %q, %v; want %q", tc.url, got, err, tc.canonical)
			}
		})
	}
}

// TestAllowPrivateCanonicalises: with the policy lifted, an odd spelling
// is still stored as the address the dialer will use.
func TestAllowPrivateCanonicalises(t *testing.T) {
	got, err := Egress{AllowPrivate: true}.CheckURL(context.Background(), "http://0x7f.1:9000/x")
	if err != nil || got != "http://127.0.0.1:9000/x" {
		t.Fatalf("CheckURL = %q, %v", got, err)
	}
}

// TestDialControl: the dialer's check sees resolved addresses, embedded
// IPv4 forms included.
func TestDialControl(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		refused bool
	}{
		{"127.0.0.1:80", true}, {"[::ffff:127.0.0.1]:80", true}, {"[::127.0.0.1]:80", true},
		{"[2002:7f00:1::]:80", true}, {"[64:ff9b::a00:1]:443", true}, {"10.0.0.1:443", true},
		{"93.184.216.34:443", false}, {"[2606:4700::6810:84e5]:443", false},
	} {
		err := Egress{}.control("tcp", tc.addr, nil)
		if (err != nil) != tc.refused {
			t.Errorf("control(%s) = %v, want refused=%v", tc.addr, err, tc.refused)
		}
		if err != nil && !strings.Contains(err.Error(), "WEBHOOK_ALLOW_PRIVATE") {
			t.Errorf("control(%s) error %q does not name WEBHOOK_ALLOW_PRIVATE", tc.addr, err)
		}
	}
}

// TestParseHost checks the loose IPv4 reader against inet_aton's rules.
func TestParseHost(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.1", "127.0.0.1"}, {"127.0.1", "127.0.0.1"}, {"1.2.3.4", "1.2.3.4"}, {"0x7f.0x0.0x0.0x1", "127.0.0.1"},
		{"0", "0.0.0.0"}, {"4294967295", "255.255.255.255"}, {"010.010.010.010", "8.8.8.8"},
		{"4294967296", ""}, {"1.2.3.4.5", ""}, {"256.1.1.1", ""}, {"1.2.65536", ""}, {"08.1.1.1", ""},
		{"example.org", ""}, {"1..2", ""}, {"", ""}, {"deadbeef", ""}, {"1.2.3.4..", ""},
	} {
		a, ok := ParseHost(tc.in)
		if got := map[bool]string{true: a.String(), false: ""}[ok]; got != tc.want {
			t.Errorf("ParseHost(%q) = %q, want %q", tc.in, got, tc.want)
		}
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
