package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/ports"
)

// The members' source column: "joined" (through the WeChat side, which is
// how every member stored before it came) or "imported" (from an
// organisation's participant file).
func init() {
	Register(Migration{ID: "0410_activity_member_source", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		return addColumn(ctx, db, d, "activity_members", "source", "VARCHAR(16) NOT NULL DEFAULT '"+string(activity.SourceJoined)+"'")
	}})
}

// participantRow is a member with the time it was drawn, if it was.
type participantRow struct {
	memberRow `bun:",extend"`
	DrawnAt   *time.Time `bun:"drawn_at"`
}

// Participants is the bun repository of lottery participant lists.
type Participants struct{ db *DB }

var _ ports.Participants = (*Participants)(nil)

// NewParticipants returns the participant repository on db.
func NewParticipants(db *DB) *Participants { return &Participants{db: db} }

// importBatch bounds the rows of one insert statement of an import.
const importBatch = 500

func (r *Participants) query(ctx context.Context, dst *[]participantRow, activityID int64) *bun.SelectQuery {
	return r.db.IDB(ctx).NewSelect().Model(dst).ColumnExpr("m.*").ColumnExpr("w.drawn_at").
		Join("LEFT JOIN activity_winners AS w ON w.activity_id = m.activity_id AND w.member_id = m.member_id").
		Where("m.activity_id = ?", activityID).Order("m.id ASC")
}

func participants(rows []participantRow) []activity.Participant {
	out := make([]activity.Participant, len(rows))
	for i, row := range rows {
		out[i] = activity.Participant{Member: row.domain(), DrawnAt: timeVal(row.DrawnAt)}
	}
	return out
}

// List pages through an activity's participants in join order.
func (r *Participants) List(ctx context.Context, activityID int64, offset, limit int) ([]activity.Participant, int64, error) {
	var rows []participantRow
	n, err := r.query(ctx, &rows, activityID).Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	return participants(rows), int64(n), err
}

// Each streams an activity's participants in batches, in join order.
func (r *Participants) Each(ctx context.Context, activityID int64, fn func(activity.Participant) error) error {
	var after int64
	for {
		var rows []participantRow
		if err := r.query(ctx, &rows, activityID).Where("m.id > ?", after).Limit(importBatch).Scan(ctx); err != nil {
			return err
		}
		for _, p := range participants(rows) {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(rows) < importBatch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// Find returns the stored members of an activity among memberIDs, looked
// up in batches.
func (r *Participants) Find(ctx context.Context, activityID int64, memberIDs []string) ([]activity.Member, error) {
	var out []activity.Member
	for start := 0; start < len(memberIDs); start += importBatch {
		var rows []memberRow
		ids := memberIDs[start:min(start+importBatch, len(memberIDs))]
		if err := r.db.IDB(ctx).NewSelect().Model(&rows).Where("m.activity_id = ? AND m.member_id IN (?)", activityID, bun.List(ids)).
			Order("m.id ASC").Scan(ctx); err != nil {
			return nil, err
		}
		for _, row := range rows {
			out = append(out, row.domain())
		}
	}
	return out, nil
}

// Add inserts members in batches; the unique key on activity and member id
// makes a member that exists shared.ErrAlreadyExists.
func (r *Participants) Add(ctx context.Context, ms []activity.Member) error {
	for start := 0; start < len(ms); start += importBatch {
		batch := ms[start:min(start+importBatch, len(ms))]
		rows := make([]memberRow, len(batch))
		for i, m := range batch {
			rows[i] = toMemberRow(m)
		}
		if _, err := r.db.IDB(ctx).NewInsert().Model(&rows).Exec(ctx); err != nil {
			return MapError(err)
		}
	}
	return nil
}
