// Package nats publishes outbox messages to NATS JetStream with the official
// github.com/nats-io/nats.go client and its jetstream package, following the
// CloudEvents 1.0 NATS protocol binding in binary mode: the event's
// attributes travel as ce-* headers, the value is the event's JSON, and the
// aggregate id travels as the ce-partitionkey header (the CloudEvents
// partitioning extension), so consumers can keep per-key state.
//
// Every message carries the event id as Nats-Msg-Id, so a batch sent again
// after a failure or a crash is stored once as long as it arrives within the
// stream's duplicate window; and every message but the first of a Publish
// call expects the one before it as the stream's last message id
// (Nats-Expected-Last-Msg-Id), so a failure in the middle of a batch never
// leaves a later event stored without the earlier ones. The same chain lets a
// batch go out with a single acknowledgement, for its last message: when
// that one is stored, so is every message before it. Only when it is not
// (a failure, or a duplicate, which says nothing about the rest) is the batch
// sent again with an acknowledgement per message.
//
// One stream (CAMPUSHUB by default) holds the subjects campushub.>; each
// module publishes to campushub.<module>.v1. The publisher creates or
// updates the stream when it first reaches the servers (when allowed to), so
// the service starts while NATS is unreachable and catches up once it
// answers.
//
// Server runs a NATS server with JetStream inside the process (the embedded
// broker), Ping answers readiness probes, and Tail prints the events of a
// subject for people checking what the service emits.
package nats
