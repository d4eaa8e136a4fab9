package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/campushub/campushub/domain/shared"
)

// sqliteOutbox appends outbox rows given as [topic, type, aggregate_id,
// payload, occurred_at] arrays, on SQLite, in one prepared statement.
const sqliteOutbox = `INSERT INTO outbox (topic, type, aggregate_id, payload, occurred_at, lease_owner)
	SELECT value->>0, value->>1, value->>2, value->>3, value->>4, '' FROM jsonb_each(?)`

// AppendEvents writes the events of delivery outcomes to the outbox in the
// transaction carried by ctx, as Outbox.Append does. The dispatcher writes
// one event per finished delivery, so on SQLite it saves the parsing of a
// statement that grows with the batch by using a prepared one instead.
func (r *WXDeliveries) AppendEvents(ctx context.Context, events ...shared.Event) error {
	if len(events) == 0 {
		return nil
	}
	if r.db.Dialect != SQLite {
		return NewOutbox(r.db).Append(ctx, events...)
	}
	values := make([][5]string, len(events))
	texts := make([]string, 0, 3*len(events))
	for i, e := range events {
		body, err := json.Marshal(e.Payload)
		if err != nil {
			return fmt.Errorf("outbox: encode %s: %w", e.FullType(), err)
		}
		values[i] = [5]string{e.Topic(), e.FullType(), e.AggregateID, string(body), sqliteTime(e.OccurredAt)}
		texts = append(texts, e.Topic(), e.FullType(), e.AggregateID)
	}
	param, ok := jsonParam(values, texts...)
	if !ok {
		return NewOutbox(r.db).Append(ctx, events...)
	}
	st, err := r.stmts.stmt(ctx, r.db, sqliteOutbox)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, param)
	return err
}
