package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/campushub/campushub/ports"
)

// outboxClaim is the claim on the head of the outbox: owner may publish the
// unpublished rows with ids up to UpTo until LeaseUntil (Unix milliseconds).
// One row, outboxClaimName, created by the migration.
type outboxClaim struct {
	bun.BaseModel `bun:"table:outbox_claims"`
	Name          string `bun:"name,pk,type:varchar(100)"`
	Owner         string `bun:"owner,notnull,type:varchar(100)"`
	UpTo          int64  `bun:"up_to,notnull"`
	LeaseUntil    int64  `bun:"lease_until,notnull"`
}

const outboxClaimName = "outbox"

func init() {
	Register(Migration{ID: "0503_outbox_claims", Up: func(ctx context.Context, db bun.IDB, _ Dialect) error {
		if err := CreateTables(ctx, db, (*outboxClaim)(nil)); err != nil {
			return err
		}
		_, err := db.NewInsert().Model(&outboxClaim{Name: outboxClaimName}).Exec(ctx)
		return err
	}})
}

// ClaimOutbox leases up to limit unpublished rows to owner for lease and
// returns them in id order, leaving out the rows with the ids in skip (a
// batch owner is still publishing, so that it can claim the next one
// meanwhile). It only ever claims a prefix of the other unpublished rows, and
// nothing while another owner's unexpired claim still covers the oldest of
// them, so that events of one key are never published out of order. Rows
// already claimed by owner are claimed again, which is how a failed batch is
// retried.
//
// The lease is one row for the whole outbox (the highest claimed id and an
// expiry), locked for the claim with SELECT … FOR UPDATE (SQLite serialises
// writers, so there the transaction alone excludes other claims); reading a
// batch writes nothing to the rows themselves, which are written once, when
// marked published.
func (s *RelayStore) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, skip []int64) ([]ports.OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	var rows []OutboxRow
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var c outboxClaim
		q := tx.NewSelect().Model(&c).Where("name = ?", outboxClaimName)
		if s.db.Dialect != SQLite {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return err
		}
		now := s.now()
		head, err := s.headIDs(ctx, tx, limit, skip)
		if err != nil || len(head) == 0 {
			return err
		}
		held := c.Owner != owner && c.LeaseUntil > now.UnixMilli()
		if held && head[0] <= c.UpTo {
			return nil // the oldest rows are another relay's
		}
		upTo := head[len(head)-1]
		if c.Owner == owner && c.LeaseUntil > now.UnixMilli() {
			upTo = max(upTo, c.UpTo)
		}
		err = tx.NewSelect().Model(&rows).
			Where(s.idsIn(head)).
			Where("published_at IS NULL").
			Order("id ASC").
			Scan(ctx)
		if err != nil {
			return err
		}
		n := 0
		for n < len(rows) && rows[n].ID == head[n] {
			n++
		}
		rows = rows[:n]
		_, err = tx.NewUpdate().Model((*outboxClaim)(nil)).
			Set("owner = ?", owner).
			Set("up_to = ?", upTo).
			Set("lease_until = ?", now.Add(lease).UnixMilli()).
			Where("name = ?", outboxClaimName).
			Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	msgs := make([]ports.OutboxMessage, len(rows))
	for i, r := range rows {
		msgs[i] = ports.OutboxMessage{
			ID:         r.ID,
			Topic:      r.Topic,
			Type:       r.Type,
			Key:        r.AggregateID,
			Payload:    []byte(r.Payload),
			OccurredAt: r.OccurredAt.UTC(),
		}
	}
	return msgs, nil
}

// ReleaseOutbox gives up owner's claim, so another relay can claim the rows
// at once.
func (s *RelayStore) ReleaseOutbox(ctx context.Context, owner string) error {
	_, err := s.db.NewUpdate().Model((*outboxClaim)(nil)).
		Set("lease_until = ?", int64(0)).
		Where("name = ?", outboxClaimName).
		Where("owner = ?", owner).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("release outbox claim: %w", err)
	}
	return nil
}

// headIDs returns, without locking, the ids of the oldest unpublished rows
// that are not in skip.
func (s *RelayStore) headIDs(ctx context.Context, db bun.IDB, limit int, skip []int64) ([]int64, error) {
	var ids []int64
	err := db.NewSelect().Model((*OutboxRow)(nil)).Column("id").
		Where("published_at IS NULL").
		Order("id ASC").Limit(int64(limit+len(skip))).
		Scan(ctx, &ids)
	if err != nil || len(skip) == 0 {
		return ids, err
	}
	skipped := make(map[int64]bool, len(skip))
	for _, id := range skip {
		skipped[id] = true
	}
	ids = slices.DeleteFunc(ids, func(id int64) bool { return skipped[id] })
	return ids[:min(len(ids), limit)], nil
}

// idsIn is the condition "id is one of ids". It bounds the ids by their
// range as well, so that the planner walks that stretch of the primary key
// instead of filtering the whole table; PostgreSQL gets the list as one
// array parameter, which it parses and plans faster than a long IN list.
func (s *RelayStore) idsIn(ids []int64) (string, any, any, any) {
	lo, hi := slices.Min(ids), slices.Max(ids)
	if s.db.Dialect == Postgres {
		return "id BETWEEN ? AND ? AND id = ANY(?)", lo, hi, pgdialect.Array(ids)
	}
	return "id BETWEEN ? AND ? AND id IN (?)", lo, hi, bun.In(ids)
}
