package codesender

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

const (
	testCode     = "482913"
	testUser     = "mailer"
	testPassword = "s3cret-Pa55"
	testFrom     = "Campushub <no-reply@campushub.test>"
	testRcpt     = "student@example.edu"
)

// received is one message the test server accepted, with what it saw of
// the session that carried it.
type received struct {
	from     string
	to       []string
	data     string
	tls      bool
	authUser string
	authPass string
}

// smtpServer is a small SMTP server on 127.0.0.1 for the tests. The zero
// value of each option is the plainest server: no TLS, no AUTH.
type smtpServer struct {
	startTLS    bool        // offer STARTTLS
	implicitTLS bool        // speak TLS from the first byte
	auth        bool        // offer AUTH PLAIN
	tls         *tls.Config // the server certificate for both TLS modes
	rejectRcpt  bool        // answer RCPT with 550
	echoAuth    bool        // echo the AUTH line in the 535 reply, as a careless server might
	stall       bool        // accept connections and never say a word

	ln    net.Listener
	mu    sync.Mutex
	mails []received
	auths int // AUTH commands seen
}

// start listens on a free loopback port until the test ends.
func (s *smtpServer) start(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s.ln = ln
	var wg sync.WaitGroup
	var conns sync.Map
	t.Cleanup(func() {
		_ = ln.Close()
		conns.Range(func(k, _ any) bool { _ = k.(net.Conn).Close(); return true })
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Store(conn, nil)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				s.serve(conn)
			}()
		}
	}()
	return s
}

// port is the port the server listens on.
func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// received returns the accepted messages and the number of AUTH commands.
func (s *smtpServer) received() ([]received, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.mails...), s.auths
}

// serve speaks SMTP on one connection until QUIT or an error.
func (s *smtpServer) serve(conn net.Conn) {
	if s.stall {
		_, _ = io.Copy(io.Discard, conn)
		return
	}
	secure := false
	if s.implicitTLS {
		tc := tls.Server(conn, s.tls)
		if err := tc.Handshake(); err != nil {
			return
		}
		conn, secure = tc, true
	}
	tp := textproto.NewConn(conn)
	var cur received
	reply := func(lines ...string) bool {
		for _, l := range lines {
			if err := tp.PrintfLine("%s", l); err != nil {
				return false
			}
		}
		return true
	}
	if !reply("220 127.0.0.1 ESMTP test") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"250-127.0.0.1 greets " + arg}
			if s.startTLS && !secure {
				lines = append(lines, "250-STARTTLS")
			}
			if s.auth {
				lines = append(lines, "250-AUTH PLAIN")
			}
			reply(append(lines, "250 8BITMIME")...)
		case "HELO", "NOOP", "RSET":
			reply("250 OK")
		case "STARTTLS":
			if !s.startTLS || secure {
				reply("502 5.5.1 not offered")
				continue
			}
			reply("220 2.0.0 ready to start TLS")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure = tc, true
			tp = textproto.NewConn(conn)
			cur = received{}
		case "AUTH":
			s.mu.Lock()
			s.auths++
			s.mu.Unlock()
			mech, initial, _ := strings.Cut(arg, " ")
			if !s.auth || !strings.EqualFold(mech, "PLAIN") {
				reply("504 5.5.4 mechanism not supported")
				continue
			}
			if initial == "" {
				reply("334 ")
				if initial, err = tp.ReadLine(); err != nil {
					return
				}
			}
			raw, _ := base64.StdEncoding.DecodeString(initial)
			parts := strings.Split(string(raw), "\x00")
			if len(parts) != 3 || parts[1] != testUser || parts[2] != testPassword {
				if s.echoAuth {
					reply("535 5.7.8 bad credentials in " + line + " for " + string(raw))
				} else {
					reply("535 5.7.8 bad credentials")
				}
				continue
			}
			cur.authUser, cur.authPass = parts[1], parts[2]
			reply("235 2.7.0 authenticated")
		case "MAIL":
			cur.from, cur.to, cur.tls = addrArg(arg), nil, secure
			reply("250 2.1.0 OK")
		case "RCPT":
			if s.rejectRcpt {
				reply("550 5.1.1 no such user here")
				continue
			}
			cur.to = append(cur.to, addrArg(arg))
			reply("250 2.1.5 OK")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = string(data)
			s.mu.Lock()
			s.mails = append(s.mails, cur)
			s.mu.Unlock()
			cur = received{authUser: cur.authUser, authPass: cur.authPass}
			reply("250 2.0.0 queued")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 command not recognized")
		}
	}
}

