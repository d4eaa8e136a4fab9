package wxrelay

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/ports/portstest"
)

// memory is an in-memory implementation of every port the relay stores
// through. One mutex guards it all; the unit of work just runs fn.
type memory struct {
	mu         sync.Mutex
	projects   map[int64]wxrelay.Project
	events     map[int64]wxrelay.Event
	seen       map[string]time.Time
	deliveries map[int64]wxrelay.Delivery
	leases     map[int64]string
	attempts   []wxrelay.Attempt
	published  []shared.Event
	nextID     int64
}

func newMemory() *memory {
	return &memory{projects: map[int64]wxrelay.Project{}, events: map[int64]wxrelay.Event{}, seen: map[string]time.Time{},
		deliveries: map[int64]wxrelay.Delivery{}, leases: map[int64]string{}}
}

func (m *memory) id() int64 { m.nextID++; return m.nextID }

func (m *memory) Do(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }

func (m *memory) Append(_ context.Context, es ...shared.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.published = append(m.published, es...)
	return nil
}

func (m *memory) types() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, e := range m.published {
		out = append(out, e.Type)
	}
	return out
}

// memProjects, memEvents and memDeliveries give the one store the three
// repository method sets.
type memProjects struct{ *memory }
type memEvents struct{ *memory }
type memDeliveries struct{ *memory }

func (m memProjects) Create(_ context.Context, p *wxrelay.Project) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.projects {
		if o.URL == p.URL && o.Name == p.Name {
			return shared.ErrAlreadyExists
		}
	}
	p.ID = m.id()
	m.projects[p.ID] = *p
	return nil
}

func (m memProjects) ByID(_ context.Context, id int64) (wxrelay.Project, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return portstest.Get(m.projects, id)
}

func (m memProjects) ByIDs(_ context.Context, ids []int64) ([]wxrelay.Project, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return portstest.Pick(m.projects, ids), nil
}

func (m memProjects) List(context.Context) ([]wxrelay.Project, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []wxrelay.Project
	for _, p := range m.projects {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m memProjects) ActiveIDs(ctx context.Context) ([]int64, error) {
	ps, _ := m.List(ctx)
	var ids []int64
	for _, p := range ps {
		if p.Active() {
			ids = append(ids, p.ID)
		}
	}
	return ids, nil
}

func (m memProjects) Update(_ context.Context, p wxrelay.Project) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.projects[p.ID]
	if !ok {
		return shared.ErrNotFound
	}
	p.Health = old.Health // Update leaves health to SetHealth
	m.projects[p.ID] = p
	return nil
}

func (m memProjects) SetHealth(_ context.Context, p wxrelay.Project) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.projects[p.ID]
	old.Health, old.Status = p.Health, p.Status
	m.projects[p.ID] = old
	return nil
}

