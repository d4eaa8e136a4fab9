package storage

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/wxrelay"
)

// Every delivery changes status once or twice and is leased, by moving its
// next_attempt_at, once per attempt; an index holding those columns takes
// a delete and an insert on each such write. Claims only ever look for
// pending rows, so on PostgreSQL and SQLite the due index becomes partial:
// a delivery leaves it once, when it ends, and the index stays as small as
// the backlog. The project index loses its status column, so a finished
// delivery no longer moves within it. MySQL has no partial indexes and
// keeps its (status, next_attempt_at) due index.
func init() {
	Register(Migration{ID: "0310_wxrelay_pending_idx", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		if d != MySQL {
			_, err := db.ExecContext(ctx, fmt.Sprintf(
				"CREATE INDEX IF NOT EXISTS wx_deliveries_pending_idx ON wx_deliveries (next_attempt_at, id) WHERE status = '%s'",
				wxrelay.DeliveryPending))
			if err != nil {
				return err
			}
			if err := dropIndex(ctx, db, d, "wx_deliveries", "wx_deliveries_due_idx"); err != nil {
				return err
			}
		}
		if err := CreateIndex(ctx, db, d, (*wxDeliveryRow)(nil), "wx_deliveries_project_id_idx", false, "project_id", "id"); err != nil {
			return err
		}
		return dropIndex(ctx, db, d, "wx_deliveries", "wx_deliveries_project_idx")
	}})
}

// dropIndex drops the index name of table if it exists.
func dropIndex(ctx context.Context, db bun.IDB, d Dialect, table, name string) error {
	if d != MySQL {
		_, err := db.ExecContext(ctx, "DROP INDEX IF EXISTS "+name)
		return err
	}
	var n int
	err := db.NewRaw("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?",
		table, name).Scan(ctx, &n)
	if err != nil || n == 0 {
		return err
	}
	_, err = db.ExecContext(ctx, "DROP INDEX "+name+" ON "+table)
	return err
}
