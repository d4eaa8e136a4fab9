package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// relayLease is the single-active-relay lease: one row per lease name, held
// by owner until lease_until (Unix milliseconds; an integer so that every
// dialect compares it exactly).
type relayLease struct {
	bun.BaseModel `bun:"table:relay_leases"`
	Name          string `bun:"name,pk,type:varchar(100)"`
	Owner         string `bun:"owner,notnull,type:varchar(100)"`
	LeaseUntil    int64  `bun:"lease_until,notnull"`
}

func init() {
	Register(Migration{ID: "0500_relay_leases", Up: func(ctx context.Context, db bun.IDB, _ Dialect) error {
		return CreateTables(ctx, db, (*relayLease)(nil))
	}})
	// Without it PostgreSQL finds the unpublished head by walking the primary
	// key past every published row, so each claim slows down as the outbox
	// grows. MySQL has no partial indexes; its (published_at, id) index
	// already serves "published_at IS NULL ORDER BY id".
	Register(Migration{ID: "0501_outbox_pending_idx", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if d == MySQL {
			return nil
		}
		_, err := db.ExecContext(ctx, "CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (id) WHERE published_at IS NULL")
		return err
	}})
}

// RelayStore is the store side of the outbox relay: the leader lease that
// lets one relay publish at a time, claiming unpublished rows in id order
// under a claim lease, marking them published, and pruning old ones.
type RelayStore struct {
	db  *DB
	now func() time.Time
}

// NewRelayStore returns the relay store on db, reading the time from now
// (time.Now when nil).
func NewRelayStore(db *DB, now func() time.Time) *RelayStore {
	if now == nil {
		now = time.Now
	}
	return &RelayStore{db: db, now: func() time.Time { return now().UTC() }}
}

// SerialWrites reports whether the database runs one write transaction at
// a time (SQLite), so that the relay does not mark and claim at once.
func (s *RelayStore) SerialWrites() bool { return s.db.Dialect == SQLite }

// AcquireLease takes or renews the lease called name for owner, for ttl. It
// reports whether owner holds the lease afterwards: true when the lease was
// free, expired or already owner's; false while another owner holds it.
func (s *RelayStore) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	now := s.now()
	until := now.Add(ttl).UnixMilli()
	// Renewing (or taking over) is the common case: one UPDATE.
	res, err := s.db.NewUpdate().Model((*relayLease)(nil)).
		Set("owner = ?", owner).
		Set("lease_until = ?", until).
		Where("name = ?", name).
		WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Where("owner = ?", owner).WhereOr("lease_until < ?", now.UnixMilli())
		}).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("relay lease %s: %w", name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return true, nil
	}
	_, err = s.db.NewInsert().Model(&relayLease{Name: name, Owner: owner, LeaseUntil: until}).Exec(ctx)
	if err == nil {
		return true, nil
	}
	if !IsUniqueViolation(err) {
		return false, fmt.Errorf("relay lease %s: %w", name, err)
	}
	// Held by someone else, or (MySQL counts a row whose values did not
	// change as unaffected) renewed within the same millisecond: read the
	// holder back.
	var cur relayLease
	if err := s.db.NewSelect().Model(&cur).Where("name = ?", name).Scan(ctx); err != nil {
		return false, fmt.Errorf("relay lease %s: %w", name, err)
	}
	return cur.Owner == owner && cur.LeaseUntil == until, nil
}

// LeaseHolder returns who holds the lease called name and until when (an
// empty owner when nobody ever took it).
func (s *RelayStore) LeaseHolder(ctx context.Context, name string) (owner string, until time.Time, err error) {
	var cur relayLease
	err = s.db.NewSelect().Model(&cur).Where("name = ?", name).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("relay lease %s: %w", name, err)
	}
	return cur.Owner, time.UnixMilli(cur.LeaseUntil).UTC(), nil
}

// ReleaseLease gives up the lease called name if owner holds it, so another
// relay can take over without waiting for it to expire.
func (s *RelayStore) ReleaseLease(ctx context.Context, name, owner string) error {
	_, err := s.db.NewUpdate().Model((*relayLease)(nil)).
		Set("lease_until = ?", int64(0)).
		Where("name = ?", name).Where("owner = ?", owner).
		Exec(ctx)
	return err
}

// MarkPublished records that the rows with ids reached the broker, in one
// statement.
func (s *RelayStore) MarkPublished(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.NewUpdate().Model((*OutboxRow)(nil)).
		Set("published_at = ?", s.now()).
		Where(s.idsIn(ids)).
		Where("published_at IS NULL").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark outbox published: %w", err)
	}
	return nil
}

// pruneChunk bounds how many rows one DELETE removes, so pruning never holds
// locks for long.
const pruneChunk int64 = 5000

// PruneOutbox deletes rows published before before and returns how many.
func (s *RelayStore) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		n, err := s.pruneOnce(ctx, before.UTC())
		if err != nil {
			return total, fmt.Errorf("prune outbox: %w", err)
		}
		total += n
		if n < pruneChunk {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

func (s *RelayStore) pruneOnce(ctx context.Context, before time.Time) (int64, error) {
	q := s.db.NewDelete().Model((*OutboxRow)(nil))
	if s.db.Dialect == MySQL {
		// MySQL has DELETE … LIMIT but no LIMIT inside an IN subquery.
		q = q.Where("published_at IS NOT NULL").Where("published_at < ?", before).
			Order("id ASC").Limit(pruneChunk)
	} else {
		sub := s.db.NewSelect().Model((*OutboxRow)(nil)).Column("id").
			Where("published_at IS NOT NULL").Where("published_at < ?", before).
			Order("id ASC").Limit(pruneChunk)
		q = q.Where("id IN (?)", sub)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// OutboxLag reports how many rows wait to be published and when the oldest
// of them occurred (the zero time when none wait).
func (s *RelayStore) OutboxLag(ctx context.Context) (count int64, oldest time.Time, err error) {
	n, err := s.db.NewSelect().Model((*OutboxRow)(nil)).Where("published_at IS NULL").Count(ctx)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("outbox lag: %w", err)
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	var first OutboxRow
	err = s.db.NewSelect().Model(&first).Column("occurred_at").
		Where("published_at IS NULL").Order("id ASC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) { // published between the two queries
		return int64(n), time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("outbox lag: %w", err)
	}
	return int64(n), first.OccurredAt.UTC(), nil
}
