package httpkit_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/auth"
)

func TestClientAddr(t *testing.T) {
	trusted, err := httpkit.ParseTrustedProxies("10.0.0.0/8, 192.168.1.10, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		trusted httpkit.TrustedProxies
		remote  string
		xff     []string
		realIP  string
		want    string
	}{
		{name: "no proxies trusted: headers ignored", remote: "203.0.113.7:5000", xff: []string{"198.51.100.1"}, realIP: "198.51.100.2", want: "203.0.113.7"},
		{name: "untrusted peer: headers ignored", trusted: trusted, remote: "203.0.113.7:5000", xff: []string{"198.51.100.1"}, want: "203.0.113.7"},
		{name: "trusted peer: X-Forwarded-For", trusted: trusted, remote: "10.1.2.3:5000", xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "right-most untrusted hop wins over a forged left", trusted: trusted, remote: "10.1.2.3:5000", xff: []string{"1.2.3.4, 198.51.100.1, 10.9.9.9"}, want: "198.51.100.1"},
		{name: "several header lines", trusted: trusted, remote: "192.168.1.10:80", xff: []string{"1.2.3.4", "198.51.100.1"}, want: "198.51.100.1"},
		{name: "X-Real-IP without X-Forwarded-For", trusted: trusted, remote: "10.1.2.3:5000", realIP: "198.51.100.9", want: "198.51.100.9"},
		{name: "garbage from a trusted proxy: its peer", trusted: trusted, remote: "10.1.2.3:5000", xff: []string{"not-an-ip"}, want: "10.1.2.3"},
		{name: "every hop trusted: the left-most", trusted: trusted, remote: "10.1.2.3:5000", xff: []string{"10.0.0.1, 10.0.0.2"}, want: "10.0.0.1"},
		{name: "IPv4-mapped IPv6 peer", trusted: trusted, remote: "[::ffff:10.1.2.3]:5000", xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "IPv6 client is keyed by its /64", remote: "[2001:db8:1:2:3:4:5:6]:443", want: "2001:db8:1:2::/64"},
		{name: "not an IP peer", remote: "pipe", want: "unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tc.realIP != "" {
				r.Header.Set("X-Real-IP", tc.realIP)
			}
			var got string
			httpkit.ClientAddresses(tc.trusted)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				got = auth.ClientFrom(r.Context())
			})).ServeHTTP(httptest.NewRecorder(), r)
			if got != tc.want {
				t.Errorf("client = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := httpkit.ParseTrustedProxies(" 10.0.0.0/8 ,, 2001:db8::1 ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got.Contains(netip.MustParseAddr("10.200.0.1")) || !got.Contains(netip.MustParseAddr("2001:db8::1")) || got.Contains(netip.MustParseAddr("2001:db8::2")) {
		t.Errorf("parsed %v", got)
	}
	if _, err := httpkit.ParseTrustedProxies("10.0.0.0/8,proxy.local"); err == nil {
		t.Error("a host name was accepted")
	}
}
