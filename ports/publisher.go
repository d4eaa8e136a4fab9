package ports

import (
	"context"
	"time"
)

// OutboxMessage is one committed outbox row on its way to the broker.
type OutboxMessage struct {
	ID         int64     // outbox row id; published as ce_id
	Topic      string    // campushub.<module>.v1
	Type       string    // campushub.<module>.<event>; published as ce_type
	Key        string    // aggregate id; the Kafka message key
	Payload    []byte    // JSON value
	OccurredAt time.Time // published as ce_time
}

// Publisher sends outbox messages to a broker. Publish returns only when
// every message is durably accepted (or with an error, in which case none of
// them count as published and all will be sent again).
type Publisher interface {
	Publish(ctx context.Context, msgs []OutboxMessage) error
	Close() error
}