// addrArg reads the address of "FROM:<a@b> BODY=8BITMIME" or "TO:<a@b>".
func addrArg(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// testCert makes a self-signed certificate for 127.0.0.1 and returns the
// server's TLS config and a client config that trusts it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "campushub test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

func email(addr string) account.Identifier {
	return account.Identifier{Channel: account.Email, Value: addr}
}

func TestSMTPSendCodeDelivers(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := testCert(t)
	cases := []struct {
		name     string
		server   *smtpServer
		cfg      SMTPConfig
		wantTLS  bool
		wantAuth bool
	}{
		{
			name:   "STARTTLS not offered, no credentials: sends in clear",
			server: &smtpServer{},
			cfg:    SMTPConfig{TLS: TLSStartTLS},
		},
		{
			name:    "STARTTLS offered, no credentials: upgrades",
			server:  &smtpServer{startTLS: true},
			cfg:     SMTPConfig{TLS: TLSStartTLS},
			wantTLS: true,
		},
		{
			name:     "STARTTLS then AUTH PLAIN",
			server:   &smtpServer{startTLS: true, auth: true},
			cfg:      SMTPConfig{TLS: TLSStartTLS, Username: testUser, Password: testPassword},
			wantTLS:  true,
			wantAuth: true,
		},
		{
			name:     "implicit TLS then AUTH PLAIN",
			server:   &smtpServer{implicitTLS: true, auth: true},
			cfg:      SMTPConfig{TLS: TLSImplicit, Username: testUser, Password: testPassword},
			wantTLS:  true,
			wantAuth: true,
		},
		{
			name:     "TLS none ignores STARTTLS and authenticates in clear to loopback",
			server:   &smtpServer{startTLS: true, auth: true},
			cfg:      SMTPConfig{TLS: TLSNone, Username: testUser, Password: testPassword},
			wantAuth: true,
		},
		{
			name:   "non-ASCII product name",
			server: &smtpServer{},
			cfg:    SMTPConfig{TLS: TLSStartTLS, Product: "校园汇"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.server
			srv.tls = serverTLS
			srv.start(t)
			cfg := tc.cfg
			cfg.Host, cfg.Port, cfg.From, cfg.TLSConfig, cfg.Timeout = "127.0.0.1", srv.port(), testFrom, clientTLS, 10*time.Second
			before := time.Now().Add(-time.Second)

			if err := NewSMTP(cfg).SendCode(t.Context(), email(testRcpt), testCode); err != nil {
				t.Fatalf("SendCode: %v", err)
			}

			mails, _ := srv.received()
			if len(mails) != 1 {
				t.Fatalf("server got %d messages, want 1", len(mails))
			}
			got := mails[0]
			if got.from != "no-reply@campushub.test" || len(got.to) != 1 || got.to[0] != testRcpt {
				t.Errorf("envelope = %q -> %q, want no-reply@campushub.test -> [%s]", got.from, got.to, testRcpt)
			}
			if got.tls != tc.wantTLS {
				t.Errorf("sent over TLS = %v, want %v", got.tls, tc.wantTLS)
			}
			if tc.wantAuth && (got.authUser != testUser || got.authPass != testPassword) {
				t.Errorf("AUTH PLAIN = %q/%q, want %q/%q", got.authUser, got.authPass, testUser, testPassword)
			}
			if !tc.wantAuth && got.authUser != "" {
				t.Errorf("authenticated as %q without credentials", got.authUser)
			}
			product := cfg.Product
			if product == "" {
				product = "campushub"
			}
			checkMessage(t, got.data, product, before)
		})
	}
}

// checkMessage checks the headers and body of a code e-mail.
func checkMessage(t *testing.T, data, product string, notBefore time.Time) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	h := msg.Header
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "no-reply@campushub.test" || from[0].Name != "Campushub" {
		t.Errorf("From = %q (%v)", h.Get("From"), err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != testRcpt {
		t.Errorf("To = %q (%v)", h.Get("To"), err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != product+" verification code" {
		t.Errorf("Subject = %q decodes to %q (%v)", h.Get("Subject"), subject, err)
	}
	for _, r := range h.Get("Subject") {
		if r > 127 {
			t.Errorf("Subject %q is not RFC 2047 encoded", h.Get("Subject"))
			break
		}
	}
	date, err := h.Date()
	if err != nil || date.Before(notBefore) || date.After(time.Now().Add(time.Second)) {
		t.Errorf("Date = %q (%v), want about now", h.Get("Date"), err)
	}
	if !regexp.MustCompile(`^<[A-Z2-7]{26}@campushub\.test>$`).MatchString(h.Get("Message-Id")) {
		t.Errorf("Message-ID = %q", h.Get("Message-Id"))
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type = %q", h.Get("Content-Type"))
	}
	if h.Get("MIME-Version") != "1.0" || h.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Errorf("MIME-Version = %q, Content-Transfer-Encoding = %q", h.Get("MIME-Version"), h.Get("Content-Transfer-Encoding"))
	}
	raw, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatalf("decode quoted-printable body: %v", err)
	}
	body := string(raw)
	for _, want := range []string{"Your " + product + " verification code is " + testCode + ".", "valid for 5 minutes"} {
		if !strings.Contains(body, want) {
			t.Errorf("body does not say %q:\n%s", want, body)
		}
	}
}

func TestSMTPComposeUsesCRLF(t *testing.T) {
	t.Parallel()
	s := NewSMTP(SMTPConfig{Host: "127.0.0.1", From: testFrom, Product: "校园汇"})

	msg, err := s.compose(testRcpt, testCode, time.Now())
	if err != nil {
		t.Fatalf("compose: %v", err)
	}

	text := string(msg)
	if strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\r") {
		t.Errorf("message has a bare CR or LF:\n%q", text)
	}
	for i, r := range text {
		if r > 127 {
			t.Fatalf("message is not 7-bit clean at byte %d:\n%s", i, text)
		}
	}
	checkMessage(t, text, "校园汇", time.Now().Add(-time.Second))
}

func TestSMTPSendCodeFails(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := testCert(t)
	cases := []struct {
		name    string
		server  *smtpServer // nil: nothing listens on the port
		cfg     SMTPConfig
		want    string // in the error message
		noAuths bool   // the server must not have seen AUTH
	}{
		{
			name:   "recipient rejected with 550",
			server: &smtpServer{rejectRcpt: true},
			want:   "550 5.1.1 no such user here",
		},
		{
			name: "server not listening",
			want: "connection refused",
		},
		{
			name:   "wrong password",
			server: &smtpServer{startTLS: true, auth: true, echoAuth: true},
			cfg:    SMTPConfig{Username: testUser, Password: "wrong-" + testPassword},
			want:   "535 5.7.8 bad credentials",
		},
		{
			name:    "credentials but no STARTTLS offered",
			server:  &smtpServer{auth: true},
			cfg:     SMTPConfig{Username: testUser, Password: testPassword},
			want:    "does not offer STARTTLS",
			noAuths: true,
		},
		{
			name:    "credentials but no AUTH PLAIN offered",
			server:  &smtpServer{startTLS: true},
			cfg:     SMTPConfig{Username: testUser, Password: testPassword},
			want:    "does not offer AUTH PLAIN",
			noAuths: true,
		},
		{
			name:   "untrusted certificate",
			server: &smtpServer{startTLS: true},
			cfg:    SMTPConfig{TLSConfig: &tls.Config{}},
			want:   "certificate",
		},
		{
			name:    "password in clear to a remote host",
			cfg:     SMTPConfig{Host: "mail.campushub.test", TLS: TLSNone, Username: testUser, Password: testPassword},
			want:    "misconfigured",
			noAuths: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.cfg
			if cfg.Host == "" {
				cfg.Host = "127.0.0.1"
			}
			if cfg.TLSConfig == nil {
				cfg.TLSConfig = clientTLS
			}
			cfg.From, cfg.Timeout = testFrom, 10*time.Second
			if tc.server != nil {
				tc.server.tls = serverTLS
				cfg.Port = tc.server.start(t).port()
			} else {
				cfg.Port = closedPort(t)
			}

			err := NewSMTP(cfg).SendCode(t.Context(), email(testRcpt), testCode)

			t.Logf("error: %v", err)
			checkMailUnavailable(t, err, cfg.Password)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if tc.server != nil {
				mails, auths := tc.server.received()
				if len(mails) != 0 {
					t.Errorf("server accepted %d messages", len(mails))
				}
				if tc.noAuths && auths != 0 {
					t.Errorf("server saw %d AUTH commands, want none", auths)
				}
			}
		})
	}
}

