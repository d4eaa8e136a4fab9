package httpkit

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/shared"
)

// TrustedProxies are the address ranges whose X-Forwarded-For and
// X-Real-IP headers are believed. Empty: the headers are ignored and the
// client is the connection's peer.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies reads a comma-separated list of CIDR ranges or single
// addresses ("10.0.0.0/8, 192.168.1.10, fd00::/8").
func ParseTrustedProxies(s string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Contains reports whether a lies in one of the ranges.
func (t TrustedProxies) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address a request came from: the connection's
// peer, or — only when that peer is a trusted proxy — the right-most
// address of X-Forwarded-For that is not itself a trusted proxy, else
// X-Real-IP. Addresses a client wrote itself (left of the first untrusted
// hop) are never believed. The zero Addr means the peer is not an IP
// address (a test's fake RemoteAddr, a Unix socket).
func (t TrustedProxies) ClientAddr(r *http.Request) netip.Addr {
	peer := remoteAddr(r.RemoteAddr)
	if !peer.IsValid() || len(t) == 0 || !t.Contains(peer) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return peer // a proxy we trust wrote something we cannot read
			}
			a = a.Unmap()
			if !t.Contains(a) {
				return a
			}
			peer = a
		}
	}
	if real, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); err == nil && len(hops) == 0 {
		return real.Unmap()
	}
	return peer
}

func remoteAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		host = s
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// ClientKey is the key per-client limits count under: an IPv4 address as
// is, an IPv6 address by its /64 network (one subscriber's prefix, which
// its owner can fill with as many addresses as it likes).
func ClientKey(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is6():
		p, _ := a.Prefix(64)
		return p.String()
	default:
		return a.String()
	}
}

// ClientAddresses returns middleware that works out each request's client
// (see TrustedProxies.ClientAddr) and stores its key in the context, where
// auth.ClientFrom and the per-client limits read it.
func ClientAddresses(t TrustedProxies) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := ClientKey(t.ClientAddr(r))
			next.ServeHTTP(w, r.WithContext(auth.WithClient(r.Context(), key)))
		})
	}
}

// SetRetryAfter sets the Retry-After header (whole seconds, at least 1)
// when err says how long to wait. Every family's error encoder calls it.
func SetRetryAfter(w http.ResponseWriter, err error) {
	d := shared.RetryAfterOf(err)
	if d <= 0 {
		return
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
}
