package codesender

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// The values of SMTPConfig.TLS.
const (
	// TLSStartTLS upgrades the connection with STARTTLS when the server
	// offers it, and refuses to authenticate when it does not.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone never encrypts. Credentials are then only sent to a server on
	// the loopback interface.
	TLSNone = "none"
)

// The defaults for zero fields of SMTPConfig, and the name the sender
// gives itself in EHLO.
const (
	defaultPort      = 587
	defaultSMTPSPort = 465
	defaultTimeout   = 30 * time.Second
	defaultProduct   = "campushub"
	defaultCodeTTL   = 5 * time.Minute
	helloName        = "localhost"
)

// SMTPConfig configures the SMTP code sender.
type SMTPConfig struct {
	Host string
	// Port defaults to 465 for TLS=tls and to 587 otherwise.
	Port int
	// Username and Password authenticate with AUTH PLAIN; an empty
	// Username sends without authenticating.
	Username, Password string
	// From is the sender, "name@example.com" or "Name <name@example.com>".
	From string
	// TLS is TLSStartTLS (the default), TLSImplicit or TLSNone.
	TLS string
	// TLSConfig, when set, is used for STARTTLS and implicit TLS; its
	// ServerName defaults to Host. Nil means the system roots.
	TLSConfig *tls.Config
	// Timeout bounds the dial and the whole SMTP conversation, within any
	// deadline of the caller's context. It defaults to 30 seconds.
	Timeout time.Duration
	// Product names the service in the subject and body; it defaults to
	// "campushub".
	Product string
	// CodeTTL is how long a code stays valid, as told in the body; it
	// defaults to 5 minutes and should match the code policy.
	CodeTTL time.Duration
}

// withDefaults returns c with its zero fields filled in.
func (c SMTPConfig) withDefaults() SMTPConfig {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		c.Port = defaultPort
		if c.TLS == TLSImplicit {
			c.Port = defaultSMTPSPort
		}
	}
	if c.Timeout <= 0 {
		c.Timeout = defaultTimeout
	}
	if c.Product == "" {
		c.Product = defaultProduct
	}
	if c.CodeTTL <= 0 {
		c.CodeTTL = defaultCodeTTL
	}
	return c
}

// Validate reports every problem of the configuration, after defaults are
// applied, so the service can refuse to start with a sender that cannot
// work. The error never holds the password.
func (c SMTPConfig) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("SMTP host is required"))
	} else if hasLineBreak(c.Host) {
		errs = append(errs, errors.New("SMTP host must not contain line breaks"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("SMTP port %d is out of range 1-65535", c.Port))
	}
	switch c.TLS {
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		errs = append(errs, fmt.Errorf("SMTP TLS mode %q is not one of starttls, tls, none", c.TLS))
	}
	if _, err := parseFrom(c.From); err != nil {
		errs = append(errs, err)
	}
	if hasLineBreak(c.Product) {
		errs = append(errs, errors.New("product name must not contain line breaks"))
	}
	if c.TLS == TLSNone && c.Username != "" && c.Host != "" && !isLoopback(c.Host) {
		errs = append(errs, fmt.Errorf("SMTP TLS mode none would send the password in clear to %s; use starttls or tls", c.Host))
	}
	return errors.Join(errs...)
}

// SMTP e-mails verification codes through an SMTP server. Each code opens
// its own connection, so an SMTP is safe for concurrent use.
type SMTP struct {
	cfg    SMTPConfig
	from   *mail.Address
	cfgErr error
}

var _ ports.CodeSender = (*SMTP)(nil)

// NewSMTP returns a sender for cfg. A configuration that does not validate
// makes every SendCode fail with account.ErrMailUnavailable; call
// cfg.Validate at start to fail early instead.
func NewSMTP(cfg SMTPConfig) *SMTP {
	cfg = cfg.withDefaults()
	s := &SMTP{cfg: cfg, cfgErr: cfg.Validate()}
	if s.cfgErr == nil {
		s.from, _ = parseFrom(cfg.From)
	}
	return s
}