func TestSMTPSendCodeHonoursDeadlines(t *testing.T) {
	t.Parallel()
	const short = 200 * time.Millisecond
	cases := []struct {
		name    string
		timeout time.Duration
		ctx     func(t *testing.T) context.Context
		want    string
	}{
		{
			name:    "context deadline",
			timeout: time.Minute,
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), short)
				t.Cleanup(cancel)
				return ctx
			},
			want: "timed out",
		},
		{
			name:    "configured timeout",
			timeout: short,
			ctx:     func(t *testing.T) context.Context { return t.Context() },
			want:    "timed out",
		},
		{
			name:    "context canceled",
			timeout: time.Minute,
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(t.Context())
				time.AfterFunc(short, cancel)
				t.Cleanup(cancel)
				return ctx
			},
			want: "canceled",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := (&smtpServer{stall: true}).start(t)
			s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: testFrom, Timeout: tc.timeout})
			start := time.Now()

			err := s.SendCode(tc.ctx(t), email(testRcpt), testCode)

			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("SendCode took %v against a stalled server, want about %v", took, short)
			}
			checkMailUnavailable(t, err, "")
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestSMTPSendCodeRejectsPhone(t *testing.T) {
	t.Parallel()
	srv := (&smtpServer{}).start(t)
	s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: testFrom})
	phone := account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}

	err := s.SendCode(t.Context(), phone, testCode)

	if !errors.Is(err, account.ErrSMSUnavailable) {
		t.Fatalf("err = %v, want ErrSMSUnavailable", err)
	}
	const want = "no SMS sender is configured; codes can only be sent to e-mail addresses"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if mails, _ := srv.received(); len(mails) != 0 {
		t.Errorf("server got %d messages", len(mails))
	}
}

