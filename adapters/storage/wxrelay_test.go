package storage_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
	"github.com/campushub/campushub/test/testenv"
)

func TestWXProjectsRepository(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewWXProjects(db)
		p := wxrelay.Project{URL: "https://a.example.org/hook", Name: "alpha", Secret: "whsec_x", CreatedAt: at, UpdatedAt: at}
		if err := repo.Create(ctx, &p); err != nil || p.ID == 0 {
			t.Fatalf("Create: %v (id %d)", err, p.ID)
		}
		dup := p
		if err := repo.Create(ctx, &dup); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("same url and name: %v", err)
		}
		other := wxrelay.Project{URL: p.URL, Name: "beta", Secret: "whsec_y", Status: wxrelay.StatusInactive, CreatedAt: at, UpdatedAt: at}
		if err := repo.Create(ctx, &other); err != nil {
			t.Fatalf("same url, other name: %v", err)
		}
		if ids, err := repo.ActiveIDs(ctx); err != nil || !slices.Equal(ids, []int64{p.ID}) {
			t.Fatalf("ActiveIDs = %v, %v", ids, err)
		}
		sick := p
		sick.Health = wxrelay.Health{Failures: 7, FailingSince: at, PausedAt: at.Add(time.Second), NextProbeAt: at.Add(3 * time.Second), ProbeInterval: 2 * time.Second}
		if err := repo.SetHealth(ctx, sick); err != nil {
			t.Fatal(err)
		}
		got, err := repo.ByID(ctx, p.ID)
		if err != nil || got.Health != sick.Health || got.Status != wxrelay.StatusActive || got.Secret != "whsec_x" || !got.CreatedAt.Equal(at) {
			t.Fatalf("ByID = %+v, %v; want health %+v", got, err, sick.Health)
		}
		if paused, err := repo.Paused(ctx); err != nil || len(paused) != 1 || paused[0].ID != p.ID {
			t.Fatalf("Paused = %+v, %v", paused, err)
		}
		// A manager's update leaves the health alone.
		renamed := got
		renamed.Name, renamed.Health = "alpha2", wxrelay.Health{}
		if err := repo.Update(ctx, renamed); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.ByID(ctx, p.ID); got.Name != "alpha2" || got.Health != sick.Health {
			t.Fatalf("after Update: %+v", got)
		}
		// Of two callers racing for a due probe, one wins; an early one loses.
		if won, err := repo.TakeProbe(ctx, p.ID, at.Add(2*time.Second), at.Add(time.Hour)); err != nil || won {
			t.Fatalf("TakeProbe before it is due = %v, %v", won, err)
		}
		var wins int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				won, err := repo.TakeProbe(ctx, p.ID, at.Add(3*time.Second), at.Add(time.Hour))
				if err != nil {
					t.Error(err)
				}
				if won {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d racing callers won the probe, want 1", wins)
		}
		if err := repo.Delete(ctx, 999); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("Delete unknown: %v", err)
		}
		if _, err := repo.ByID(ctx, 999); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("ByID unknown: %v", err)
		}
	})
}

func TestWXEventsDeduplicate(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewWXEvents(db)
		steps := []struct {
			name  string
			now   time.Time
			fresh bool
		}{
			{"first", at, true},
			{"within the window", at.Add(time.Minute), false},
			{"after the window", at.Add(2 * time.Hour), true},
		}
		for _, s := range steps {
			fresh, err := repo.ClaimAll(ctx, []string{"hash", "hash", "other-" + s.name}, s.now, s.now.Add(-time.Hour))
			if err != nil || !slices.Equal(fresh, []bool{s.fresh, false, true}) {
				t.Fatalf("%s: ClaimAll = %v, %v; want [%v false true]", s.name, fresh, err, s.fresh)
			}
		}
	})
}