// SendCode e-mails code to an e-mail identifier. A phone identifier gets
// account.ErrSMSUnavailable; any failure of the mail server, including a
// timeout of ctx or of the configured Timeout, gets
// account.ErrMailUnavailable. An address that could smuggle in headers or
// SMTP commands is refused as invalid input. Errors never hold the code or
// the password.
func (s *SMTP) SendCode(ctx context.Context, to account.Identifier, code string) error {
	if to.Channel != account.Email {
		return account.ErrSMSUnavailable.WithMessage("no SMS sender is configured; codes can only be sent to e-mail addresses")
	}
	if s.cfgErr != nil {
		return account.ErrMailUnavailable.WithMessage("mail sender is misconfigured: %s", printable(s.cfgErr.Error()))
	}
	rcpt, err := parseRecipient(to.Value)
	if err != nil {
		return err
	}
	msg, err := s.compose(rcpt, code, time.Now())
	if err != nil {
		return account.ErrMailUnavailable.WithMessage("mail service is unavailable: could not compose the message")
	}
	return s.deliver(ctx, rcpt, msg)
}

// deliver runs one SMTP conversation that hands msg over for rcpt.
func (s *SMTP) deliver(ctx context.Context, rcpt string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()

	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	conn, err := s.dial(ctx, addr)
	if err != nil {
		return s.failure(ctx, "connect to the mail server at "+addr, err)
	}
	// The deadline covers every read and write of the conversation; a
	// cancelled ctx moves it to the past, which unblocks them at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		_ = conn.Close()
		return s.failure(ctx, "read the greeting of the mail server", err)
	}
	defer c.Close()
	if err := c.Hello(helloName); err != nil {
		return s.failure(ctx, "greet the mail server", err)
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return s.failure(ctx, "start TLS with the mail server", err)
			}
		} else if s.cfg.Username != "" {
			return account.ErrMailUnavailable.WithMessage("mail service is unavailable: the mail server does not offer STARTTLS, and the password is not sent in clear")
		}
	}
	if s.cfg.Username != "" {
		if err := s.auth(ctx, c); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return s.failure(ctx, "set the sender", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return s.failure(ctx, "deliver to the recipient", err)
	}
	w, err := c.Data()
	if err != nil {
		return s.failure(ctx, "start the message", err)
	}
	if _, err := w.Write(msg); err != nil {
		return s.failure(ctx, "send the message", err)
	}
	if err := w.Close(); err != nil {
		return s.failure(ctx, "send the message", err)
	}
	// The server has accepted the message; a failing QUIT does not undo
	// that.
	_ = c.Quit()
	return nil
}

// dial opens the connection, doing the TLS handshake for implicit TLS.
func (s *SMTP) dial(ctx context.Context, addr string) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.TLS == TLSImplicit {
		return (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

// auth authenticates with AUTH PLAIN, over TLS or to a loopback server only.
func (s *SMTP) auth(ctx context.Context, c *smtp.Client) error {
	if _, encrypted := c.TLSConnectionState(); !encrypted && !isLoopback(s.cfg.Host) {
		return account.ErrMailUnavailable.WithMessage("mail service is unavailable: the connection to the mail server is not encrypted, and the password is not sent in clear")
	}
	ok, mechs := c.Extension("AUTH")
	if !ok || !hasWord(mechs, "PLAIN") {
		return account.ErrMailUnavailable.WithMessage("mail service is unavailable: the mail server does not offer AUTH PLAIN")
	}
	if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
		return s.failure(ctx, "authenticate with the mail server", err)
	}
	return nil
}

// tlsConfig is the configured TLS settings with ServerName set to Host.
func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

// failure turns an error of one step of the conversation into
// account.ErrMailUnavailable, naming the step and a cause without secrets.
func (s *SMTP) failure(ctx context.Context, step string, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return account.ErrMailUnavailable.WithMessage("mail service is unavailable: sending was canceled while trying to %s", step)
	case ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded):
		return account.ErrMailUnavailable.WithMessage("mail service is unavailable: timed out while trying to %s", step)
	}
	cause := err.Error()
	var reply *textproto.Error
	var op *net.OpError
	switch {
	case errors.As(err, &reply):
		cause = strconv.Itoa(reply.Code) + " " + reply.Msg
	case errors.As(err, &op) && op.Err != nil:
		cause = op.Err.Error()
	}
	return account.ErrMailUnavailable.WithMessage("mail service is unavailable: could not %s: %s", step, s.redact(cause))
}

