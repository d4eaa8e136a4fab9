package nats

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	natsgo "github.com/nats-io/nats.go"
)

// Connect opens a connection to the servers c names. It does not fail when
// no server answers yet: the connection keeps trying in the background, so
// the service starts while NATS is down, and everything published in the
// meantime fails (nothing is buffered), leaving the events in the outbox.
func Connect(c Conn) (*natsgo.Conn, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	opts = append(opts, natsgo.RetryOnFailedConnect(true))
	nc, err := natsgo.Connect(c.url(), opts...)
	if err != nil {
		return nil, fmt.Errorf("nats: connect: %w", err)
	}
	return nc, nil
}

// Dial opens a connection and waits until it is up, for command-line tools
// that have nothing to do without a server.
func Dial(c Conn, timeout time.Duration) (*natsgo.Conn, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	opts = append(opts, natsgo.Timeout(timeout))
	nc, err := natsgo.Connect(c.url(), opts...)
	if err != nil {
		return nil, fmt.Errorf("nats: connect to %s: %w", c.describe(), err)
	}
	return nc, nil
}

func (c Conn) url() string {
	if c.InProcess != nil {
		return ""
	}
	return joinURLs(c.URLs)
}

func (c Conn) describe() string {
	if c.InProcess != nil {
		return "the embedded server"
	}
	return RedactURLs(c.URLs)
}

// RedactURLs joins server URLs for logs and messages, with any password or
// token in them replaced by xxxxx.
func RedactURLs(urls []string) string {
	out := make([]string, len(urls))
	for i, raw := range urls {
		out[i] = raw
		u, err := url.Parse(raw)
		if err != nil {
			if strings.Contains(raw, "@") {
				out[i] = "(unparsable URL)"
			}
			continue
		}
		if u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			} else {
				u.User = url.User("xxxxx") // a token in the user part
			}
			out[i] = u.String()
		}
	}
	return strings.Join(out, ",")
}

// where names the server nc is connected to, without credentials.
func (c Conn) where(nc *natsgo.Conn) string {
	if c.InProcess != nil {
		return "the embedded server"
	}
	return nc.ConnectedUrlRedacted()
}

func joinURLs(urls []string) string { return strings.Join(urls, ",") }

// options turns c into nats.go options.
func (c Conn) options() ([]natsgo.Option, error) {
	name := c.Name
	if name == "" {
		name = "campushub"
	}
	event := c.OnEvent
	if event == nil {
		event = func(string, error) {}
	}
	opts := []natsgo.Option{
		natsgo.Name(name),
		natsgo.MaxReconnects(-1),
		natsgo.ReconnectWait(time.Second),
		// Nothing is queued while disconnected: a publish fails at once,
		// so what reaches a server on one connection is always a prefix of
		// what was sent.
		natsgo.ReconnectBufSize(-1),
		natsgo.DisconnectErrHandler(func(_ *natsgo.Conn, err error) { event("disconnected", err) }),
		natsgo.ConnectHandler(func(nc *natsgo.Conn) { event("connected to "+c.where(nc), nil) }),
		natsgo.ReconnectHandler(func(nc *natsgo.Conn) { event("reconnected to "+c.where(nc), nil) }),
		natsgo.ClosedHandler(func(*natsgo.Conn) { event("connection closed", nil) }),
		natsgo.ErrorHandler(func(_ *natsgo.Conn, _ *natsgo.Subscription, err error) { event("asynchronous error", err) }),
	}
	if c.InProcess != nil {
		opts = append(opts, natsgo.InProcessServer(c.InProcess))
	}
	switch {
	case c.CredsFile != "":
		opts = append(opts, natsgo.UserCredentials(c.CredsFile))
	case c.NKeySeedFile != "":
		o, err := natsgo.NkeyOptionFromSeed(c.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("nats: NKey seed file: %w", err)
		}
		opts = append(opts, o)
	case c.User != "":
		opts = append(opts, natsgo.UserInfo(c.User, c.Password))
	case c.Token != "":
		opts = append(opts, natsgo.Token(c.Token))
	}
	if c.TLSCA != "" {
		opts = append(opts, natsgo.RootCAs(c.TLSCA))
	}
	if c.TLSCert != "" {
		opts = append(opts, natsgo.ClientCert(c.TLSCert, c.TLSKey))
	}
	return opts, nil
}

// errNotConnected is what Publish answers while the connection is down.
var errNotConnected = errors.New("nats: not connected to a server")
