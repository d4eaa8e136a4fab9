package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/campushub/campushub/ports"
)

// Config tunes the deliverer.
type Config struct {
	Egress Egress
	// Timeout bounds one attempt, connection included.
	Timeout time.Duration
	// MaxIdlePerHost keeps connections to busy projects open; set it to
	// the per-project concurrency, so every attempt in flight finds a
	// kept-alive connection.
	MaxIdlePerHost int
	// MaxIdle bounds the idle connections kept overall (at least
	// 4×MaxIdlePerHost); set it to the overall concurrency.
	MaxIdle int
	// UserAgent names the sender.
	UserAgent string
}

// SnippetBytes is how much of an answer is kept in the attempt log.
const SnippetBytes = 512

// Deliverer posts signed webhooks.
type Deliverer struct {
	client *http.Client
	ua     string
	keys   keyCache
}

var _ ports.WebhookDeliverer = (*Deliverer)(nil)

// New returns a deliverer that dials only addresses the egress policy
// allows, follows no redirects and uses no proxy (a proxy would dial for us
// and escape the policy).
func New(cfg Config) *Deliverer {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxIdlePerHost <= 0 {
		cfg.MaxIdlePerHost = 16
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "campushub-webhooks/1"
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second, Control: cfg.Egress.control, Resolver: cfg.Egress.Resolver}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		MaxIdleConns:          max(cfg.MaxIdle, 4*cfg.MaxIdlePerHost),
		MaxIdleConnsPerHost:   cfg.MaxIdlePerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		ForceAttemptHTTP2:     true,
	}
	return &Deliverer{
		client: &http.Client{
			Transport:     transport,
			Timeout:       cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ua: cfg.UserAgent,
	}
}

// Deliver posts req.Body to req.URL with the signature headers and reports
// the answer's status, the latency and the start of the answer.
func (d *Deliverer) Deliver(ctx context.Context, req ports.WebhookRequest) ports.WebhookResult {
	start := time.Now()
	ts := strconv.FormatInt(req.Timestamp.Unix(), 10)
	key, err := d.keys.key(req.Secret)
	if err != nil {
		return ports.WebhookResult{Err: err}
	}
	sig := signWith(key, req.MessageID, ts, req.Body)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return ports.WebhookResult{Err: fmt.Errorf("build request: %w", err)}
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("User-Agent", d.ua)
	hr.Header.Set("webhook-id", req.MessageID)
	hr.Header.Set("webhook-timestamp", ts)
	hr.Header.Set("webhook-signature", sig)
	resp, err := d.client.Do(hr)
	if err != nil {
		return ports.WebhookResult{Latency: time.Since(start), Err: cleanErr(err)}
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, SnippetBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return ports.WebhookResult{StatusCode: resp.StatusCode, Latency: time.Since(start), Response: snippet(head)}
}

// cleanErr drops the URL the http client prefixes, keeping the cause.
func cleanErr(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		return ue.Unwrap()
	}
	return err
}

func snippet(b []byte) string {
	for !utf8.Valid(b) && len(b) > 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}

// Sign returns the webhook-signature value for a message: "v1," and the
// Base64 HMAC-SHA256, keyed with the Base64-decoded part of the whsec_
// secret, of "<id>.<timestamp>.<body>".
func Sign(secret, id, timestamp string, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	return signWith(key, id, timestamp, body), nil
}

// secretKey returns the HMAC key of a whsec_ secret.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return nil, errors.New("project secret is not a whsec_ Base64 secret")
	}
	return key, nil
}

// signWith signs a message with an HMAC key.
func signWith(key []byte, id, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// keyCache keeps the decoded keys of the secrets in use; a rotated secret
// is a new entry, and the cache starts over when it grows past maxKeys.
type keyCache struct {
	mu   sync.Mutex
	keys map[string][]byte
}

const maxKeys = 4096

func (c *keyCache) key(secret string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.keys[secret]; ok {
		return k, nil
	}
	k, err := secretKey(secret)
	if err != nil {
		return nil, err
	}
	if c.keys == nil || len(c.keys) >= maxKeys {
		c.keys = map[string][]byte{}
	}
	c.keys[secret] = k
	return k, nil
}

// Verify checks a received webhook the way a receiver does: the timestamp
// within tolerance of now and one of the space-separated v1 signatures
// matching.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil {
		return errors.New("missing webhook-id or webhook-timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook-timestamp is outside the tolerance")
	}
	want, err := Sign(secret, id, ts, body)
	if err != nil {
		return err
	}
	for _, got := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(got), []byte(want)) {
			return nil
		}
	}
	return errors.New("no webhook-signature matches")
}
