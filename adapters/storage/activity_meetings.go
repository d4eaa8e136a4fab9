package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/activity"
)

// meetingCloseColumns are a meeting's closing columns (migration
// 0440_activity_meeting_closed).
type meetingCloseColumns struct {
	ClosedAt *time.Time `bun:"closed_at,nullzero"`
}

func closeColumns(m activity.Meeting) meetingCloseColumns {
	return meetingCloseColumns{ClosedAt: timePtr(m.ClosedAt)}
}

// When an organisation closed a meeting; NULL while it is open.
func init() {
	Register(Migration{ID: "0440_activity_meeting_closed", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		ts := map[Dialect]string{SQLite: "TIMESTAMP", Postgres: "TIMESTAMPTZ", MySQL: "DATETIME(6)"}[d]
		return addColumn(ctx, db, d, "activity_meetings", "closed_at", ts)
	}})
}

// Update stores a meeting's name and closing time.
func (r *Meetings) Update(ctx context.Context, m activity.Meeting) error {
	row := meetingRow{ID: m.ID, Name: m.Name, meetingCloseColumns: closeColumns(m)}
	_, err := r.db.IDB(ctx).NewUpdate().Model(&row).Column("name", "closed_at").WherePK().Exec(ctx)
	return MapError(err)
}
