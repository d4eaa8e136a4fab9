package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// OutboxRow is one domain event waiting to be (or already) published.
type OutboxRow struct {
	bun.BaseModel `bun:"table:outbox"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Topic         string     `bun:"topic,notnull,type:varchar(200)"`
	Type          string     `bun:"type,notnull,type:varchar(200)"`
	AggregateID   string     `bun:"aggregate_id,notnull,type:varchar(200)"`
	Payload       string     `bun:"payload,notnull,type:text"`
	OccurredAt    time.Time  `bun:"occurred_at,notnull"`
	PublishedAt   *time.Time `bun:"published_at,nullzero"`
}

// outboxRowV1 is the outbox table as migration 0001 creates it, with the
// per-row lease columns of the first relay. The relay now claims rows
// through the outbox_claims table (0503), and 0504 drops those columns.
// The migration keeps a model of its own so that changing OutboxRow never
// changes what an old migration does.
type outboxRowV1 struct {
	bun.BaseModel `bun:"table:outbox"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Topic         string     `bun:"topic,notnull,type:varchar(200)"`
	Type          string     `bun:"type,notnull,type:varchar(200)"`
	AggregateID   string     `bun:"aggregate_id,notnull,type:varchar(200)"`
	Payload       string     `bun:"payload,notnull,type:text"`
	OccurredAt    time.Time  `bun:"occurred_at,notnull"`
	PublishedAt   *time.Time `bun:"published_at,nullzero"`
	LeaseOwner    string     `bun:"lease_owner,notnull,default:'',type:varchar(100)"`
	LeaseUntil    *time.Time `bun:"lease_until,nullzero"`
}

func init() {
	Register(Migration{ID: "0001_outbox", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*outboxRowV1)(nil)); err != nil {
			return err
		}
		return CreateIndex(ctx, db, d, (*outboxRowV1)(nil), "outbox_unpublished_idx", false, "published_at", "id")
	}})
	Register(Migration{ID: "0504_outbox_drop_row_leases", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		for _, column := range []string{"lease_owner", "lease_until"} {
			if err := DropColumn(ctx, db, d, "outbox", column); err != nil {
				return err
			}
		}
		return nil
	}})
}

// Outbox appends domain events to the outbox table in the caller's
// transaction.
type Outbox struct{ db *DB }

var _ ports.Outbox = (*Outbox)(nil)

// NewOutbox returns the outbox on db.
func NewOutbox(db *DB) *Outbox { return &Outbox{db: db} }

// Append writes events in the transaction carried by ctx. Once that
// commits, the DB's OnOutboxCommit listeners are told.
func (o *Outbox) Append(ctx context.Context, events ...shared.Event) error {
	if len(events) == 0 {
		return nil
	}
	err := o.appendRows(ctx, events)
	if err == nil {
		o.db.appendedToOutbox(ctx)
	}
	return err
}

// appendRows inserts events: on SQLite with one prepared statement where
// it can, otherwise through bun.
func (o *Outbox) appendRows(ctx context.Context, events []shared.Event) error {
	if o.db.Dialect == SQLite {
		if ok, err := o.appendSQLite(ctx, events); ok {
			return err
		}
	}
	rows := make([]OutboxRow, 0, len(events))
	for _, e := range events {
		body, err := json.Marshal(e.Payload)
		if err != nil {
			return fmt.Errorf("outbox: encode %s: %w", e.FullType(), err)
		}
		rows = append(rows, OutboxRow{
			Topic:       e.Topic(),
			Type:        e.FullType(),
			AggregateID: e.AggregateID,
			Payload:     string(body),
			OccurredAt:  e.OccurredAt.UTC(),
		})
	}
	_, err := o.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx)
	return err
}

// Recent returns the newest outbox rows, newest first; for the `events`
// command and tests.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]OutboxRow, error) {
	var rows []OutboxRow
	err := o.db.IDB(ctx).NewSelect().Model(&rows).Order("id DESC").Limit(int64(limit)).Scan(ctx)
	return rows, err
}
