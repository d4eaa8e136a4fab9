package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/campushub/campushub/ports"
)

// ClaimOutbox leases up to limit unpublished rows to owner for lease and
// returns them in id order, leaving out the rows with the ids in skip (a
// batch owner is still publishing, so that it can claim the next one
// meanwhile). It only ever claims a prefix of the other unpublished rows:
// when the oldest ones are leased to another owner (or being claimed by
// another transaction) it claims nothing, so that events of one key are never
// published out of order. Rows already leased to owner are claimed again,
// which is how a failed batch is retried.
//
// On PostgreSQL one UPDATE … RETURNING locks (FOR UPDATE SKIP LOCKED),
// leases and reads the rows; on MySQL the rows are locked with
// FOR UPDATE SKIP LOCKED, then leased; SQLite serialises writers, so its
// transaction alone excludes other claims. Either way the claimed rows are
// compared with the unlocked head of the queue.
func (s *RelayStore) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, skip []int64) ([]ports.OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	var rows []OutboxRow
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := s.now()
		head, err := s.headIDs(ctx, tx, limit, skip)
		if err != nil || len(head) == 0 {
			return err
		}
		if s.db.Dialect == Postgres {
			rows, err = s.claimReturning(ctx, tx, head, owner, now, now.Add(lease))
		} else {
			rows, err = s.claimLocked(ctx, tx, head, owner, now, now.Add(lease))
		}
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

// claimReturning leases the claimable rows among head in one statement and
// keeps the prefix; rows leased beyond a gap are handed back at once.
func (s *RelayStore) claimReturning(ctx context.Context, tx bun.Tx, head []int64, owner string, now, until time.Time) ([]OutboxRow, error) {
	sub := tx.NewSelect().Model((*OutboxRow)(nil)).Column("id").
		Where(s.idsIn(head)).
		Where("published_at IS NULL").
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("lease_owner = ''").WhereOr("lease_owner = ?", owner).
				WhereOr("lease_until IS NULL").WhereOr("lease_until <= ?", now)
		}).
		For("UPDATE SKIP LOCKED")
	var rows []OutboxRow
	err := tx.NewUpdate().Model((*OutboxRow)(nil)).
		Set("lease_owner = ?", owner).
		Set("lease_until = ?", until).
		Where("id IN (?)", sub).
		Returning("*").
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b OutboxRow) int { return cmp.Compare(a.ID, b.ID) })
	n := 0
	for n < len(rows) && n < len(head) && rows[n].ID == head[n] {
		n++
	}
	if n < len(rows) {
		if err := s.unlease(ctx, tx, rowIDs(rows[n:])); err != nil {
			return nil, err
		}
	}
	return rows[:n], nil
}

// claimLocked locks the head rows, keeps the claimable prefix and leases it.
func (s *RelayStore) claimLocked(ctx context.Context, tx bun.Tx, head []int64, owner string, now, until time.Time) ([]OutboxRow, error) {
	var rows []OutboxRow
	q := tx.NewSelect().Model(&rows).
		Where(s.idsIn(head)).
		Where("published_at IS NULL").
		Order("id ASC")
	if s.db.Dialect != SQLite {
		q = q.For("UPDATE SKIP LOCKED")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	rows = claimablePrefix(rows, head, owner, now)
	if len(rows) == 0 {
		return nil, nil
	}
	_, err := tx.NewUpdate().Model((*OutboxRow)(nil)).
		Set("lease_owner = ?", owner).
		Set("lease_until = ?", until).
		Where(s.idsIn(rowIDs(rows))).
		Exec(ctx)
	return rows, err
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

// claimablePrefix keeps the longest run of locked rows that starts at the
// head of the queue, has no gaps (a row skipped because another transaction
// locked it) and holds no row leased to someone else.
func claimablePrefix(locked []OutboxRow, head []int64, owner string, now time.Time) []OutboxRow {
	n := 0
	for n < len(locked) && n < len(head) && locked[n].ID == head[n] {
		r := locked[n]
		if r.LeaseOwner != "" && r.LeaseOwner != owner && r.LeaseUntil != nil && r.LeaseUntil.After(now) {
			break
		}
		n++
	}
	return locked[:n]
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

func rowIDs(rows []OutboxRow) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}
