// Package webhook delivers signed webhooks the Standard Webhooks way
// (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256
// over id.timestamp.body>) and enforces the egress policy: unless private
// addresses are allowed, no request reaches a loopback, private, link-local,
// cloud-metadata or unspecified address, checked on the address actually
// dialled.
package webhook

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// AllowSetting is the setting that lifts the egress policy; refusals name
// it so an operator knows what to change.
const AllowSetting = "WEBHOOK_ALLOW_PRIVATE"

// Egress is the egress policy.
type Egress struct {
	// AllowPrivate lets project URLs use any address (tests, private
	// networks).
	AllowPrivate bool
	// Resolver looks names up, both when a URL is checked and when a
	// delivery dials; nil uses the system's.
	Resolver *net.Resolver
	// Lookup, when set, replaces Resolver when a URL is checked (tests).
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// LookupTimeout bounds that lookup.
	LookupTimeout time.Duration
}

var _ ports.EgressPolicy = Egress{}

// blocked lists the ranges no delivery may reach, beyond what netip's
// predicates cover: "this network", carrier-grade NAT, IETF protocol
// assignments, benchmarking, multicast and reserved IPv4, discard-only,
// Teredo (its embedded addresses are obfuscated), documentation and the
// AWS IPv6 metadata address.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/3"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
}

// Prefixes whose IPv6 addresses carry an IPv4 address, which is what such
// an address reaches and so what it is judged by.
var (
	ipv4Compatible = netip.MustParsePrefix("::/96")        // ::a.b.c.d (deprecated, still routed by some stacks)
	sixToFour      = netip.MustParsePrefix("2002::/16")    // 2002:AABB:CCDD::/48, the IPv4 in bits 16–47
	nat64          = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64 prefix, IPv4 in the last 32 bits
	nat64Local     = netip.MustParsePrefix("64:ff9b:1::/48")
)

// Embedded returns the IPv4 address an IPv6 address stands for —
// IPv4-mapped, IPv4-compatible, 6to4, NAT64 (well-known and local-use
// prefixes) or ISATAP — and whether it has one.
func Embedded(addr netip.Addr) (netip.Addr, bool) {
	if !addr.Is6() {
		return netip.Addr{}, false
	}
	if addr.Is4In6() {
		return addr.Unmap(), true
	}
	b := addr.As16()
	last4 := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	plain := addr.WithZone("")
	switch {
	case ipv4Compatible.Contains(plain):
		return last4, true
	case sixToFour.Contains(plain):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	case nat64.Contains(plain), nat64Local.Contains(plain):
		return last4, true
	case (b[8]|0x02) == 0x02 && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe: // ISATAP interface id
		return last4, true
	}
	return netip.Addr{}, false
}

// Refused reports why addr may not be reached, "" when it may. An IPv6
// address that carries an IPv4 address is judged by that address.
func Refused(addr netip.Addr) string {
	if why := refused(addr); why != "" {
		return why
	}
	if v4, ok := Embedded(addr); ok {
		if why := refused(v4); why != "" {
			return why + " (" + v4.String() + " inside " + addr.String() + ")"
		}
		return ""
	}
	return refused(addr)
}

func refused(addr netip.Addr) string {
	switch {
	case addr.IsUnspecified():
		return "unspecified address"
	case addr.IsLoopback():
		return "loopback address"
	case addr.IsPrivate():
		return "private address"
	case addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast():
		return "link-local address (includes cloud metadata)"
	case addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		return "multicast address"
	}
	for _, p := range blocked {
		if p.Contains(addr.WithZone("")) {
			return "reserved or metadata address in " + p.String()
		}
	}
	return ""
}

// localNames always mean this machine or its metadata service, whatever
// DNS or /etc/hosts says.
var localNames = map[string]bool{
	"localhost": true, "localhost.localdomain": true, "localhost6": true, "localhost6.localdomain6": true,
	"ip6-localhost": true, "ip6-loopback": true, "metadata": true, "metadata.google.internal": true,
}

func localName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return localNames[host] || strings.HasSuffix(host, ".localhost")
}

// ParseHost reads a URL host as an IP address in every spelling a C
// resolver (inet_aton) or a browser accepts: dotted IPv4 with one to four
// parts, each decimal, octal (leading 0) or hex (0x), the last part filling
// the remaining bytes (127.1, 0x7f000001, 2130706433, 0177.0.0.1,
// 127.000.000.001, 0), one trailing dot allowed; or IPv6 in any form netip
// reads. It reports false for a name.
func ParseHost(host string) (netip.Addr, bool) {
	h := strings.TrimPrefix(strings.TrimSuffix(host, "]"), "[")
	if a, err := netip.ParseAddr(h); err == nil {
		return a, true
	}
	if a, ok := parseIPv4Loose(strings.TrimSuffix(h, ".")); ok {
		return a, true
	}
	return netip.Addr{}, false
}

