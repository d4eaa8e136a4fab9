package push

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports/portstest"
)

// memory is an in-memory implementation of the push repositories.
type memory struct {
	devices    []push.Device
	pushes     map[int64]*push.Push
	deliveries []push.Delivery
	leases     map[int64]time.Time
}

func newMemory() *memory {
	return &memory{pushes: map[int64]*push.Push{}, leases: map[int64]time.Time{}}
}

func (m *memory) Create(_ context.Context, d *push.Device) error {
	d.ID = int64(len(m.devices) + 1)
	m.devices = append(m.devices, *d)
	return nil
}
func (m *memory) ByClientID(_ context.Context, id string) (push.Device, error) {
	for _, d := range m.devices {
		if d.ClientID == id {
			return d, nil
		}
	}
	return push.Device{}, shared.ErrNotFound
}
func (m *memory) Update(_ context.Context, d push.Device) error { m.devices[d.ID-1] = d; return nil }
func (m *memory) SwitchedOn(_ context.Context, ids []int64) ([]push.Device, error) {
	var out []push.Device
	for _, d := range m.devices {
		if d.Switch {
			out = append(out, d)
		}
	}
	return out, nil
}

type logs struct{ *memory }

func (l logs) Create(_ context.Context, p *push.Push) error {
	p.ID = int64(len(l.pushes) + 1)
	c := *p
	l.pushes[p.ID] = &c
	return nil
}
func (l logs) ByID(_ context.Context, id int64) (push.Push, error) {
	if p, ok := l.pushes[id]; ok {
		return *p, nil
	}
	return push.Push{}, shared.ErrNotFound
}
func (l logs) Update(_ context.Context, p push.Push) error {
	c := p
	l.pushes[p.ID] = &c
	l.leases[p.ID] = p.NextAttempt
	return nil
}
func (l logs) All(context.Context, int, int) ([]push.Push, int64, error) { return nil, 0, nil }
func (l logs) Visible(context.Context, int64, int, int) ([]push.Push, int64, error) {
	return nil, 0, nil
}
func (l logs) VisibleByID(context.Context, int64, int64) (push.Push, error) {
	return push.Push{}, shared.ErrNotFound
}
func (l logs) CountUnread(context.Context, int64, []int64) (int64, error) { return 0, nil }
func (l logs) ClearThrough(context.Context, int64, int64) error           { return nil }
func (l logs) MaxID(context.Context) (int64, error)                       { return int64(len(l.pushes)), nil }
func (l logs) Claim(_ context.Context, id int64, now, until time.Time) (bool, error) {
	p := l.pushes[id]
	if p.Status != push.Queued || l.leases[id].After(now) {
		return false, nil
	}
	l.leases[id] = until
	return true, nil
}
func (l logs) Due(_ context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	for id := int64(1); id <= int64(len(l.pushes)); id++ {
		if l.pushes[id].Status == push.Queued && !l.leases[id].After(now) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

type deliveries struct{ *memory }

func (d deliveries) Create(_ context.Context, ds []push.Delivery) error {
	for _, x := range ds {
		x.ID = int64(len(d.deliveries) + 1)
		d.deliveries = append(d.deliveries, x)
	}
	return nil
}
func (d deliveries) Queued(_ context.Context, pushID int64) ([]push.Delivery, error) {
	var out []push.Delivery
	for _, x := range d.deliveries {
		if x.PushID == pushID && x.Status == push.Queued {
			out = append(out, x)
		}
	}
	return out, nil
}
func (d deliveries) ForPush(context.Context, int64, int, int) ([]push.Delivery, int64, error) {
	return nil, 0, nil
}
func (d deliveries) Update(_ context.Context, ds []push.Delivery) error {
	for _, x := range ds {
		d.deliveries[x.ID-1] = x
	}
	return nil
}

// provider fails the test when called inside a transaction.
type provider struct {
	t     *testing.T
	calls int
	fail  error
}

func (p *provider) Send(ctx context.Context, msgs []push.Message) ([]push.Result, error) {
	p.calls++
	if portstest.InTx(ctx) {
		p.t.Error("the provider was called inside a transaction")
	}
	if p.fail != nil {
		return nil, p.fail
	}
	out := make([]push.Result, len(msgs))
	for i := range out {
		out[i] = push.Result{Accepted: true}
	}
	return out, nil
}

func setup(t *testing.T, fail error) (*Service, *memory, *provider, *portstest.Outbox, *portstest.Clock, context.Context) {
	mem, prov, out := newMemory(), &provider{t: t, fail: fail}, &portstest.Outbox{}
	clk := portstest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := NewService(Deps{UoW: portstest.UnitOfWork{}, Outbox: out, Devices: mem, Logs: logs{mem}, Deliveries: deliveries{mem},
		Provider: prov, Clock: clk})
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{AccountID: 1, Role: account.RoleManager})
	mem.devices = []push.Device{
		{ID: 1, UserID: 5, ClientID: "a", Switch: true},
		{ID: 2, UserID: 6, ClientID: "b", Switch: false},
	}
	return s, mem, prov, out, clk, ctx
}

func TestDispatchSendsAfterCommit(t *testing.T) {
	s, mem, prov, out, _, ctx := setup(t, nil)
	p, err := s.Send(ctx, push.Draft{Title: "t", Body: "b", Scope: push.Everyone})
	if err != nil {
		t.Fatal(err)
	}
	if prov.calls != 0 || p.Targets != 1 {
		t.Fatalf("Send called the provider %d times; targets %d", prov.calls, p.Targets)
	}
	if _, err := s.DispatchDue(ctx); err != nil {
		t.Fatal(err)
	}
	got := mem.pushes[p.ID]
	if prov.calls != 1 || got.Status != push.Sent || got.SentCount != 1 || mem.deliveries[0].Status != push.Sent {
		t.Fatalf("after dispatch: calls %d, push %+v, delivery %+v", prov.calls, got, mem.deliveries[0])
	}
	if n, _ := s.DispatchDue(ctx); n != 0 || prov.calls != 1 {
		t.Fatalf("a sent push was dispatched again (%d due, %d calls)", n, prov.calls)
	}
	if events := out.Events(); len(events) != 2 || events[0].Type != "push_sent" || events[1].Type != "push_dispatched" {
		t.Fatalf("events = %+v", events)
	}
}

func TestDispatchRetriesThenFails(t *testing.T) {
	s, mem, prov, out, clk, ctx := setup(t, errors.New("HTTP 502"))
	p, _ := s.Send(ctx, push.Draft{Title: "t", Body: "b", Scope: push.Everyone})
	for attempt := 1; attempt <= push.MaxAttempts; attempt++ {
		if _, err := s.DispatchDue(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.DispatchDue(ctx); n != 0 && attempt < push.MaxAttempts {
			t.Fatalf("attempt %d: the push is due again before its pause", attempt)
		}
		clk.Advance(time.Hour)
	}
	got := mem.pushes[p.ID]
	if prov.calls != push.MaxAttempts || got.Status != push.Failed || got.LastError == "" {
		t.Fatalf("after %d calls: %+v", prov.calls, got)
	}
	events := out.Events()
	if last := events[len(events)-1]; last.Type != "push_dispatched" || last.Payload["push_status"] != int(push.Failed) {
		t.Fatalf("last event = %+v", last)
	}
}
