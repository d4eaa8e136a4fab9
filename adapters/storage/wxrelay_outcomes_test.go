package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/test/testenv"
)

// TestWXOutcomesRoundTrip: a claim with nothing due finds nothing; outcomes written in one batch come back as
// written — text with quotes, braces, commas, backslashes and line breaks,
// an unset completion time as none — and only the deliveries whose lease
// the writer holds are written.
func TestWXOutcomesRoundTrip(t *testing.T) {
	awkward := []string{`HTTP 500: {"error": "a, \"b\"", "path": "C:\\tmp"}`, "line one\nline two\ttab", "NULL", "", `{}`, "微校 ünïcode"}
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewWXDeliveries(db)
		if none, err := repo.Claim(ctx, "w", at, at.Add(time.Minute), 10, nil); err != nil || len(none) != 0 {
			t.Fatalf("Claim with nothing due = %+v, %v; want none and no error", none, err)
		}
		var ds []wxrelay.Delivery
		for i := range len(awkward) + 1 {
			ds = append(ds, wxrelay.Delivery{EventID: int64(i + 1), ProjectID: 1, Status: wxrelay.DeliveryPending,
				NextAttemptAt: at, RunStartedAt: at, CreatedAt: at, UpdatedAt: at})
		}
		if err := repo.Create(ctx, ds); err != nil {
			t.Fatal(err)
		}
		claimed, err := repo.Claim(ctx, "w", at, at.Add(time.Minute), len(ds), nil)
		if err != nil || len(claimed) != len(ds) {
			t.Fatalf("Claim = %d, %v; want %d", len(claimed), err, len(ds))
		}
		other := claimed[len(awkward)]
		if err := repo.Release(ctx, "w", []int64{other.ID}, at); err != nil {
			t.Fatal(err)
		}
		as := make([]wxrelay.Attempt, len(awkward))
		for i, d := range claimed[:len(awkward)] {
			as[i] = wxrelay.Attempt{DeliveryID: d.ID, ProjectID: 1, At: at}
		}
		if err := repo.OpenAttempts(ctx, as); err != nil {
			t.Fatal(err)
		}
		later := at.Add(1500 * time.Microsecond)
		var save []wxrelay.Delivery
		for i, text := range awkward {
			as[i].At, as[i].StatusCode, as[i].Latency, as[i].Error, as[i].Response = later, 500+i, time.Duration(i)*time.Millisecond, text, text
			d := claimed[i]
			d.Attempts, d.LastError, d.UpdatedAt, d.NextAttemptAt = 1, text, later, later.Add(time.Minute)
			if i%2 == 0 {
				d.Status, d.CompletedAt = wxrelay.DeliveryFailed, later
			}
			save = append(save, d)
		}
		if err := repo.CloseAttempts(ctx, as); err != nil {
			t.Fatal(err)
		}
		held, err := repo.SaveAll(ctx, "w", append(save, other))
		if err != nil || len(held) != len(awkward) {
			t.Fatalf("SaveAll = %v, %v; want the %d deliveries still leased", held, err, len(awkward))
		}
		for i, text := range awkward {
			got, err := repo.Attempts(ctx, claimed[i].ID)
			if err != nil || len(got) != 1 || got[0].InFlight || got[0].Error != text || got[0].Response != text ||
				got[0].StatusCode != 500+i || got[0].Latency != time.Duration(i)*time.Millisecond || !got[0].At.Equal(later) {
				t.Fatalf("attempt %d = %+v, %v; want error and response %q", i, got, err, text)
			}
			d, err := repo.ByID(ctx, claimed[i].ID)
			if err != nil || d.LastError != text || d.Attempts != 1 || !d.UpdatedAt.Equal(later) || !d.NextAttemptAt.Equal(later.Add(time.Minute)) {
				t.Fatalf("delivery %d = %+v, %v; want last error %q", i, d, err, text)
			}
			if want := save[i]; d.Status != want.Status || !d.CompletedAt.Equal(want.CompletedAt) {
				t.Fatalf("delivery %d status %s completed %v; want %s, %v", i, d.Status, d.CompletedAt, want.Status, want.CompletedAt)
			}
		}
		if d, _ := repo.ByID(ctx, other.ID); d.Status != wxrelay.DeliveryPending || d.Attempts != 0 {
			t.Fatalf("released delivery written anyway: %+v", d)
		}
		again, err := repo.Claim(ctx, "x", later.Add(time.Minute), later.Add(2*time.Minute), len(ds), nil)
		if err != nil || len(again) != 1+len(awkward)/2 {
			t.Fatalf("Claim after save = %d, %v; want the released delivery and the %d retries, their leases freed", len(again), err, len(awkward)/2)
		}
	})
}
