package contract

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

func registeredIDs() []string {
	var ids []string
	for _, m := range storage.Migrations() {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestMigrateAppliesEachMigrationOnce(t *testing.T) {
	testenv.EachEmptyBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		first, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("first migrate: %v", err)
		}
		if want := registeredIDs(); !slices.Equal(first, want) {
			t.Fatalf("first migrate applied %v, want %v", first, want)
		}
		for _, name := range []string{"second", "third"} {
			again, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("%s migrate: %v", name, err)
			}
			if len(again) != 0 {
				t.Fatalf("%s migrate applied %v, want nothing", name, again)
			}
		}
		if err := insertProbe(ctx, db, "after-migrate"); err != nil {
			t.Fatalf("migrated table is not usable: %v", err)
		}
	})
}

func TestMigrateConcurrentReplicas(t *testing.T) {
	testenv.EachEmptyBackend(t, func(t *testing.T, db *storage.DB) {
		// A second pool stands in for a second replica starting at the same time.
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			applied []string
			errs    []error
		)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids, err := db.Migrate(context.Background())
				mu.Lock()
				defer mu.Unlock()
				applied = append(applied, ids...)
				if err != nil {
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("concurrent migrate failed: %v", errs)
		}
		slices.Sort(applied)
		if want := registeredIDs(); !slices.Equal(applied, want) {
			t.Fatalf("replicas applied %v together, want each of %v exactly once", applied, want)
		}
	})
}
