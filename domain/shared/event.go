package shared

import "time"

// Event is something that happened in a module. It is written to the outbox in
// the same transaction as the change that caused it and later published to
// the module's topic (campushub.<Module>.v1).
//
// Payload must be JSON-encodable and must never hold a secret: no password,
// hash, verification code or token.
type Event struct {
	// Module names the bounded context, e.g. "account"; it selects the topic.
	Module string
	// Type is the event name within the module, e.g. "registered"; the
	// published CloudEvents type is "campushub.<Module>.<Type>".
	Type string
	// AggregateID identifies the entity the event is about; it becomes the
	// Kafka key, so events of one aggregate stay in order.
	AggregateID string
	// OccurredAt is when the change happened (UTC).
	OccurredAt time.Time
	// Payload is the event body.
	Payload map[string]any
}

// NewEvent builds an Event with its time in UTC.
func NewEvent(module, typ, aggregateID string, at time.Time, payload map[string]any) Event {
	if payload == nil {
		payload = map[string]any{}
	}
	return Event{Module: module, Type: typ, AggregateID: aggregateID, OccurredAt: at.UTC(), Payload: payload}
}

// FullType is the CloudEvents type of the event: campushub.<module>.<type>.
func (e Event) FullType() string { return "campushub." + e.Module + "." + e.Type }

// Topic is the Kafka topic the event belongs to: campushub.<module>.v1.
func (e Event) Topic() string { return "campushub." + e.Module + ".v1" }
