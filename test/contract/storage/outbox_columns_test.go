package contract

import (
	"context"
	"testing"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/test/testenv"
)

// TestMigrateDropsTheOutboxRowLeases checks that the per-row lease columns
// the first migration created are gone once every migration ran, that
// dropping them again is harmless, and that the outbox still takes rows.
func TestMigrateDropsTheOutboxRowLeases(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		for _, column := range []string{"lease_owner", "lease_until"} {
			has, err := storage.ColumnExists(ctx, db.DB, db.Dialect, "outbox", column)
			if err != nil {
				t.Fatal(err)
			}
			if has {
				t.Errorf("outbox.%s is still there after the migrations", column)
			}
			if err := storage.DropColumn(ctx, db.DB, db.Dialect, "outbox", column); err != nil {
				t.Errorf("dropping outbox.%s again: %v", column, err)
			}
		}
		for _, column := range []string{"id", "topic", "payload", "published_at"} {
			if has, err := storage.ColumnExists(ctx, db.DB, db.Dialect, "outbox", column); err != nil || !has {
				t.Errorf("outbox.%s: present %v, err %v; want it kept", column, has, err)
			}
		}
		if _, err := db.NewInsert().Model(&storage.OutboxRow{Topic: "campushub.probe.v1", Type: "campushub.probe.created",
			AggregateID: "1", Payload: "{}"}).Exec(ctx); err != nil {
			t.Fatalf("insert an outbox row: %v", err)
		}
	})
}