func parseIPv4Loose(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := parseIPv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last, room := vals[len(vals)-1], uint(8*(5-len(vals)))
	if room < 64 && last>>room != 0 {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// parseIPv4Part reads one part: 0x… hex, 0… octal, else decimal.
func parseIPv4Part(p string) (uint64, bool) {
	base := uint64(10)
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true // "0x" alone is 0 for inet_aton
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	case p == "":
		return 0, false
	}
	var v uint64
	for _, c := range []byte(p) {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		if v = v*base + d; v > 0xffffffff {
			return 0, false
		}
	}
	return v, true
}

// denied builds the refusal every check returns.
func denied(format string, args ...any) error {
	return wxrelay.ErrEgressDenied.WithMessage(format+"; push projects may not reach such addresses unless "+AllowSetting+"=true", args...)
}

// CheckURL refuses a URL whose host is a refused address in any spelling,
// a name of this machine, a name that spells a refused address for wildcard
// DNS services, or a name that resolves to any refused address — the same rule the dialer applies to
// the address it connects to, with the same resolver. It returns the URL
// with an IP host written canonically (127.1 becomes 127.0.0.1), so that
// the address judged here is the address the dialer uses.
func (e Egress) CheckURL(ctx context.Context, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", wxrelay.ErrEgressDenied.WithMessage("url is not a valid URL")
	}
	host := u.Hostname()
	if addr, ok := ParseHost(host); ok {
		canonical := addr.String()
		if addr.Is6() {
			canonical = "[" + canonical + "]"
		}
		if p := u.Port(); p != "" {
			canonical += ":" + p
		}
		u.Host = canonical
		if why := Refused(addr); why != "" && !e.AllowPrivate {
			return "", denied("url host %s is %s, a %s", host, addr, why)
		}
		return u.String(), nil
	}
	if e.AllowPrivate {
		return raw, nil
	}
	if localName(host) {
		return "", denied("url host %q names this machine", host)
	}
	if addr, ok := wildcardAddr(host); ok {
		if why := Refused(addr); why != "" {
			return "", denied("url host %s spells %s, a %s, which wildcard DNS services resolve it to", host, addr, why)
		}
	}
	addrs, err := e.lookup(ctx, host)
	if err != nil {
		// The name does not resolve now (the seed's own example does not):
		// accept it; the dialer judges whatever it resolves to later.
		return raw, nil
	}
	for _, a := range addrs {
		if why := Refused(a); why != "" {
			return "", denied("url host %s resolves to %s, a %s", host, a, why)
		}
	}
	return raw, nil
}

// wildcardAddr reads the address a name spells for wildcard DNS services
// (nip.io, sslip.io and the like), which answer with it whatever the
// resolver at hand knows: 127.0.0.1.nip.io, 10-0-0-7.sslip.io,
// 7f000001.nip.io.
func wildcardAddr(host string) (netip.Addr, bool) {
	labels := strings.Split(strings.TrimSuffix(strings.ToLower(host), "."), ".")
	if len(labels) >= 5 {
		if a, err := netip.ParseAddr(strings.Join(labels[:4], ".")); err == nil {
			return a, true
		}
	}
	if len(labels) < 2 {
		return netip.Addr{}, false
	}
	first := labels[0]
	if a, err := netip.ParseAddr(strings.ReplaceAll(first, "-", ".")); err == nil && a.Is4() {
		return a, true
	}
	if parts := strings.Split(first, "-"); len(parts) > 4 { // a prefix: app-10-0-0-7.sslip.io
		if a, err := netip.ParseAddr(strings.Join(parts[len(parts)-4:], ".")); err == nil {
			return a, true
		}
	}
	if len(first) == 8 {
		if v, ok := parseIPv4Part("0x" + first); ok {
			return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
		}
	}
	return netip.Addr{}, false
}

func (e Egress) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	timeout := e.LookupTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if e.Lookup != nil {
		return e.Lookup(lctx, host)
	}
	resolver := e.Resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	addrs, err := resolver.LookupNetIP(lctx, "ip", host)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	return addrs, err
}

// control is a net.Dialer Control that refuses connections to refused
// addresses: it sees the address after name resolution, so DNS answers
// that change between the check and the dial cannot slip through.
func (e Egress) control(_, address string, _ syscall.RawConn) error {
	if e.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &net.AddrError{Err: "unparsable address", Addr: address}
	}
	if why := Refused(ap.Addr()); why != "" {
		return &net.AddrError{Err: "egress policy refuses a " + why + " (" + AllowSetting + " is off)", Addr: address}
	}
	return nil
}
