package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// On SQLite, parsing and planning a statement costs more than running it,
// and the receive path runs three per batch of pushes. There they are
// fixed statements, prepared once per connection, that read the batch from
// one JSON array parameter through json_each, whatever its size.

const (
	// sqliteClaim inserts new hashes and refreshes those last seen at or
	// before the window's start, returning both (the fresh ones).
	sqliteClaim = `INSERT INTO wx_event_dedup (body_hash, seen_at)
		SELECT value, ? FROM json_each(?) WHERE true
		ON CONFLICT (body_hash) DO UPDATE SET seen_at = excluded.seen_at
		WHERE wx_event_dedup.seen_at <= ?
		RETURNING body_hash`
	// sqliteEvents inserts events given as [app_key, school_code, event,
	// raw_data, data, body_hash] arrays, all received at the same time.
	sqliteEvents = `INSERT INTO wx_events (app_key, school_code, event, raw_data, data, body_hash, received_at)
		SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, ? FROM json_each(?)
		RETURNING id, body_hash`
	// sqliteFanOut creates a delivery of each event to each valid project.
	sqliteFanOut = `INSERT INTO wx_deliveries
		(event_id, project_id, status, attempts, next_attempt_at, run_started_at, last_error, lease_owner, created_at, updated_at)
		SELECT e.id, p.id, ?, 0, ?, ?, '', '', ?, ? FROM wx_events AS e, wx_push_projects AS p
		WHERE e.id IN (SELECT value FROM json_each(?)) AND p.statu = ? ORDER BY e.id, p.id`
)

// stmtCache prepares statements once and hands them out bound to the
// transaction in ctx.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// stmt returns query prepared, in the transaction carried by ctx if any.
func (c *stmtCache) stmt(ctx context.Context, db *DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	if !ok {
		var err error
		if st, err = db.DB.DB.PrepareContext(ctx, query); err != nil {
			c.mu.Unlock()
			return nil, err
		}
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[query] = st
	}
	c.mu.Unlock()
	if tx, ok := db.IDB(ctx).(bun.Tx); ok {
		return tx.StmtContext(ctx, st), nil
	}
	return st, nil
}

// sqliteTime renders t the way bun writes times to SQLite, so that stored
// times compare and scan alike whichever path wrote them.
func sqliteTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
}

// jsonParam encodes v as a json_each parameter. It reports false when a
// string in v is not valid UTF-8, which JSON cannot carry unchanged.
func jsonParam(v any, texts ...string) (string, bool) {
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return "", false
		}
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}
