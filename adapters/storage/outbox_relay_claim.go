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
// expiry), taken with one conditional UPDATE after the rows are read; the
// rows themselves are written once, when marked published.
func (s *RelayStore) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, skip []int64) ([]ports.OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	var rows []OutboxRow
	q := s.db.NewSelect().Model(&rows).Where("published_at IS NULL").Order("id ASC").Limit(int64(limit))
	if len(skip) > 0 {
		q = q.Where(s.idsNotIn(skip))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	held, err := s.takeClaim(ctx, owner, rows[0].ID, rows[len(rows)-1].ID, lease)
	if err != nil {
		return nil, err
	}
	if !held {
		return nil, s.claimHeld(ctx)
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

// takeClaim extends owner's claim to the rows from first to last, unless
// another owner's unexpired claim covers first, and reports whether owner
// holds the claim afterwards.
func (s *RelayStore) takeClaim(ctx context.Context, owner string, first, last int64, lease time.Duration) (bool, error) {
	now := s.now()
	nowMs, until := now.UnixMilli(), now.Add(lease).UnixMilli()
	// up_to comes first: MySQL evaluates SET assignments left to right,
	// each seeing the ones before it.
	res, err := s.db.NewUpdate().Model((*outboxClaim)(nil)).
		Set("up_to = CASE WHEN owner = ? AND lease_until > ? AND up_to > ? THEN up_to ELSE ? END", owner, nowMs, last, last).
		Set("owner = ?", owner).
		Set("lease_until = ?", until).
		Where("name = ?", outboxClaimName).
		WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Where("owner = ?", owner).WhereOr("lease_until <= ?", nowMs).WhereOr("up_to < ?", first)
		}).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("claim outbox: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return true, nil
	}
	// MySQL counts a row whose values did not change as unaffected, so read
	// the holder back.
	var c outboxClaim
	if err := s.db.NewSelect().Model(&c).Where("name = ?", outboxClaimName).Scan(ctx); err != nil {
		return false, fmt.Errorf("claim outbox: %w", err)
	}
	return c.Owner == owner && c.LeaseUntil == until, nil
}

// ClaimHeldError is ClaimOutbox's answer while another relay's unexpired
// claim covers the oldest unpublished row: nothing was claimed, and the
// caller waits for the holder to publish or for the claim to expire.
type ClaimHeldError struct {
	Owner string
	Until time.Time
}

func (e *ClaimHeldError) Error() string {
	return fmt.Sprintf("outbox claimed by %s until %s", e.Owner, e.Until.Format(time.RFC3339Nano))
}

// ClaimHolder returns whose claim blocks the outbox and until when.
func (e *ClaimHeldError) ClaimHolder() (owner string, until time.Time) { return e.Owner, e.Until }

// claimHeld reads the claim that kept takeClaim from claiming.
func (s *RelayStore) claimHeld(ctx context.Context) error {
	var c outboxClaim
	if err := s.db.NewSelect().Model(&c).Where("name = ?", outboxClaimName).Scan(ctx); err != nil {
		return fmt.Errorf("claim outbox: %w", err)
	}
	return &ClaimHeldError{Owner: c.Owner, Until: time.UnixMilli(c.LeaseUntil).UTC()}
}

// RenewOutboxClaim extends owner's claim to lease from now, if owner still
// holds an unexpired claim, and reports whether it did. The relay renews
// its claim while a batch is on its way, so that the claim can be short and
// a replica takes over soon after the holder died.
func (s *RelayStore) RenewOutboxClaim(ctx context.Context, owner string, lease time.Duration) (bool, error) {
	now := s.now()
	until := now.Add(lease).UnixMilli()
	res, err := s.db.NewUpdate().Model((*outboxClaim)(nil)).
		Set("lease_until = ?", until).
		Where("name = ?", outboxClaimName).
		Where("owner = ?", owner).
		Where("lease_until > ?", now.UnixMilli()).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("renew outbox claim: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return true, nil
	}
	// MySQL counts a row whose values did not change as unaffected.
	var c outboxClaim
	if err := s.db.NewSelect().Model(&c).Where("name = ?", outboxClaimName).Scan(ctx); err != nil {
		return false, fmt.Errorf("renew outbox claim: %w", err)
	}
	return c.Owner == owner && c.LeaseUntil == until, nil
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

// idsIn is the condition "id is one of ids". It bounds the ids by their
// range as well, so that the planner walks that stretch of the primary key
// instead of filtering the whole table; PostgreSQL gets the list as one
// array parameter, which it parses and plans faster than a long IN list.
func (s *RelayStore) idsIn(ids []int64) (string, any, any, any) {
	lo, hi := slices.Min(ids), slices.Max(ids)
	if s.db.Dialect == Postgres {
		return "id BETWEEN ? AND ? AND id = ANY(?)", lo, hi, pgdialect.Array(ids)
	}
	return "id BETWEEN ? AND ? AND id IN (?)", lo, hi, bun.List(ids)
}

// idsNotIn is the condition "id is none of ids".
func (s *RelayStore) idsNotIn(ids []int64) (string, any) {
	if s.db.Dialect == Postgres {
		return "id <> ALL(?)", pgdialect.Array(ids)
	}
	return "id NOT IN (?)", bun.List(ids)
}
