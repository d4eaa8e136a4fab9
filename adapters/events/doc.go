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
// it appends its events, and that row lock serialises the changes. Two
// relays publishing disjoint ranges of rows at the same time could still
// interleave one key's events, so only one relay publishes at a time:
// replicas compete for a lease (a relay_leases row that its owner renews and
// another replica takes over once it expires) and the others stand by. The
// lease holder claims each batch under a claim lease on the head of the
// outbox (the outbox_claims row: the highest claimed id and an expiry, taken
// with one conditional UPDATE), and only ever a prefix of the unpublished
// rows, never one that another relay's unexpired claim covers, so a replica
// that lost the relay lease in the middle of a batch cannot be overtaken
// either.
//
// Leases. Both leases are short (Config.LeaseTTL, 5s by default) and a
// goroutine beside the publishing loop renews them every LeaseTTL/4, so a
// slow publish never lets them lapse; should the renewals fail until the
// claim is about to expire, the publish in flight is abandoned rather than
// outlive the claim. A relay that stops gracefully releases both at once; one
// that was killed leaves them to expire, and a standby takes over about
// LeaseTTL later. A standby logs once whose lease or claim it waits for and
// until when.
//
// Pipeline. While one batch is on its way to the broker, the relay marks the
// batch before it published (on PostgreSQL and MySQL on a connection of its
// own) and claims the next one, leaving the rows still in flight out of the
// claim; the next batch goes to the broker only once the one in flight was
// acknowledged. A failed batch is retried from the head of the queue after
// an exponential, jittered backoff; the publisher writes a batch so that a
// failure never leaves a later event of a key on the broker without the
// earlier ones.
//
// Waking. A Relay is a background worker like the dispatchers: Run, and
// Wake when rows may be waiting. The unit of work calls Wake after every
// commit in the process that appended to the outbox, so a change is claimed
// at once; the poll (Config.PollInterval) finds the rows of other processes.
// While a batch is in flight the relay waits for it to land before it
// claims again, so the next batch holds every row committed meanwhile.
// Retry, not Wake, ends the backoff after a failed publish.
//
// With EVENTS_BROKER=none the relay does not run at all: rows stay in the
// outbox, unpublished and queryable, and are never pruned.
package events