// TestWXDeliveriesClaim checks leases: concurrent claimers never get the
// same row, outcomes are written only by the lease holder, and replays
// restart failed rows.
func TestWXEventsCreateAll(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewWXEvents(db)
		es := []wxrelay.Event{{AppKey: "a", Name: "addUser", RawData: "1", BodyHash: "h1", ReceivedAt: at},
			{AppKey: "a", Name: "addOrg", RawData: "2", Data: `{"x":1}`, BodyHash: "h2", ReceivedAt: at}}
		if err := repo.CreateAll(ctx, es); err != nil {
			t.Fatal(err)
		}
		if es[0].ID == 0 || es[1].ID == 0 || es[0].ID == es[1].ID {
			t.Fatalf("ids %d and %d", es[0].ID, es[1].ID)
		}
		got, err := repo.ByIDs(ctx, []int64{es[1].ID})
		if err != nil || len(got) != 1 || got[0].Name != "addOrg" || got[0].Data != `{"x":1}` || !got[0].ReceivedAt.Equal(at) {
			t.Fatalf("ByIDs = %+v, %v", got, err)
		}
	})
}

func TestWXDeliveriesClaim(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewWXDeliveries(db)
		var ds []wxrelay.Delivery
		for i := 1; i <= 40; i++ {
			ds = append(ds, wxrelay.Delivery{EventID: int64(i), ProjectID: int64(i%2 + 1), Status: wxrelay.DeliveryPending,
				NextAttemptAt: at, RunStartedAt: at, CreatedAt: at, UpdatedAt: at})
		}
		if err := repo.Create(ctx, ds); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for _, owner := range []string{"a", "b", "c", "d"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := repo.Claim(ctx, owner, at.Add(time.Second), at.Add(time.Minute), 3, nil)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						if prev, dup := seen[d.ID]; dup {
							t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, owner)
						}
						seen[d.ID] = owner
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Fatalf("claimed %d of 40", len(seen))
		}

		first, _ := repo.ByID(ctx, 1)
		owner := seen[1]
		failed := first.Abandon("HTTP 500", at.Add(2*time.Second))
		if held, err := repo.SaveAll(ctx, "someone-else", []wxrelay.Delivery{failed}); err != nil || len(held) != 0 {
			t.Fatalf("SaveAll without the lease = %v, %v", held, err)
		}
		done := first
		done.Status, done.Attempts, done.CompletedAt = wxrelay.DeliverySucceeded, 1, at.Add(2*time.Second)
		second, _ := repo.ByID(ctx, 2)
		second = second.Abandon("HTTP 500", at.Add(2*time.Second))
		batch := []wxrelay.Delivery{}
		if seen[2] == owner {
			batch = append(batch, done, second)
		} else {
			batch = append(batch, done)
		}
		held, err := repo.SaveAll(ctx, owner, batch)
		if err != nil || len(held) != len(batch) {
			t.Fatalf("SaveAll = %v, %v", held, err)
		}
		if got, _ := repo.ByID(ctx, 1); got.Status != wxrelay.DeliverySucceeded || got.Attempts != 1 || !got.CompletedAt.Equal(at.Add(2*time.Second)) {
			t.Fatalf("saved delivery = %+v", got)
		}
		if err := repo.AddAttempts(ctx, []wxrelay.Attempt{{DeliveryID: 1, ProjectID: 2, At: at, StatusCode: 200, Latency: 15 * time.Millisecond, Response: "ok"}}); err != nil {
			t.Fatal(err)
		}
		if as, err := repo.Attempts(ctx, 1); err != nil || len(as) != 1 || as[0].Latency != 15*time.Millisecond || as[0].Response != "ok" {
			t.Fatalf("Attempts = %+v, %v", as, err)
		}

		pendingBefore, _, err := repo.List(ctx, ports.DeliveryFilter{ProjectID: 1, Status: wxrelay.DeliveryPending, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		abandoned, err := repo.AbandonPending(ctx, 1, "project was deleted", at)
		if err != nil || len(abandoned) != len(pendingBefore) || len(abandoned) == 0 {
			t.Fatalf("AbandonPending = %d deliveries, %v; want the %d pending", len(abandoned), err, len(pendingBefore))
		}
		for _, d := range abandoned {
			if d.Status != wxrelay.DeliveryFailed || d.LastError != "project was deleted" || d.ProjectID != 1 {
				t.Fatalf("abandoned %+v", d)
			}
		}
		if held, err := repo.SaveAll(ctx, seen[abandoned[0].ID], []wxrelay.Delivery{abandoned[0].Abandon("HTTP 500", at)}); err != nil || len(held) != 0 {
			t.Fatalf("SaveAll after abandonment = %v, %v; the lease should be gone", held, err)
		}
		n, err := repo.ReplayFailed(ctx, 1, at.Add(time.Hour))
		if err != nil || n == 0 {
			t.Fatalf("ReplayFailed = %d, %v", n, err)
		}
		list, total, err := repo.List(ctx, ports.DeliveryFilter{ProjectID: 1, Status: wxrelay.DeliveryPending, Limit: 5})
		if err != nil || int(total) != n || len(list) != min(5, n) {
			t.Fatalf("List = %d rows of %d, %v; want %d", len(list), total, err, n)
		}
		again, err := repo.Claim(ctx, "e", at.Add(time.Hour), at.Add(2*time.Hour), 100, []int64{2})
		if err != nil || len(again) != n {
			t.Fatalf("claim after replay = %d rows, %v; want %d", len(again), err, n)
		}
	})
}