func TestSMTPSendCodeRejectsHeaderInjection(t *testing.T) {
	t.Parallel()
	srv := (&smtpServer{}).start(t)
	cases := []struct {
		name string
		cfg  SMTPConfig
		to   string
		want error
	}{
		{"CRLF in recipient", SMTPConfig{From: testFrom}, testRcpt + "\r\nBcc: victim@example.com", shared.Invalid("account", "")},
		{"LF in recipient", SMTPConfig{From: testFrom}, testRcpt + "\nBcc: victim@example.com", shared.Invalid("account", "")},
		{"display name as recipient", SMTPConfig{From: testFrom}, "Eve <" + testRcpt + ">", shared.Invalid("account", "")},
		{"CRLF in sender", SMTPConfig{From: "no-reply@campushub.test\r\nBcc: victim@example.com"}, testRcpt, account.ErrMailUnavailable},
		{"CRLF in product", SMTPConfig{From: testFrom, Product: "campushub\r\nBcc: victim@example.com"}, testRcpt, account.ErrMailUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.cfg
			cfg.Host, cfg.Port = "127.0.0.1", srv.port()

			err := NewSMTP(cfg).SendCode(t.Context(), email(tc.to), testCode)

			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if mails, _ := srv.received(); len(mails) != 0 {
		t.Errorf("server got %d messages", len(mails))
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  SMTPConfig
		want string // in the error; empty for valid
	}{
		{"defaults are valid", SMTPConfig{Host: "smtp.campushub.test", From: testFrom}, ""},
		{"password to loopback in clear", SMTPConfig{Host: "localhost", From: testFrom, TLS: TLSNone, Username: testUser, Password: testPassword}, ""},
		{"no host", SMTPConfig{From: testFrom}, "host is required"},
		{"no sender", SMTPConfig{Host: "smtp.campushub.test"}, "From) is required"},
		{"bad sender", SMTPConfig{Host: "smtp.campushub.test", From: "not an address"}, "is not an e-mail address"},
		{"bad TLS mode", SMTPConfig{Host: "smtp.campushub.test", From: testFrom, TLS: "ssl"}, `"ssl" is not one of`},
		{"bad port", SMTPConfig{Host: "smtp.campushub.test", From: testFrom, Port: 70000}, "out of range"},
		{"password in clear", SMTPConfig{Host: "smtp.campushub.test", From: testFrom, TLS: TLSNone, Username: testUser, Password: testPassword}, "in clear"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want an error saying %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), testPassword):
				t.Fatalf("Validate error %q holds the password", err)
			}
		})
	}
}

func TestSMTPConfigDefaultPort(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]int{TLSStartTLS: 587, TLSNone: 587, TLSImplicit: 465, "": 587} {
		if got := (SMTPConfig{TLS: mode}).withDefaults().Port; got != want {
			t.Errorf("TLS %q: default port %d, want %d", mode, got, want)
		}
	}
}

// checkMailUnavailable checks that err is ErrMailUnavailable and holds
// neither the code nor the password.
func checkMailUnavailable(t *testing.T, err error, password string) {
	t.Helper()
	if !errors.Is(err, account.ErrMailUnavailable) {
		t.Fatalf("err = %v, want ErrMailUnavailable", err)
	}
	msg := err.Error()
	if strings.Contains(msg, testCode) {
		t.Errorf("error %q holds the code", msg)
	}
	if password != "" && strings.Contains(msg, password) {
		t.Errorf("error %q holds the password", msg)
	}
	if password != "" && strings.Contains(msg, base64.StdEncoding.EncodeToString([]byte("\x00"+testUser+"\x00"+password))) {
		t.Errorf("error %q holds the AUTH PLAIN credentials", msg)
	}
}

// closedPort returns a loopback port that nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}
