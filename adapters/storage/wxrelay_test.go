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
)

func TestWXProjectsRepository(t *testing.T) {
	onAccountBackends(t, func(t *testing.T, ctx context.Context, db *storage.DB) {
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
		if err := repo.SetHealth(ctx, p.ID, 7, wxrelay.StatusInactive); err != nil {
			t.Fatal(err)
		}
		got, err := repo.ByID(ctx, p.ID)
		if err != nil || got.Failures != 7 || got.Status != wxrelay.StatusInactive || got.Secret != "whsec_x" || !got.CreatedAt.Equal(at) {
			t.Fatalf("ByID = %+v, %v", got, err)
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
	onAccountBackends(t, func(t *testing.T, ctx context.Context, db *storage.DB) {
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
	onAccountBackends(t, func(t *testing.T, ctx context.Context, db *storage.DB) {
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
	onAccountBackends(t, func(t *testing.T, ctx context.Context, db *storage.DB) {
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

func TestWXDeliveriesCreateForActive(t *testing.T) {
	onAccountBackends(t, func(t *testing.T, ctx context.Context, db *storage.DB) {
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
		n, err := repo.CreateForActive(ctx, []int64{es[0].ID, es[1].ID}, at)
		if err != nil || n != 4 {
			t.Fatalf("CreateForActive = %d, %v; want 4 (2 events × 2 valid projects)", n, err)
		}
		for _, e := range es {
			ds, total, err := repo.List(ctx, ports.DeliveryFilter{EventID: e.ID, Limit: 10})
			if err != nil || total != 2 {
				t.Fatalf("event %d: %d deliveries, %v", e.ID, total, err)
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