func TestWXDeliveriesCreateForProjects(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		projects, events, repo := storage.NewWXProjects(db), storage.NewWXEvents(db), storage.NewWXDeliveries(db)
		var active []int64
		for i, st := range []wxrelay.Status{wxrelay.StatusActive, wxrelay.StatusInactive, wxrelay.StatusActive} {
			p := wxrelay.Project{URL: "https://x.example.org", Name: string(rune('a' + i)), Secret: "whsec_x", Status: st, CreatedAt: at, UpdatedAt: at}
			if err := projects.Create(ctx, &p); err != nil {
				t.Fatal(err)
			}
			if st == wxrelay.StatusActive {
				active = append(active, p.ID)
			}
		}
		es := []wxrelay.Event{{AppKey: "a", Name: "addUser", BodyHash: "h1", ReceivedAt: at}, {AppKey: "a", Name: "addOrg", BodyHash: "h2", ReceivedAt: at}}
		if err := events.CreateAll(ctx, es); err != nil {
			t.Fatal(err)
		}
		n, err := repo.CreateForProjects(ctx, []int64{es[0].ID, es[1].ID}, at)
		if err != nil || n != 6 {
			t.Fatalf("CreateForProjects = %d, %v; want 6 (2 events × 3 projects)", n, err)
		}
		for _, e := range es {
			ds, total, err := repo.List(ctx, ports.DeliveryFilter{EventID: e.ID, Status: wxrelay.DeliveryPending, Limit: 10})
			if err != nil || total != 2 {
				t.Fatalf("event %d: %d pending deliveries, %v", e.ID, total, err)
			}
			if _, held, err := repo.List(ctx, ports.DeliveryFilter{EventID: e.ID, Status: wxrelay.DeliveryHeld, Limit: 10}); err != nil || held != 1 {
				t.Fatalf("event %d: %d held deliveries, %v; want 1 for the invalid project", e.ID, held, err)
			}
			for _, d := range ds {
				if !slices.Contains(active, d.ProjectID) || d.Status != wxrelay.DeliveryPending || d.Attempts != 0 ||
					!d.NextAttemptAt.Equal(at) || !d.RunStartedAt.Equal(at) || !d.CreatedAt.Equal(at) || !d.CompletedAt.IsZero() {
					t.Fatalf("created %+v", d)
				}
			}
		}
		got, err := repo.Claim(ctx, "o", at, at.Add(time.Minute), 10, nil)
		if err != nil || len(got) != 4 {
			t.Fatalf("Claim of the created deliveries = %d, %v", len(got), err)
		}
		for i, d := range got {
			due := d.NextAttemptAt.Equal(at) || d.NextAttemptAt.Equal(at.Add(time.Minute)) // or moved to the lease's end
			if d.Status != wxrelay.DeliveryPending || !due || !d.RunStartedAt.Equal(at) || !d.CreatedAt.Equal(at) ||
				!d.UpdatedAt.Equal(at) || d.EventID == 0 || !slices.Contains(active, d.ProjectID) || (i > 0 && d.ID <= got[i-1].ID) {
				t.Fatalf("claimed %+v", d)
			}
		}
		if again, err := repo.Claim(ctx, "p", at.Add(time.Second), at.Add(time.Minute), 10, nil); err != nil || len(again) != 0 {
			t.Fatalf("claim of leased deliveries = %d, %v; want none", len(again), err)
		}
		if err := repo.Release(ctx, "o", []int64{got[0].ID}, at.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		released, err := repo.Claim(ctx, "p", at.Add(2*time.Second), at.Add(time.Minute), 10, nil)
		if err != nil || len(released) != 1 || released[0].ID != got[0].ID {
			t.Fatalf("claim after release = %+v, %v; want delivery %d", released, err, got[0].ID)
		}
		expired, err := repo.Claim(ctx, "q", at.Add(2*time.Minute), at.Add(3*time.Minute), 10, nil)
		if err != nil || len(expired) != 4 {
			t.Fatalf("claim after the leases ran out = %d, %v; want 4", len(expired), err)
		}
	})
}