// redact removes the password, and the AUTH PLAIN blob that holds it, from
// a server reply or an error text, and keeps it to one short printable
// line. Server replies never see the code, which only travels in the
// message body.
func (s *SMTP) redact(text string) string {
	if s.cfg.Password != "" {
		blob := base64.StdEncoding.EncodeToString([]byte("\x00" + s.cfg.Username + "\x00" + s.cfg.Password))
		text = strings.ReplaceAll(text, blob, "[redacted]")
		text = strings.ReplaceAll(text, s.cfg.Password, "[redacted]")
	}
	text = printable(text)
	const limit = 200
	if len(text) > limit {
		text = strings.ToValidUTF8(text[:limit], "") + "…"
	}
	return text
}

// compose builds the RFC 5322 message: plain UTF-8 text, quoted-printable so
// it is 7-bit clean on any server.
func (s *SMTP) compose(rcpt, code string, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	fmt.Fprintf(qp, "Your %s verification code is %s.\n\n", s.cfg.Product, code)
	fmt.Fprintf(qp, "It is valid for %s. If you did not ask for it, ignore this e-mail; never share the code with anyone.\n", humanDuration(s.cfg.CodeTTL))
	if err := qp.Close(); err != nil {
		return nil, err
	}

	var msg bytes.Buffer
	header := func(name, value string) { msg.WriteString(name + ": " + value + "\r\n") }
	header("From", s.from.String())
	header("To", (&mail.Address{Address: rcpt}).String())
	header("Subject", mime.QEncoding.Encode("UTF-8", s.cfg.Product+" verification code"))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+rand.Text()+"@"+domainOf(s.from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

// parseFrom reads the configured sender address.
func parseFrom(from string) (*mail.Address, error) {
	if from == "" {
		return nil, errors.New("sender address (From) is required")
	}
	if hasLineBreak(from) {
		return nil, errors.New("sender address (From) must not contain line breaks")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("sender address (From) %q is not an e-mail address", from)
	}
	return a, nil
}

// parseRecipient checks that an e-mail identifier is a bare address that is
// safe to put in a header and an SMTP command.
func parseRecipient(value string) (string, error) {
	invalid := shared.Invalid("account", "account is not a valid e-mail address")
	if value == "" || hasLineBreak(value) {
		return "", invalid
	}
	a, err := mail.ParseAddress(value)
	if err != nil || a.Address != value {
		return "", invalid
	}
	return value, nil
}

// humanDuration says d in whole minutes when it is one, else in seconds.
func humanDuration(d time.Duration) string {
	unit, n := "second", int64(d.Round(time.Second)/time.Second)
	if d%time.Minute == 0 {
		unit, n = "minute", int64(d/time.Minute)
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}

// domainOf is the part of an address after its last "@".
func domainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

// isLoopback reports whether host names this machine, in the words
// net/smtp's PlainAuth accepts for sending credentials in clear.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// hasWord reports whether the space-separated list holds word, ignoring case.
func hasWord(list, word string) bool {
	for _, w := range strings.Fields(list) {
		if strings.EqualFold(w, word) {
			return true
		}
	}
	return false
}

func hasLineBreak(s string) bool { return strings.ContainsAny(s, "\r\n") }

// printable turns control characters, such as the line breaks of
// multi-line replies, into single spaces.
func printable(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
}
