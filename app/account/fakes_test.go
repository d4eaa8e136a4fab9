package account_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
)

// memState is everything the fakes store; the fake unit of work snapshots it
// and puts the snapshot back when a transaction fails, like a rollback.
type memState struct {
	accounts    map[int64]account.Account
	nextAccount int64
	codes       map[int64]account.Code
	nextCode    int64
	tokens      map[string]account.Token
	clients     map[string]account.LoginClient
	events      []shared.Event
}

func (s memState) clone() memState {
	c := s
	c.accounts = make(map[int64]account.Account, len(s.accounts))
	for k, v := range s.accounts {
		c.accounts[k] = v
	}
	c.codes = make(map[int64]account.Code, len(s.codes))
	for k, v := range s.codes {
		c.codes[k] = v
	}
	c.tokens = make(map[string]account.Token, len(s.tokens))
	for k, v := range s.tokens {
		c.tokens[k] = v
	}
	c.clients = make(map[string]account.LoginClient, len(s.clients))
	for k, v := range s.clients {
		c.clients[k] = v
	}
	c.events = append([]shared.Event(nil), s.events...)
	return c
}

// memDB implements every storage port in memory.
type memDB struct {
	mu        sync.Mutex
	state     memState
	rollbacks int
	byIDReads int // calls of accounts.ByID
}

func newMemDB() *memDB {
	return &memDB{state: memState{
		accounts: map[int64]account.Account{}, codes: map[int64]account.Code{}, tokens: map[string]account.Token{},
		clients: map[string]account.LoginClient{},
	}}
}

// unitOfWork is the fake ports.UnitOfWork: a failed one restores the state
// it started from.
func (db *memDB) unitOfWork() portstest.UnitOfWork {
	return portstest.UnitOfWork{Begin: func() func() {
		db.mu.Lock()
		snapshot := db.state.clone()
		db.mu.Unlock()
		return func() {
			db.mu.Lock()
			db.state = snapshot
			db.rollbacks++
			db.mu.Unlock()
		}
	}}
}

// outbox is the fake ports.Outbox.
type outbox struct{ db *memDB }

func (o outbox) Append(_ context.Context, events ...shared.Event) error {
	o.db.mu.Lock()
	defer o.db.mu.Unlock()
	o.db.state.events = append(o.db.state.events, events...)
	return nil
}

// loginClients is the fake ports.LoginClients.
type loginClients struct{ db *memDB }

func clientKey(accountID int64, client string) string { return fmt.Sprintf("%d|%s", accountID, client) }

func (r loginClients) Get(_ context.Context, accountID int64, client string) (account.LoginClient, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	if c, ok := r.db.state.clients[clientKey(accountID, client)]; ok {
		return c, nil
	}
	return account.LoginClient{AccountID: accountID, Client: client}, nil
}

func (r loginClients) Save(_ context.Context, c account.LoginClient) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	r.db.state.clients[clientKey(c.AccountID, c.Client)] = c
	return nil
}

func (r loginClients) CountLocked(_ context.Context, accountID int64, now time.Time) (int, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	n := 0
	for _, c := range r.db.state.clients {
		if c.AccountID == accountID && c.Locked(now) {
			n++
		}
	}
	return n, nil
}

// accounts is the fake ports.Accounts.
type accounts struct{ db *memDB }

func (r accounts) Create(_ context.Context, a *account.Account) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	for _, x := range r.db.state.accounts {
		if x.Key == a.Key {
			return shared.ErrAlreadyExists
		}
	}
	r.db.state.nextAccount++
	a.ID = r.db.state.nextAccount
	r.db.state.accounts[a.ID] = *a
	return nil
}

func (r accounts) ByKey(_ context.Context, key string) (account.Account, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	for _, x := range r.db.state.accounts {
		if x.Key == key {
			return x, nil
		}
	}
	return account.Account{}, shared.ErrNotFound
}

func (r accounts) ByID(_ context.Context, id int64) (account.Account, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	r.db.byIDReads++
	return portstest.Get(r.db.state.accounts, id)
}

func (r accounts) Update(_ context.Context, a account.Account) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	return portstest.Replace(r.db.state.accounts, a.ID, a)
}

// codes is the fake ports.Codes.
type codes struct{ db *memDB }

func (r codes) Create(_ context.Context, c *account.Code) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	r.db.state.nextCode++
	c.ID = r.db.state.nextCode
	r.db.state.codes[c.ID] = *c
	return nil
}

func (r codes) Latest(_ context.Context, key string) (account.Code, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	var best account.Code
	for _, c := range r.db.state.codes {
		if c.Key == key && c.ID > best.ID {
			best = c
		}
	}
	if best.ID == 0 {
		return account.Code{}, shared.ErrNotFound
	}
	return best, nil
}

func (r codes) SentSince(_ context.Context, key string, t time.Time) ([]time.Time, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	var at []time.Time
	for _, c := range r.db.state.codes {
		if c.Key == key && !c.CreatedAt.Before(t) {
			at = append(at, c.CreatedAt)
		}
	}
	slices.SortFunc(at, time.Time.Compare)
	return at, nil
}