// TestWXDeliveriesHoldReleaseExpire: pending deliveries of a disabled
// project are held (leases cleared), released in id order with a fresh
// run, or failed once older than the retention; the backlog counts them;
// ReplaySince restarts failed ones and creates the missing ones.
func TestWXDeliveriesHoldReleaseExpire(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		projects, events, repo := storage.NewWXProjects(db), storage.NewWXEvents(db), storage.NewWXDeliveries(db)
		p := wxrelay.Project{URL: "https://h.example.org", Name: "h", Secret: "whsec_x", CreatedAt: at, UpdatedAt: at}
		if err := projects.Create(ctx, &p); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i, when := range []time.Time{at, at.Add(time.Hour), at.Add(2 * time.Hour)} {
			es := []wxrelay.Event{{AppKey: "a", Name: "addUser", BodyHash: "hold" + string(rune('a'+i)), ReceivedAt: when}}
			if err := events.CreateAll(ctx, es); err != nil {
				t.Fatal(err)
			}
			if _, err := repo.CreateForProjects(ctx, []int64{es[0].ID}, when); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, es[0].ID)
		}
		if _, err := repo.Claim(ctx, "o", at.Add(3*time.Hour), at.Add(4*time.Hour), 1, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := repo.HoldPending(ctx, p.ID, at.Add(3*time.Hour)); err != nil || n != 3 {
			t.Fatalf("HoldPending = %d, %v; want 3", n, err)
		}
		backlog, err := repo.Backlog(ctx)
		if b := backlog[p.ID]; err != nil || b.Held != 3 || b.Pending != 0 || !b.Oldest.Equal(at) {
			t.Fatalf("Backlog = %+v, %v", backlog, err)
		}
		expired, err := repo.ExpireHeld(ctx, 0, at.Add(90*time.Minute), at.Add(3*time.Hour), "too old", 10)
		if err != nil || len(expired) != 2 || expired[0].Status != wxrelay.DeliveryFailed || expired[0].LastError != "too old" {
			t.Fatalf("ExpireHeld = %+v, %v; want the two older ones failed", expired, err)
		}
		if n, err := repo.ReleaseHeld(ctx, p.ID, at.Add(4*time.Hour)); err != nil || n != 1 {
			t.Fatalf("ReleaseHeld = %d, %v; want 1", n, err)
		}
		got, err := repo.Claim(ctx, "p", at.Add(4*time.Hour), at.Add(5*time.Hour), 10, nil)
		if err != nil || len(got) != 1 || got[0].EventID != ids[2] || !got[0].RunStartedAt.Equal(at.Add(4*time.Hour)) || got[0].Attempts != 0 {
			t.Fatalf("claim after release = %+v, %v", got, err)
		}
		late := wxrelay.Project{URL: "https://late.example.org", Name: "late", Secret: "whsec_x", CreatedAt: at, UpdatedAt: at}
		if err := projects.Create(ctx, &late); err != nil {
			t.Fatal(err)
		}
		replayed, created, err := repo.ReplaySince(ctx, late.ID, at.Add(time.Hour), at.Add(5*time.Hour))
		if err != nil || replayed != 0 || created != 2 {
			t.Fatalf("ReplaySince for a new project = %d, %d, %v; want 2 created", replayed, created, err)
		}
		replayed, created, err = repo.ReplaySince(ctx, p.ID, at.Add(time.Hour), at.Add(5*time.Hour))
		if err != nil || replayed != 1 || created != 0 {
			t.Fatalf("ReplaySince = %d, %d, %v; want the failed delivery of the second event restarted", replayed, created, err)
		}
		if _, total, _ := repo.List(ctx, ports.DeliveryFilter{ProjectID: late.ID, Status: wxrelay.DeliveryPending, Limit: 10}); total != 2 {
			t.Fatalf("%d pending deliveries for the late project, want 2", total)
		}
	})
}

