package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/shared"
)

// The dispatcher's outbox rows must be the ones Outbox.Append writes.
func TestWXDeliveriesAppendEventsMatchesOutbox(t *testing.T) {
	cases := []struct {
		name  string
		event shared.Event
	}{
		{"delivery succeeded", shared.NewEvent("wxrelay", "delivery_succeeded", "7", at,
			map[string]any{"delivery_id": 41, "project_id": 7, "attempts": 1})},
		{"text to escape", shared.NewEvent("wxrelay", "delivery_failed", "8", at.Add(1500*time.Microsecond),
			map[string]any{"last_error": "HTTP 500: \"quoted\" \\ 中文 \n"})},
		{"text that is not UTF-8", shared.NewEvent("wxrelay", "delivery_failed", "bad\xff", at, map[string]any{})},
	}
	onAccountBackends(t, func(t *testing.T, ctx context.Context, db *storage.DB) {
		outbox := storage.NewOutbox(db)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := db.Do(ctx, func(ctx context.Context) error {
					if err := outbox.Append(ctx, tc.event); err != nil {
						return err
					}
					return storage.NewWXDeliveries(db).AppendEvents(ctx, tc.event)
				})
				if err != nil {
					t.Fatal(err)
				}
				rows, err := outbox.Recent(ctx, 2)
				if err != nil || len(rows) != 2 {
					t.Fatalf("Recent = %d rows, %v", len(rows), err)
				}
				got, want := rows[0], rows[1]
				if got.Topic != want.Topic || got.Type != want.Type || got.AggregateID != want.AggregateID ||
					got.Payload != want.Payload || !got.OccurredAt.Equal(want.OccurredAt) ||
					got.PublishedAt != nil || got.LeaseOwner != want.LeaseOwner || got.LeaseUntil != nil {
					t.Fatalf("AppendEvents wrote %+v, Outbox.Append %+v", got, want)
				}
			})
		}
	})
}
