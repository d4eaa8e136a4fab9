package appapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/push"
)

// recordingProvider stands in for the push service: it records what it is
// handed, refuses listed client ids, and fails as a whole when down.
type recordingProvider struct {
	mu     sync.Mutex
	sent   []push.Message
	refuse map[string]bool
	down   bool
}

func (p *recordingProvider) Send(_ context.Context, msgs []push.Message) ([]push.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return nil, errors.New("provider unavailable")
	}
	out := make([]push.Result, len(msgs))
	for i, m := range msgs {
		p.sent = append(p.sent, m)
		out[i] = push.Result{Accepted: !p.refuse[m.ClientID], Detail: "stand-in"}
	}
	return out, nil
}

func (p *recordingProvider) clientIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.sent {
		out = append(out, m.ClientID)
	}
	return out
}

// fail fails unless r is an error with the HTTP status and code.
func (h *harness) fail(what string, r reply, status, code int) {
	h.tb.Helper()
	if r.Status != status || r.Code != code {
		h.tb.Errorf("%s: got HTTP %d code %d (%s), want HTTP %d code %d", what, r.Status, r.Code, r.Message, status, code)
	}
}

// user creates a user account and returns its id and an access token.
func (h *harness) user() (int64, string) {
	h.tb.Helper()
	h.users++
	return h.signIn(fmt.Sprintf("user%d@example.com", h.users), account.RoleUser)
}

// manager creates a manager account and returns its id and an access token.
func (h *harness) manager() (int64, string) {
	h.tb.Helper()
	h.users++
	return h.signIn(fmt.Sprintf("manager%d@example.com", h.users), account.RoleManager)
}

func (h *harness) signIn(email string, role account.Role) (int64, string) {
	h.tb.Helper()
	return h.accounts.SignIn(h.tb, email, role)
}

// expiredToken stores an access token of accountID that expired an hour ago.
func (h *harness) expiredToken(accountID int64) string {
	h.tb.Helper()
	plain := fmt.Sprintf("expired%043d", accountID)
	past := time.Now().UTC().Add(-2 * time.Hour)
	err := storage.NewTokens(h.db).Create(context.Background(), account.Token{
		Hash: account.HashToken(plain), Kind: account.AccessToken, AccountID: accountID, Family: "expired" + plain[:8],
		IssuedAt: past, ExpiresAt: past.Add(time.Hour),
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return plain
}

// dispatch runs one dispatcher round, as the background worker would.
func (h *harness) dispatch() {
	h.tb.Helper()
	if _, err := h.push.DispatchDue(context.Background()); err != nil {
		h.tb.Fatal(err)
	}
}

// eventTypes lists the outbox's event types, oldest first.
func (h *harness) eventTypes() []string {
	h.tb.Helper()
	rows, err := storage.NewOutbox(h.db).Recent(context.Background(), 1000)
	if err != nil {
		h.tb.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		out = append(out, rows[i].Type)
	}
	return out
}

// eventPayloads lists the outbox's event payloads.
func (h *harness) eventPayloads() []string {
	h.tb.Helper()
	rows, err := storage.NewOutbox(h.db).Recent(context.Background(), 1000)
	if err != nil {
		h.tb.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Payload
	}
	return out
}

// decode unmarshals data into a map for field checks.
func decode(tb testing.TB, data json.RawMessage) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatalf("not a JSON object: %s", data)
	}
	return m
}

// hasShape fails unless got has every field of the seed's example with the
// same JSON type; extra fields are allowed only when listed.
func hasShape(tb testing.TB, what string, got json.RawMessage, seed string, extra ...string) {
	tb.Helper()
	g, w := decode(tb, got), decode(tb, json.RawMessage(seed))
	for k, v := range w {
		gv, ok := g[k]
		if !ok {
			tb.Errorf("%s: field %q of the seed is missing", what, k)
			continue
		}
		if fmt.Sprintf("%T", gv) != fmt.Sprintf("%T", v) {
			tb.Errorf("%s: field %q is %T, the seed has %T", what, k, gv, v)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok && !slices.Contains(extra, k) {
			tb.Errorf("%s: field %q is not in the seed", what, k)
		}
	}
}

// page is the seed's pagination envelope.
type page struct {
	Total       int64             `json:"total"`
	Pages       int64             `json:"pages"`
	CurrentPage int               `json:"current_page"`
	PageSize    int               `json:"page_size"`
	Data        []json.RawMessage `json:"data"`
}

func pageOf(tb testing.TB, data json.RawMessage) page {
	tb.Helper()
	hasShape(tb, "page", data, `{"total":1,"pages":1,"current_page":1,"page_size":20,"data":[]}`)
	var p page
	if err := json.Unmarshal(data, &p); err != nil {
		tb.Fatal(err)
	}
	return p
}
