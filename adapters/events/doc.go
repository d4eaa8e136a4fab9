// Package events moves committed domain events from the outbox table to a
// broker. The Relay claims unpublished rows in id order, hands them to a
// ports.Publisher in batches, marks them published and prunes them after a
// retention period; the brokers themselves live in sub-packages (kafka).
//
// Delivery is at least once: a row is marked published only after the
// broker acknowledged it, so a crash or failure between the two sends it
// again, and consumers deduplicate by the event id (ce_id).
//
// Order per key. Rows are published in id order, and one aggregate's rows
// get their ids in commit order: a change writes the aggregate's row before
// it appends its events, and that row lock serialises the changes. Two relays publishing disjoint ranges of
// rows at the same time could still interleave one key's events, so only one
// relay publishes at a time: replicas compete for a lease (a relay_leases
// row that its owner renews and another replica takes over once it expires)
// and the others stand by. The lease holder claims each batch under row
// leases, and only ever a prefix of the unpublished rows: it never skips a
// row leased to someone else, so a replica that lost the lease in the middle
// of a batch cannot be overtaken either. On PostgreSQL and MySQL the claim
// also locks the rows with FOR UPDATE SKIP LOCKED (a skipped row ends the
// prefix); SQLite serialises writers, so there the row leases suffice. A
// failed batch is retried as a whole after an exponential, jittered backoff;
// the publisher writes a batch so that a failure never leaves a later event
// of a key on the broker without the earlier ones.
//
// With EVENTS_BROKER=none the relay does not run at all: rows stay in the
// outbox, unpublished and queryable, and are never pruned.
package events
