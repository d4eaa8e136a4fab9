package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/campushub/campushub/domain/shared"
)

// sqliteOutbox appends outbox rows given as [topic, type, aggregate_id,
// payload, occurred_at] arrays, on SQLite, in one prepared statement.
const sqliteOutbox = `INSERT INTO outbox (topic, type, aggregate_id, payload, occurred_at)
	SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM jsonb_each(?)`

// appendSQLite writes events with one prepared statement whatever their
// number, which on SQLite saves parsing a statement that grows with the
// batch. ok is false when the events cannot travel as one JSON parameter
// (text that is not valid UTF-8); the caller then inserts them the usual way.
func (o *Outbox) appendSQLite(ctx context.Context, events []shared.Event) (ok bool, err error) {
	values := make([][5]string, len(events))
	texts := make([]string, 0, 3*len(events))
	for i, e := range events {
		body, err := json.Marshal(e.Payload)
		if err != nil {
			return true, fmt.Errorf("outbox: encode %s: %w", e.FullType(), err)
		}
		values[i] = [5]string{e.Topic(), e.FullType(), e.AggregateID, string(body), sqliteTime(e.OccurredAt)}
		texts = append(texts, e.Topic(), e.FullType(), e.AggregateID)
	}
	param, ok := jsonParam(values, texts...)
	if !ok {
		return false, nil
	}
	st, err := o.db.outboxStmts.stmt(ctx, o.db, sqliteOutbox)
	if err != nil {
		return true, err
	}
	_, err = st.ExecContext(ctx, param)
	return true, err
}
