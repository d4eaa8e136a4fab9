package storage

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// PushLogs is the bun repository of pushes, their recipients and each
// user's cleared mark.
type PushLogs struct{ db *DB }

var _ ports.PushLogs = (*PushLogs)(nil)

// NewPushLogs returns the push log repository on db.
func NewPushLogs(db *DB) *PushLogs { return &PushLogs{db: db} }

func toPushLogRow(p push.Push) pushLogRow {
	return pushLogRow{ID: p.ID, AppID: p.AppID, Title: p.Title, Body: p.Body, Scope: int(p.Scope), ManagerID: p.ManagerID,
		Status: int(p.Status), Targets: p.Targets, SentCount: p.SentCount, FailCount: p.FailCount, Attempts: p.Attempts,
		LastError: p.LastError, ClaimedUntil: timePtr(p.NextAttempt), CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

func (r pushLogRow) domain() push.Push {
	return push.Push{ID: r.ID, AppID: r.AppID, Title: r.Title, Body: r.Body, Scope: push.Scope(r.Scope), ManagerID: r.ManagerID,
		Status: push.Status(r.Status), Targets: r.Targets, SentCount: r.SentCount, FailCount: r.FailCount, Attempts: r.Attempts,
		LastError: r.LastError, NextAttempt: timeVal(r.ClaimedUntil), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func pushes(rows []pushLogRow) []push.Push {
	out := make([]push.Push, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out
}

// Create inserts p and its recipients and sets its ID.
func (r *PushLogs) Create(ctx context.Context, p *push.Push) error {
	row := toPushLogRow(*p)
	db := r.db.IDB(ctx)
	if _, err := db.NewInsert().Model(&row).Exec(ctx); err != nil {
		return MapError(err)
	}
	p.ID = row.ID
	if len(p.Recipients) == 0 {
		return nil
	}
	rows := make([]pushRecipientRow, len(p.Recipients))
	for i, uid := range p.Recipients {
		rows[i] = pushRecipientRow{PushID: p.ID, UserID: uid}
	}
	_, err := db.NewInsert().Model(&rows).Exec(ctx)
	return MapError(err)
}

// ByID returns a push with its recipients.
func (r *PushLogs) ByID(ctx context.Context, id int64) (push.Push, error) {
	var row pushLogRow
	if err := r.db.IDB(ctx).NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return push.Push{}, MapError(err)
	}
	p := row.domain()
	if p.Scope == push.Users {
		err := r.db.IDB(ctx).NewSelect().Model((*pushRecipientRow)(nil)).Column("user_id").
			Where("push_id = ?", id).Order("user_id").Scan(ctx, &p.Recipients)
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// Update saves the delivery state of p.
func (r *PushLogs) Update(ctx context.Context, p push.Push) error {
	row := toPushLogRow(p)
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).
		Column("status", "sent_count", "fail_count", "attempts", "last_error", "claimed_until", "updated_at").
		WherePK().Exec(ctx)
	return MapError(err)
}

// All lists every push, newest first.
func (r *PushLogs) All(ctx context.Context, offset, limit int) ([]push.Push, int64, error) {
	var rows []pushLogRow
	n, err := r.db.IDB(ctx).NewSelect().Model(&rows).Order("id DESC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	return pushes(rows), int64(n), err
}

// visible narrows q to the pushes addressed to userID and not cleared.
func (r *PushLogs) visible(ctx context.Context, q *bun.SelectQuery, userID int64) (*bun.SelectQuery, error) {
	var mark int64
	err := r.db.IDB(ctx).NewSelect().Model((*pushClearRow)(nil)).Column("cleared_through").
		Where("user_id = ?", userID).Scan(ctx, &mark)
	if err = MapError(err); err != nil && !errors.Is(err, shared.ErrNotFound) {
		return nil, err
	}
	return q.Where("id > ?", mark).WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("scope = ?", int(push.Everyone)).
			WhereOr("id IN (SELECT push_id FROM push_recipients WHERE user_id = ?)", userID)
	}), nil
}

// Visible lists the pushes userID sees, newest first.
func (r *PushLogs) Visible(ctx context.Context, userID int64, offset, limit int) ([]push.Push, int64, error) {
	var rows []pushLogRow
	q, err := r.visible(ctx, r.db.IDB(ctx).NewSelect().Model(&rows), userID)
	if err != nil {
		return nil, 0, err
	}
	n, err := q.Order("id DESC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	return pushes(rows), int64(n), err
}

// VisibleByID returns one push userID sees.
func (r *PushLogs) VisibleByID(ctx context.Context, userID, id int64) (push.Push, error) {
	var row pushLogRow
	q, err := r.visible(ctx, r.db.IDB(ctx).NewSelect().Model(&row), userID)
	if err != nil {
		return push.Push{}, err
	}
	err = q.Where("id = ?", id).Scan(ctx)
	return row.domain(), MapError(err)
}

// CountUnread counts the pushes userID sees whose ids are not in read.
func (r *PushLogs) CountUnread(ctx context.Context, userID int64, read []int64) (int64, error) {
	q, err := r.visible(ctx, r.db.IDB(ctx).NewSelect().Model((*pushLogRow)(nil)), userID)
	if err != nil {
		return 0, err
	}
	if len(read) > 0 {
		q = q.Where("id NOT IN (?)", bun.List(read))
	}
	n, err := q.Count(ctx)
	return int64(n), err
}

// ClearThrough records that userID cleared every push up to id.
func (r *PushLogs) ClearThrough(ctx context.Context, userID, id int64) error {
	row := pushClearRow{UserID: userID, ClearedThrough: id, UpdatedAt: time.Now().UTC()}
	q := r.db.IDB(ctx).NewInsert().Model(&row)
	if r.db.Dialect == MySQL {
		q = q.On("DUPLICATE KEY UPDATE").Set("cleared_through = VALUES(cleared_through)").Set("updated_at = VALUES(updated_at)")
	} else {
		q = q.On("CONFLICT (user_id) DO UPDATE").Set("cleared_through = EXCLUDED.cleared_through").Set("updated_at = EXCLUDED.updated_at")
	}
	_, err := q.Exec(ctx)
	return err
}

// MaxID returns the highest push id, 0 when there is none.
func (r *PushLogs) MaxID(ctx context.Context) (int64, error) {
	var max *int64
	err := r.db.IDB(ctx).NewSelect().Model((*pushLogRow)(nil)).ColumnExpr("MAX(id)").Scan(ctx, &max)
	if err != nil || max == nil {
		return 0, err
	}
	return *max, nil
}

// Claim leases a queued, unleased push until until.
func (r *PushLogs) Claim(ctx context.Context, id int64, now, until time.Time) (bool, error) {
	res, err := r.db.IDB(ctx).NewUpdate().Model((*pushLogRow)(nil)).Set("claimed_until = ?", until.UTC()).
		Where("id = ? AND status = ?", id, int(push.Queued)).
		WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Where("claimed_until IS NULL").WhereOr("claimed_until <= ?", now.UTC())
		}).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Due lists queued pushes whose lease is free at now, oldest first.
func (r *PushLogs) Due(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := r.db.IDB(ctx).NewSelect().Model((*pushLogRow)(nil)).Column("id").Where("status = ?", int(push.Queued)).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("claimed_until IS NULL").WhereOr("claimed_until <= ?", now.UTC())
		}).Order("id").Limit(int64(limit)).Scan(ctx, &ids)
	return ids, err
}
