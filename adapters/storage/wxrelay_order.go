package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/campushub/campushub/domain/wxrelay"
)

// headOfKey limits a claim of wx_deliveries to deliveries without an
// ordering key, and to those that are the oldest pending delivery of
// their project and key: a key is delivered one delivery at a time, in id
// (receipt) order, and a key whose head keeps failing holds back only
// itself. headOfKeyAlias is the same for bun queries, where the table has
// an alias.
var (
	headOfKey      = headOfKeyFor("wx_deliveries")
	headOfKeyAlias = headOfKeyFor("?TableAlias")
)

func headOfKeyFor(table string) string {
	return strings.ReplaceAll(`(T.order_key = '' OR NOT EXISTS (SELECT 1 FROM wx_deliveries AS o
		WHERE o.project_id = T.project_id AND o.order_key = T.order_key AND o.status = '`+string(wxrelay.DeliveryPending)+`' AND o.id < T.id))`,
		"T.", table+".")
}

// The ordering columns: projects opt in; events carry their key, and a
// delivery to an ordered project copies it. The index of pending keyed
// deliveries (partial on PostgreSQL and SQLite, where unordered
// deliveries never enter it) answers the head-of-key check.
func init() {
	Register(Migration{ID: "0340_wxrelay_ordered", Up: func(ctx context.Context, db bun.IDB, d Dialect) error {
		cols := []struct{ table, name, typ string }{
			{"wx_push_projects", "ordered", "BOOLEAN NOT NULL DEFAULT FALSE"},
			{"wx_events", "order_key", "VARCHAR(200) NOT NULL DEFAULT ''"},
			{"wx_deliveries", "order_key", "VARCHAR(200) NOT NULL DEFAULT ''"},
		}
		for _, c := range cols {
			if err := addColumn(ctx, db, d, c.table, c.name, c.typ); err != nil {
				return err
			}
		}
		if d == MySQL {
			return CreateIndex(ctx, db, d, (*wxDeliveryRow)(nil), "wx_deliveries_key_idx", false, "project_id", "order_key", "status", "id")
		}
		_, err := db.ExecContext(ctx, fmt.Sprintf(
			"CREATE INDEX IF NOT EXISTS wx_deliveries_key_idx ON wx_deliveries (project_id, order_key, id) WHERE status = '%s' AND order_key <> ''",
			wxrelay.DeliveryPending))
		return err
	}})
}

// SetOrdering gives a project's pending and held deliveries their events'
// ordering keys (ordered) or clears them, so a change of the project's
// choice applies to what it has not received yet.
func (r *WXDeliveries) SetOrdering(ctx context.Context, projectID int64, ordered bool) error {
	q := r.db.IDB(ctx).NewUpdate().Model((*wxDeliveryRow)(nil)).
		Where("project_id = ?", projectID).
		Where("status IN (?)", bun.List([]string{string(wxrelay.DeliveryPending), string(wxrelay.DeliveryHeld)}))
	if ordered {
		q = q.Set("order_key = (SELECT e.order_key FROM wx_events AS e WHERE e.id = ?TableAlias.event_id)")
	} else {
		q = q.Set("order_key = ''")
	}
	_, err := q.Exec(ctx)
	return err
}
