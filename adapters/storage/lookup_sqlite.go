package storage

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
)

// sqliteLookup returns the SELECT of every column of model's table (model
// a pointer to a bun row struct) where column equals the one parameter: the
// text of a hot lookup kept prepared on SQLite. The column list comes from
// the row struct, so a column added to the struct is read here too.
func sqliteLookup(db *DB, model any, column string) string {
	t := db.DB.Table(reflect.TypeOf(model).Elem())
	cols := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		cols[i] = string(f.SQLName)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + string(t.SQLName) + " WHERE " + column + " = ?"
}

// scanOneSQLite runs the prepared query from stmts (in the transaction
// carried by ctx if any) and scans its first row into dest, a pointer to a
// bun row struct; sql.ErrNoRows when there is none. SQLite parses the SQL
// once per connection instead of once per call.
func scanOneSQLite(ctx context.Context, db *DB, stmts *stmtCache, query string, dest any, args ...any) error {
	st, err := stmts.stmt(ctx, db, query)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := db.DB.ScanRow(ctx, rows, dest); err != nil {
		return err
	}
	return rows.Close()
}