// TestWXAttemptsOpenCloseUnknown: attempts are recorded before their
// requests leave, closed with their outcome, and those a stopped process
// left open are closed as outcome unknown and counted.
func TestWXAttemptsOpenCloseUnknown(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		projects, events, repo := storage.NewWXProjects(db), storage.NewWXEvents(db), storage.NewWXDeliveries(db)
		p := wxrelay.Project{URL: "https://o.example.org", Name: "o", Secret: "whsec_x", CreatedAt: at, UpdatedAt: at}
		if err := projects.Create(ctx, &p); err != nil {
			t.Fatal(err)
		}
		es := []wxrelay.Event{{AppKey: "a", Name: "e", BodyHash: "open1", ReceivedAt: at}, {AppKey: "a", Name: "e", BodyHash: "open2", ReceivedAt: at}}
		if err := events.CreateAll(ctx, es); err != nil {
			t.Fatal(err)
		}
		if _, err := repo.CreateForProjects(ctx, []int64{es[0].ID, es[1].ID}, at); err != nil {
			t.Fatal(err)
		}
		ds, err := repo.Claim(ctx, "o", at, at.Add(time.Second), 10, nil)
		if err != nil || len(ds) != 2 {
			t.Fatalf("Claim = %d, %v", len(ds), err)
		}
		as := []wxrelay.Attempt{{DeliveryID: ds[0].ID, ProjectID: p.ID, At: at}, {DeliveryID: ds[1].ID, ProjectID: p.ID, At: at}}
		if err := repo.OpenAttempts(ctx, as); err != nil || as[0].ID == 0 || as[1].ID == 0 || as[0].ID == as[1].ID {
			t.Fatalf("OpenAttempts = %+v, %v", as, err)
		}
		if got, _ := repo.Attempts(ctx, ds[0].ID); len(got) != 1 || !got[0].InFlight {
			t.Fatalf("open attempt listed as %+v, want one in flight", got)
		}
		done := as[0]
		done.StatusCode, done.Latency, done.Response = 204, 12*time.Millisecond, "ok"
		if err := repo.CloseAttempts(ctx, []wxrelay.Attempt{done}); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.Attempts(ctx, ds[0].ID); len(got) != 1 || got[0].InFlight || got[0].StatusCode != 204 || got[0].Response != "ok" {
			t.Fatalf("closed attempt %+v", got)
		}
		// The lease is renewed, then runs out; the next claimer closes the
		// attempt left open as unknown and counts it.
		if err := repo.Renew(ctx, "o", []int64{ds[1].ID}, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if again, _ := repo.Claim(ctx, "p", at.Add(30*time.Second), at.Add(time.Minute), 10, nil); len(again) != 1 || again[0].ID != ds[0].ID {
			t.Fatalf("claimed %+v; want only delivery %d, whose lease was not renewed", again, ds[0].ID)
		}
		counts, err := repo.CloseUnknown(ctx, []int64{ds[0].ID, ds[1].ID}, wxrelay.OutcomeUnknown)
		if err != nil || len(counts) != 1 || counts[ds[1].ID] != 1 {
			t.Fatalf("CloseUnknown = %v, %v; want one for delivery %d", counts, err, ds[1].ID)
		}
		got, _ := repo.Attempts(ctx, ds[1].ID)
		d, _ := repo.ByID(ctx, ds[1].ID)
		if len(got) != 1 || got[0].InFlight || got[0].Error != wxrelay.OutcomeUnknown || d.Attempts != 1 || d.LastError != wxrelay.OutcomeUnknown {
			t.Fatalf("after CloseUnknown: attempts %+v, delivery %+v", got, d)
		}
		if counts, err := repo.CloseUnknown(ctx, []int64{ds[1].ID}, wxrelay.OutcomeUnknown); err != nil || len(counts) != 0 {
			t.Fatalf("CloseUnknown twice = %v, %v", counts, err)
		}
	})
}