func (m memProjects) Paused(ctx context.Context) ([]wxrelay.Project, error) {
	ps, _ := m.List(ctx)
	var out []wxrelay.Project
	for _, p := range ps {
		if p.Paused() {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m memProjects) TakeProbe(_ context.Context, id int64, now, next time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.projects[id]
	if !p.ProbeDue(now) {
		return false, nil
	}
	p.NextProbeAt = next
	m.projects[id] = p
	return true, nil
}

func (m memProjects) Delete(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.projects, id)
	return nil
}

func (m memEvents) ClaimAll(_ context.Context, hashes []string, now, since time.Time) ([]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fresh := make([]bool, len(hashes))
	for i, h := range hashes {
		if at, ok := m.seen[h]; ok && at.After(since) {
			continue
		}
		m.seen[h] = now
		fresh[i] = true
	}
	return fresh, nil
}

func (m memEvents) CreateAll(_ context.Context, es []wxrelay.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range es {
		es[i].ID = m.id()
		m.events[es[i].ID] = es[i]
	}
	return nil
}

func (m memEvents) ByIDs(_ context.Context, ids []int64) ([]wxrelay.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return portstest.Pick(m.events, ids), nil
}

func (m memDeliveries) Create(_ context.Context, ds []wxrelay.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range ds {
		d.ID = m.id()
		m.deliveries[d.ID] = d
	}
	return nil
}

func (m memDeliveries) CreateForProjects(ctx context.Context, eventIDs []int64, now time.Time) (int, error) {
	ps, _ := memProjects(m).List(ctx)
	var ds []wxrelay.Delivery
	for _, e := range eventIDs {
		for _, p := range ps {
			st := wxrelay.DeliveryPending
			if !p.Active() {
				st = wxrelay.DeliveryHeld
			}
			ds = append(ds, wxrelay.Delivery{EventID: e, ProjectID: p.ID, Status: st,
				NextAttemptAt: now, RunStartedAt: now, CreatedAt: now, UpdatedAt: now})
		}
	}
	return len(ds), m.Create(ctx, ds)
}

func (m memDeliveries) ClaimProbe(_ context.Context, owner string, projectID int64, _, _ time.Time, leastTried bool) ([]wxrelay.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var best *wxrelay.Delivery
	for _, d := range m.deliveries {
		if d.ProjectID == projectID && d.Status == wxrelay.DeliveryPending && m.leases[d.ID] == "" &&
			(best == nil || (leastTried && d.Attempts < best.Attempts) || ((!leastTried || d.Attempts == best.Attempts) && d.ID < best.ID)) {
			d := d
			best = &d
		}
	}
	if best == nil {
		return nil, nil
	}
	m.leases[best.ID] = owner
	return []wxrelay.Delivery{*best}, nil
}

func (m memDeliveries) HoldPending(_ context.Context, projectID int64, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, d := range m.deliveries {
		if d.ProjectID == projectID && d.Status == wxrelay.DeliveryPending {
			m.deliveries[id] = d.Hold(now)
			delete(m.leases, id)
			n++
		}
	}
	return n, nil
}

func (m memDeliveries) ReleaseHeld(_ context.Context, projectID int64, now time.Time) (int, error) {
	return m.replay(projectID, wxrelay.DeliveryHeld, now), nil
}

func (m memDeliveries) ExpireHeld(_ context.Context, projectID int64, before, now time.Time, reason string, limit int) ([]wxrelay.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []wxrelay.Delivery
	for id, d := range m.deliveries {
		if len(out) < limit && d.Status == wxrelay.DeliveryHeld && d.CreatedAt.Before(before) && (projectID == 0 || d.ProjectID == projectID) {
			m.deliveries[id] = d.Abandon(reason, now)
			out = append(out, m.deliveries[id])
		}
	}
	return out, nil
}

func (m memDeliveries) ReplaySince(ctx context.Context, projectID int64, since, now time.Time) (int, int, error) {
	m.mu.Lock()
	have := map[int64]bool{}
	replayed := 0
	for id, d := range m.deliveries {
		if d.ProjectID != projectID {
			continue
		}
		have[d.EventID] = true
		if e := m.events[d.EventID]; !e.ReceivedAt.Before(since) && (d.Status == wxrelay.DeliveryFailed || d.Status == wxrelay.DeliveryHeld) {
			m.deliveries[id] = d.Replay(now)
			replayed++
		}
	}
	var ds []wxrelay.Delivery
	for id, e := range m.events {
		if !have[id] && !e.ReceivedAt.Before(since) {
			ds = append(ds, wxrelay.Delivery{EventID: id, ProjectID: projectID, Status: wxrelay.DeliveryPending,
				NextAttemptAt: now, RunStartedAt: now, CreatedAt: now, UpdatedAt: now})
		}
	}
	m.mu.Unlock()
	return replayed, len(ds), m.Create(ctx, ds)
}

func (m memDeliveries) Backlog(context.Context) (map[int64]ports.Backlog, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[int64]ports.Backlog{}
	for _, d := range m.deliveries {
		if d.Status != wxrelay.DeliveryPending && d.Status != wxrelay.DeliveryHeld {
			continue
		}
		b := out[d.ProjectID]
		if d.Status == wxrelay.DeliveryHeld {
			b.Held++
		} else {
			b.Pending++
		}
		if b.Oldest.IsZero() || d.CreatedAt.Before(b.Oldest) {
			b.Oldest = d.CreatedAt
		}
		out[d.ProjectID] = b
	}
	return out, nil
}

func (m memDeliveries) ByID(_ context.Context, id int64) (wxrelay.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return portstest.Get(m.deliveries, id)
}

func (m memDeliveries) List(_ context.Context, f ports.DeliveryFilter) ([]wxrelay.Delivery, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []wxrelay.Delivery
	for _, d := range m.deliveries {
		if (f.EventID == 0 || d.EventID == f.EventID) && (f.ProjectID == 0 || d.ProjectID == f.ProjectID) && (f.Status == "" || d.Status == f.Status) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, int64(len(out)), nil
}

func (m memDeliveries) Attempts(_ context.Context, id int64) ([]wxrelay.Attempt, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []wxrelay.Attempt
	for _, a := range m.attempts {
		if a.DeliveryID == id {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m memDeliveries) Claim(_ context.Context, owner string, now, _ time.Time, limit int, skip []int64) ([]wxrelay.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	skipped := map[int64]bool{}
	for _, id := range skip {
		skipped[id] = true
	}
	var due []wxrelay.Delivery
	for _, d := range m.deliveries {
		if d.Status == wxrelay.DeliveryPending && !d.NextAttemptAt.After(now) && m.leases[d.ID] == "" && !skipped[d.ProjectID] {
			due = append(due, d)
		}
	}
	sort.Slice(due, func(i, j int) bool { // as the repositories claim: due order, then id
		if !due[i].NextAttemptAt.Equal(due[j].NextAttemptAt) {
			return due[i].NextAttemptAt.Before(due[j].NextAttemptAt)
		}
		return due[i].ID < due[j].ID
	})
	out := due[:min(limit, len(due))]
	for _, d := range out {
		m.leases[d.ID] = owner
	}
	return out, nil
}

func (m memDeliveries) Release(_ context.Context, owner string, ids []int64, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if m.leases[id] == owner {
			delete(m.leases, id)
		}
	}
	return nil
}

func (m memDeliveries) SaveAll(_ context.Context, owner string, ds []wxrelay.Delivery) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var held []int64
	for _, d := range ds {
		if m.leases[d.ID] == owner {
			m.deliveries[d.ID] = d
			delete(m.leases, d.ID)
			held = append(held, d.ID)
		}
	}
	return held, nil
}

func (m memDeliveries) Update(_ context.Context, d wxrelay.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deliveries[d.ID] = d
	delete(m.leases, d.ID)
	return nil
}

func (m memDeliveries) AddAttempts(_ context.Context, as []wxrelay.Attempt) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.attempts = append(m.attempts, as...)
	return nil
}

func (m memDeliveries) AbandonPending(_ context.Context, projectID int64, reason string, now time.Time) ([]wxrelay.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []wxrelay.Delivery
	for id, d := range m.deliveries {
		if d.ProjectID == projectID && d.Status == wxrelay.DeliveryPending {
			m.deliveries[id] = d.Abandon(reason, now)
			delete(m.leases, id)
			out = append(out, m.deliveries[id])
		}
	}
	return out, nil
}

// replay puts a project's deliveries in status back in the queue and says
// how many.
func (m memDeliveries) replay(projectID int64, status wxrelay.DeliveryStatus, now time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, d := range m.deliveries {
		if d.ProjectID == projectID && d.Status == status {
			m.deliveries[id] = d.Replay(now)
			n++
		}
	}
	return n
}

func (m memDeliveries) ReplayFailed(_ context.Context, projectID int64, now time.Time) (int, error) {
	return m.replay(projectID, wxrelay.DeliveryFailed, now), nil
}

// egress refuses URLs containing "internal".
type egress struct{}

func (egress) CheckURL(_ context.Context, u string) (string, error) {
	if strings.Contains(u, "internal") {
		return "", wxrelay.ErrEgressDenied
	}
	return u, nil
}

// cipher "decrypts" by stripping an "enc:" prefix.
type cipher struct{}

func (cipher) Decrypt(_, _, raw string) ([]byte, error) {
	if !strings.HasPrefix(raw, "enc:") {
		return nil, errors.New("not encrypted")
	}
	return []byte(strings.TrimPrefix(raw, "enc:")), nil
}

type random struct{}

func (random) Token(n int) string  { return strings.Repeat("k", n) }
func (random) Digits(n int) string { return strings.Repeat("1", n) }

func newTestService() (*Service, *memory, *portstest.Clock) {
	m := newMemory()
	c := portstest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := NewService(Deps{UoW: m, Outbox: m, Projects: memProjects{m}, Events: memEvents{m}, Deliveries: memDeliveries{m},
		Egress: egress{}, Cipher: cipher{}, Random: random{}, Clock: c},
		Config{Apps: map[string]string{"plain": "", "secret": "s"}, DedupWindow: time.Hour})
	return s, m, c
}

func (m memDeliveries) OpenAttempts(_ context.Context, as []wxrelay.Attempt) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range as {
		as[i].ID, as[i].InFlight = m.id(), true
		m.attempts = append(m.attempts, as[i])
	}
	return nil
}

func (m memDeliveries) CloseAttempts(_ context.Context, as []wxrelay.Attempt) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range as {
		for i := range m.attempts {
			if m.attempts[i].ID == a.ID {
				a.InFlight = false
				m.attempts[i] = a
			}
		}
	}
	return nil
}

func (m memDeliveries) CloseUnknown(_ context.Context, ids []int64, reason string) (map[int64]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	counts := map[int64]int{}
	for _, id := range ids {
		for i := range m.attempts {
			if a := &m.attempts[i]; a.DeliveryID == id && a.InFlight {
				a.InFlight, a.Error = false, reason
				counts[id]++
			}
		}
		if n := counts[id]; n > 0 {
			d := m.deliveries[id]
			d.Attempts += n
			d.LastError = reason
			m.deliveries[id] = d
		}
	}
	return counts, nil
}

func (m memDeliveries) Renew(context.Context, string, []int64, time.Time) error { return nil }

func (m memDeliveries) SetOrdering(context.Context, int64, bool) error { return nil }
