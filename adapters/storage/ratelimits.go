package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// rateLimitRow is one token bucket or window counter shared by every
// replica. A bucket keeps its theoretical arrival time (GCRA, the token
// bucket as one timestamp) in n; a counter keeps its count. Both are gone,
// i.e. full or zero, once expires_at has passed. Times are Unix
// microseconds, so the arithmetic is plain integers on every database.
type rateLimitRow struct {
	bun.BaseModel `bun:"table:rate_limits"`
	Name          string `bun:"name,pk,type:varchar(191)"`
	N             int64  `bun:"n,notnull"`
	ExpiresAt     int64  `bun:"expires_at,notnull"`
}

func init() {
	Register(Migration{ID: "0600_rate_limits", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if err := CreateTables(ctx, db, (*rateLimitRow)(nil)); err != nil {
			return err
		}
		return CreateIndex(ctx, db, d, (*rateLimitRow)(nil), "rate_limits_expires_idx", false, "expires_at")
	}})
}

// RateLimits keeps abuse-limit buckets and counters in the database, so the
// limits hold across replicas (PostgreSQL, MySQL). Each check is one
// conditional UPDATE in the common case; row locks make concurrent checks
// of one key take turns. It satisfies ratelimit.Store.
type RateLimits struct{ db *DB }

// NewRateLimits returns the store on db.
func NewRateLimits(db *DB) *RateLimits { return &RateLimits{db: db} }

// maxTries bounds the update/insert race with a concurrent first request
// or sweep of the same key.
const maxTries = 3

// TakeToken takes one token at now from bucket key, which holds burst
// tokens and gets one back every interval; when it is empty it reports how
// long until one is back.
func (s *RateLimits) TakeToken(ctx context.Context, key string, burst int, interval time.Duration, now time.Time) (bool, time.Duration, error) {
	t, nowUs := interval.Microseconds(), now.UnixMicro()
	tolerance := int64(burst) * t
	// GCRA: tat' = max(tat, now) + T; allowed while tat' - burst*T <= now.
	const next = "(CASE WHEN n > ? THEN n ELSE ? END) + ?"
	for range maxTries {
		res, err := s.db.ExecContext(ctx,
			// expires_at first: MySQL evaluates assignments left to right
			// with the values already assigned, and both read the old n.
			"UPDATE rate_limits SET expires_at = "+next+", n = "+next+" WHERE name = ? AND "+next+" - ? <= ?",
			nowUs, nowUs, t, nowUs, nowUs, t, key, nowUs, nowUs, t, tolerance, nowUs)
		if err != nil {
			return false, 0, fmt.Errorf("rate limit %s: %w", key, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, 0, nil
		}
		inserted, err := s.insert(ctx, key, nowUs+t)
		if err != nil || inserted {
			return inserted, 0, err
		}
		var tat int64
		err = s.db.NewSelect().Model((*rateLimitRow)(nil)).Column("n").Where("name = ?", key).Scan(ctx, &tat)
		if errors.Is(err, sql.ErrNoRows) {
			continue // swept between the two statements
		}
		if err != nil {
			return false, 0, fmt.Errorf("rate limit %s: %w", key, err)
		}
		if wait := max(tat, nowUs) + t - tolerance - nowUs; wait > 0 {
			return false, time.Duration(wait) * time.Microsecond, nil
		}
		// refilled between the statements: try again
	}
	return false, interval, nil
}

// Count adds one to counter key, living until until, unless it reached
// limit.
func (s *RateLimits) Count(ctx context.Context, key string, limit int, until, now time.Time) (bool, error) {
	if limit <= 0 {
		return false, nil
	}
	for range maxTries {
		res, err := s.db.ExecContext(ctx, "UPDATE rate_limits SET n = n + 1 WHERE name = ? AND n < ? AND expires_at > ?", key, limit, now.UnixMicro())
		if err != nil {
			return false, fmt.Errorf("counter %s: %w", key, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, nil
		}
		inserted, err := s.insertCount(ctx, key, until.UnixMicro())
		if err != nil || inserted {
			return inserted, err
		}
		var row rateLimitRow
		err = s.db.NewSelect().Model(&row).Where("name = ?", key).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("counter %s: %w", key, err)
		}
		if row.ExpiresAt > now.UnixMicro() && row.N >= int64(limit) {
			return false, nil
		}
		if row.ExpiresAt <= now.UnixMicro() {
			// a window that ended and was not swept yet: start it again
			if _, err := s.db.NewDelete().Model((*rateLimitRow)(nil)).Where("name = ? AND expires_at <= ?", key, now.UnixMicro()).Exec(ctx); err != nil {
				return false, fmt.Errorf("counter %s: %w", key, err)
			}
		}
	}
	return false, fmt.Errorf("counter %s: no decision after %d tries", key, maxTries)
}

func (s *RateLimits) insert(ctx context.Context, key string, tat int64) (bool, error) {
	return s.insertRow(ctx, &rateLimitRow{Name: key, N: tat, ExpiresAt: tat})
}

func (s *RateLimits) insertCount(ctx context.Context, key string, until int64) (bool, error) {
	return s.insertRow(ctx, &rateLimitRow{Name: key, N: 1, ExpiresAt: until})
}

// insertRow inserts row unless its name exists and reports whether it did.
func (s *RateLimits) insertRow(ctx context.Context, row *rateLimitRow) (bool, error) {
	q := s.db.NewInsert().Model(row)
	if s.db.Dialect == MySQL {
		q = q.Ignore()
	} else {
		q = q.On("CONFLICT (name) DO NOTHING")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", row.Name, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Sweep deletes buckets that are full again and counters of ended windows.
func (s *RateLimits) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.NewDelete().Model((*rateLimitRow)(nil)).Where("expires_at <= ?", now.UnixMicro()).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