// TestWXDeliveriesHeadOfKey: for an ordered project only the oldest
// pending delivery of each key is claimable, by claims and probes alike;
// unordered projects are not affected; SetOrdering applies a change of
// mind to what is pending.
func TestWXDeliveriesHeadOfKey(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		projects, events, repo := storage.NewWXProjects(db), storage.NewWXEvents(db), storage.NewWXDeliveries(db)
		ordered := wxrelay.Project{URL: "https://k.example.org", Name: "ordered", Secret: "whsec_x", Ordered: true, CreatedAt: at, UpdatedAt: at}
		plain := wxrelay.Project{URL: "https://k.example.org", Name: "plain", Secret: "whsec_x", CreatedAt: at, UpdatedAt: at}
		for _, p := range []*wxrelay.Project{&ordered, &plain} {
			if err := projects.Create(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		es := []wxrelay.Event{
			{AppKey: "a", Name: "addUser", BodyHash: "k1", ReceivedAt: at, OrderKey: "school:1/person:a"},
			{AppKey: "a", Name: "updateUser", BodyHash: "k2", ReceivedAt: at, OrderKey: "school:1/person:a"},
			{AppKey: "a", Name: "addUser", BodyHash: "k3", ReceivedAt: at, OrderKey: "school:1/person:b"},
		}
		if err := events.CreateAll(ctx, es); err != nil {
			t.Fatal(err)
		}
		if _, err := repo.CreateForProjects(ctx, []int64{es[0].ID, es[1].ID, es[2].ID}, at); err != nil {
			t.Fatal(err)
		}
		got, err := repo.Claim(ctx, "o", at, at.Add(time.Minute), 10, []int64{plain.ID})
		if err != nil || len(got) != 2 || got[0].EventID != es[0].ID || got[1].EventID != es[2].ID || got[0].OrderKey != es[0].OrderKey {
			t.Fatalf("claim of the ordered project = %+v, %v; want the heads of keys a and b", got, err)
		}
		if all, _ := repo.Claim(ctx, "o", at, at.Add(time.Minute), 10, []int64{ordered.ID}); len(all) != 3 || all[0].OrderKey != "" {
			t.Fatalf("claim of the unordered project = %+v; want all three, unkeyed", all)
		}
		if probe, _ := repo.ClaimProbe(ctx, "p", ordered.ID, at.Add(2*time.Minute), at.Add(3*time.Minute), false); len(probe) != 1 || probe[0].EventID != es[0].ID {
			t.Fatalf("probe = %+v; want the head of key a, not its second delivery", probe)
		}
		done := got[0].Record(wxrelay.Attempt{At: at, StatusCode: 200}, wxrelay.RetryPolicy{MaxAttempts: 3}, 0)
		if err := repo.Update(ctx, done); err != nil {
			t.Fatal(err)
		}
		if next, _ := repo.Claim(ctx, "q", at.Add(4*time.Minute), at.Add(5*time.Minute), 10, []int64{plain.ID}); len(next) != 2 || next[0].EventID != es[1].ID {
			t.Fatalf("after the head succeeded: %+v; want key a's second delivery (and b's head again)", next)
		}
		if err := repo.SetOrdering(ctx, ordered.ID, false); err != nil {
			t.Fatal(err)
		}
		if ds, _, _ := repo.List(ctx, ports.DeliveryFilter{ProjectID: ordered.ID, Status: wxrelay.DeliveryPending, Limit: 10}); len(ds) != 2 || ds[0].OrderKey != "" {
			t.Fatalf("after SetOrdering(false): %+v", ds)
		}
		if err := repo.SetOrdering(ctx, ordered.ID, true); err != nil {
			t.Fatal(err)
		}
		if ds, _, _ := repo.List(ctx, ports.DeliveryFilter{ProjectID: ordered.ID, Status: wxrelay.DeliveryPending, Limit: 10}); len(ds) != 2 || ds[0].OrderKey == "" {
			t.Fatalf("after SetOrdering(true): %+v", ds)
		}
	})
}
