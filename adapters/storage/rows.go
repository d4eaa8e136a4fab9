package storage

import "context"

// rowByID reads the row of type R with the primary key id and maps it to
// the domain; a missing row is shared.ErrNotFound (MapError).
func rowByID[R interface{ domain() T }, T any](ctx context.Context, db *DB, id int64) (T, error) {
	var row R
	err := db.IDB(ctx).NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	return row.domain(), MapError(err)
}
