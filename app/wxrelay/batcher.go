package wxrelay

import (
	"context"
	"sync"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// batcher groups concurrent receives into one transaction (group commit).
// The first caller to find no batch running becomes the leader: it stores
// everything queued, batch after batch, until the queue is empty, while the
// others wait for their own batch's outcome. Every push is still answered
// only after the transaction holding it has committed.
type batcher struct {
	mu      sync.Mutex
	queue   []*pendingEvent
	running bool
}

type pendingEvent struct {
	e      wxrelay.Event
	stored bool
	err    error
	done   chan struct{}
}

// maxReceiveBatch bounds how many pushes one transaction stores.
const maxReceiveBatch = 256

// storeTimeout bounds one batch's transaction; the leader's own request
// may end before its followers', so the batch does not use its context.
const storeTimeout = 30 * time.Second

func (b *batcher) submit(ctx context.Context, e wxrelay.Event, store func(context.Context, []wxrelay.Event) ([]bool, error)) (bool, error) {
	p := &pendingEvent{e: e, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if b.running {
		b.mu.Unlock()
		select {
		case <-p.done:
			return p.stored, p.err
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	b.running = true
	for len(b.queue) > 0 {
		n := min(len(b.queue), maxReceiveBatch)
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()
		events := make([]wxrelay.Event, len(batch))
		for i, q := range batch {
			events[i] = q.e
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		stored, err := store(sctx, events)
		cancel()
		for i, q := range batch {
			q.err = err
			if err == nil {
				q.stored = stored[i]
			}
			close(q.done)
		}
		b.mu.Lock()
	}
	b.running = false
	b.mu.Unlock()
	return p.stored, p.err
}
