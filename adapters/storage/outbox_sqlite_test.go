package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// The prepared SQLite path must write the rows the bun insert writes.
func TestOutboxSQLitePathMatchesInsert(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "t.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 20, 30, 123456000, time.UTC)
	cases := []struct {
		name     string
		event    shared.Event
		prepared bool // whether the prepared path takes it
	}{
		{"delivery succeeded", shared.NewEvent("wxrelay", "delivery_succeeded", "7", at,
			map[string]any{"delivery_id": 41, "project_id": 7, "attempts": 1}), true},
		{"text to escape", shared.NewEvent("wxrelay", "delivery_failed", "8", at.Add(1500*time.Microsecond),
			map[string]any{"last_error": "HTTP 500: \"quoted\" \\ 中文 \n"}), true},
		{"text that is not UTF-8", shared.NewEvent("wxrelay", "delivery_failed", "bad\xff", at, map[string]any{}), false},
	}
	o := NewOutbox(db)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Do(ctx, func(ctx context.Context) error {
				if err := o.appendRows(ctx, []shared.Event{tc.event}); err != nil {
					return err
				}
				ok, err := o.appendSQLite(ctx, []shared.Event{tc.event})
				if ok != tc.prepared {
					t.Fatalf("prepared path taken = %v, want %v", ok, tc.prepared)
				}
				if !ok {
					return o.appendRows(ctx, []shared.Event{tc.event})
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := o.Recent(ctx, 2)
			if err != nil || len(rows) != 2 {
				t.Fatalf("Recent = %d rows, %v", len(rows), err)
			}
			got, want := rows[0], rows[1]
			if got.Topic != want.Topic || got.Type != want.Type || got.AggregateID != want.AggregateID ||
				got.Payload != want.Payload || !got.OccurredAt.Equal(want.OccurredAt) ||
				got.PublishedAt != nil {
				t.Fatalf("prepared path wrote %+v, insert %+v", got, want)
			}
		})
	}
}