func (r codes) Update(_ context.Context, c account.Code) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	return portstest.Replace(r.db.state.codes, c.ID, c)
}

func (r codes) Delete(_ context.Context, id int64) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	delete(r.db.state.codes, id)
	return nil
}

// tokens is the fake ports.Tokens.
type tokens struct{ db *memDB }

func (r tokens) Create(_ context.Context, ts ...account.Token) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	for _, t := range ts {
		if _, dup := r.db.state.tokens[t.Hash]; dup {
			return shared.ErrAlreadyExists
		}
		r.db.state.tokens[t.Hash] = t
	}
	return nil
}

func (r tokens) ByHash(_ context.Context, hash string) (account.Token, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	t, ok := r.db.state.tokens[hash]
	if !ok {
		return account.Token{}, shared.ErrNotFound
	}
	return t, nil
}

func (r tokens) MarkUsed(_ context.Context, hash string, at time.Time) (bool, error) {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	t, ok := r.db.state.tokens[hash]
	if !ok || !t.UsedAt.IsZero() {
		return false, nil
	}
	t.UsedAt = at
	r.db.state.tokens[hash] = t
	return true, nil
}

func (r tokens) RevokeFamily(_ context.Context, family string, at time.Time) error {
	r.db.mu.Lock()
	defer r.db.mu.Unlock()
	for h, t := range r.db.state.tokens {
		if t.Family == family && t.RevokedAt.IsZero() {
			t.RevokedAt = at
			r.db.state.tokens[h] = t
		}
	}
	return nil
}

// sender is the fake ports.CodeSender: it records what it delivers and
// fails with err when set.
type sender struct {
	mu   sync.Mutex
	sent []sentCode
	err  error
}

type sentCode struct {
	to   account.Identifier
	code string
}

func (s *sender) SendCode(_ context.Context, to account.Identifier, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.sent = append(s.sent, sentCode{to, code})
	return nil
}

// last returns the latest code delivered.
func (s *sender) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sent) == 0 {
		return ""
	}
	return s.sent[len(s.sent)-1].code
}

// hasher is a fake ports.PasswordHasher that counts its calls, so tests can
// prove a path never computes a password hash.
type hasher struct{ calls atomic.Int64 }

func (h *hasher) Hash(pw string) (string, error) {
	h.calls.Add(1)
	return "hashed:" + pw, nil
}

func (h *hasher) Compare(hash, pw string) bool {
	h.calls.Add(1)
	return hash == "hashed:"+pw
}

// random is a deterministic ports.Random: tokens are unique, codes follow
// a fixed sequence.
type random struct {
	mu    sync.Mutex
	n     int
	codes []string
}

func (r *random) Token(n int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	s := fmt.Sprintf("tok%d", r.n)
	return s + strings.Repeat("x", max(0, n-len(s)))
}

func (r *random) Digits(n int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if len(r.codes) > 0 {
		c := r.codes[0]
		r.codes = r.codes[1:]
		return c
	}
	return fmt.Sprintf("%0*d", n, 100000+r.n)[:n]
}

var (
	_ ports.Outbox         = outbox{}
	_ ports.Accounts       = accounts{}
	_ ports.Codes          = codes{}
	_ ports.Tokens         = tokens{}
	_ ports.LoginClients   = loginClients{}
	_ ports.CodeSender     = (*sender)(nil)
	_ ports.PasswordHasher = (*hasher)(nil)
	_ ports.Random         = (*random)(nil)
)

// world is a Service on fakes, with handles on every fake.
type world struct {
	svc    *appaccount.Service
	db     *memDB
	sender *sender
	hasher *hasher
	random *random
	clock  *portstest.Clock
}

var start = time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)

func newWorld(p appaccount.Policy) *world {
	w := &world{db: newMemDB(), sender: &sender{}, hasher: &hasher{}, random: &random{}, clock: portstest.NewClock(start)}
	w.svc = appaccount.NewService(appaccount.Deps{
		UoW: w.db.unitOfWork(), Outbox: outbox{w.db}, Accounts: accounts{w.db}, Codes: codes{w.db}, Tokens: tokens{w.db},
		LoginClients: loginClients{w.db}, Sender: w.sender, Hasher: w.hasher, Random: w.random, Clock: w.clock,
	}, p)
	return w
}

// events returns the stored events of a type.
func (w *world) events(typ string) []shared.Event {
	w.db.mu.Lock()
	defer w.db.mu.Unlock()
	var out []shared.Event
	for _, e := range w.db.state.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// codesFor returns the stored codes of key, oldest first.
func (w *world) codesFor(key string) []account.Code {
	w.db.mu.Lock()
	defer w.db.mu.Unlock()
	var out []account.Code
	for _, c := range w.db.state.codes {
		if c.Key == key {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// accountByKey returns the stored account of key.
func (w *world) accountByKey(key string) (account.Account, bool) {
	a, err := accounts{w.db}.ByKey(context.Background(), key)
	return a, err == nil
}
