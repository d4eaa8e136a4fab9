// Package webhook delivers signed webhooks the Standard Webhooks way
// (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256
// over id.timestamp.body>) and enforces the egress policy: unless private
// addresses are allowed, no request reaches a loopback, private, link-local,
// cloud-metadata or unspecified address, checked on the address actually
// dialled.
package webhook

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// Egress is the egress policy.
type Egress struct {
	// AllowPrivate lets project URLs use any address (tests, private
	// networks).
	AllowPrivate bool
	// Resolver looks names up when a URL is checked; nil uses the system's.
	Resolver *net.Resolver
	// LookupTimeout bounds that lookup.
	LookupTimeout time.Duration
}

var _ ports.EgressPolicy = Egress{}

// blocked lists the ranges no delivery may reach, beyond what netip's
// predicates cover: carrier-grade NAT, benchmarking, cloud metadata, IPv4
// multicast/reserved, NAT64 and discard prefixes.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/3"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
}

// Refused reports why addr may not be reached, "" when it may.
func Refused(addr netip.Addr) string {
	addr = addr.Unmap()
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
		if p.Contains(addr) {
			return "reserved or metadata address " + p.String()
		}
	}
	return ""
}

// localNames are host names that always mean this machine or its metadata
// service.
func localName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost") ||
		host == "metadata.google.internal" || host == "metadata"
}

// CheckURL refuses a URL whose host is a refused address or a local name,
// or resolves to a refused address. A name that does not resolve now is
// accepted: the check that counts happens when a delivery dials.
func (e Egress) CheckURL(ctx context.Context, raw string) error {
	if e.AllowPrivate {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return wxrelay.ErrEgressDenied.WithMessage("url is not a valid URL")
	}
	host := u.Hostname()
	if localName(host) {
		return wxrelay.ErrEgressDenied.WithMessage("url host %q is this machine", host)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if why := Refused(addr); why != "" {
			return wxrelay.ErrEgressDenied.WithMessage("url host %s is a %s", host, why)
		}
		return nil
	}
	timeout := e.LookupTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resolver := e.Resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	addrs, err := resolver.LookupNetIP(lctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if why := Refused(a); why != "" {
			return wxrelay.ErrEgressDenied.WithMessage("url host %s resolves to %s, a %s", host, a, why)
		}
	}
	return nil
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
		return &net.AddrError{Err: "egress policy refuses a " + why, Addr: address}
	}
	return nil
}
