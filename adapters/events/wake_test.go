package events_test

import (
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/events"
	"github.com/campushub/campushub/test/testenv"
)

// TestRelayPublishesACommitWithoutWaitingForThePoll commits changes one by
// one to a relay whose poll interval is an hour: each is published because
// the commit woke the relay, long before any poll.
func TestRelayPublishesACommitWithoutWaitingForThePoll(t *testing.T) {
	db := openDB(t)
	pub := &recorder{}
	r, _ := startRelay(t, db, pub, events.Config{PollInterval: time.Hour})
	db.OnOutboxCommit(r.Wake)
	for i := 1; i <= 5; i++ {
		appendEvents(t, db, 1, "a")
		testenv.WaitFor(t, time.Minute, "the change to be published without a poll", delivered(pub, i))
	}
	got, _ := pub.snapshot()
	checkDelivery(t, got, 5)
}
