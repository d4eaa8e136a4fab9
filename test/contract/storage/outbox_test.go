package contract

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

func TestOutboxKeepsInsertionOrder(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		outbox := storage.NewOutbox(db)
		var want []string
		// Several units of work, several events each, appended in one call
		// and one by one.
		for unit := range 5 {
			err := db.Do(ctx, func(ctx context.Context) error {
				var batch []shared.Event
				for i := range 3 {
					name := fmt.Sprintf("u%d-e%d", unit, i)
					want = append(want, name)
					batch = append(batch, probeEvent(name))
				}
				if err := outbox.Append(ctx, batch...); err != nil {
					return err
				}
				name := fmt.Sprintf("u%d-single", unit)
				want = append(want, name)
				return outbox.Append(ctx, probeEvent(name))
			})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
		}

		var rows []storage.OutboxRow
		if err := db.NewSelect().Model(&rows).Order("id ASC").Scan(ctx); err != nil {
			t.Fatalf("select outbox: %v", err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.AggregateID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("outbox order by id = %v, want %v", got, want)
		}

		recent, err := outbox.Recent(ctx, 3)
		if err != nil {
			t.Fatalf("Recent: %v", err)
		}
		var newest []string
		for _, r := range recent {
			newest = append(newest, r.AggregateID)
		}
		if wantNewest := []string{"u4-single", "u4-e2", "u4-e1"}; !slices.Equal(newest, wantNewest) {
			t.Fatalf("Recent(3) = %v, want %v", newest, wantNewest)
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load time zone: %v", err)
	}
	// Written in another zone, with microseconds: every backend keeps the
	// instant to the microsecond and hands it back in UTC.
	at := time.Date(2024, 2, 29, 23, 59, 58, 123456000, shanghai)
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if _, err := db.NewInsert().Model(&probe{Name: "timed", At: at}).Exec(ctx); err != nil {
			t.Fatalf("insert: %v", err)
		}
		ev := shared.Event{Module: "contract", Type: "timed", AggregateID: "timed", OccurredAt: at, Payload: map[string]any{}}
		if err := storage.NewOutbox(db).Append(ctx, ev); err != nil {
			t.Fatalf("append: %v", err)
		}

		var p probe
		if err := db.NewSelect().Model(&p).Where("name = ?", "timed").Scan(ctx); err != nil {
			t.Fatalf("select probe: %v", err)
		}
		var row storage.OutboxRow
		if err := db.NewSelect().Model(&row).Limit(1).Scan(ctx); err != nil {
			t.Fatalf("select outbox: %v", err)
		}
		for name, got := range map[string]time.Time{"probe.at": p.At, "outbox.occurred_at": row.OccurredAt} {
			if !got.Equal(at) {
				t.Errorf("%s = %s, want %s", name, got, at.UTC())
			}
			if got.Location() != time.UTC {
				t.Errorf("%s is in %s, want UTC", name, got.Location())
			}
		}

		// A filter on a time column compares instants, not wall clocks.
		n, err := db.NewSelect().Model((*probe)(nil)).Where("at = ?", at).Count(ctx)
		if err != nil {
			t.Fatalf("filter by time: %v", err)
		}
		if n != 1 {
			t.Errorf("rows at %s = %d, want 1", at, n)
		}
	})
}
