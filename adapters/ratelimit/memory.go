package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	memoryShards = 64
	maxPerShard  = 16384 // at most ~1M keys in all; beyond, the stalest go
	sweepEvery   = time.Minute
)

// Memory is a Store in this process's memory: exact for one replica, and
// what SQLite deployments (one replica) use. Buckets are
// golang.org/x/time/rate limiters; a bucket untouched for as long as it
// takes to refill is full again and is dropped, so memory follows the
// number of clients active in the last period, at most about a million keys
// (past that the least recently seen of a shard is dropped: that client
// gets a fresh bucket).
type Memory struct {
	seed   maphash.Seed
	shards [memoryShards]memShard
}

type memShard struct {
	mu        sync.Mutex
	buckets   map[string]*memBucket
	counters  map[string]memCounter
	nextSweep time.Time
}

type memBucket struct {
	lim  *rate.Limiter
	per  time.Duration
	seen time.Time
}

type memCounter struct {
	n   int
	end time.Time
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	m := &Memory{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].buckets = map[string]*memBucket{}
		m.shards[i].counters = map[string]memCounter{}
	}
	return m
}

var _ Store = (*Memory)(nil)

func (m *Memory) shard(key string) *memShard {
	return &m.shards[maphash.String(m.seed, key)%memoryShards]
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, key string, r Rate, now time.Time) (bool, time.Duration, error) {
	if r.Off() {
		return true, 0, nil
	}
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	b := s.buckets[key]
	if b == nil {
		if len(s.buckets) >= maxPerShard {
			s.evictStalest()
		}
		b = &memBucket{lim: rate.NewLimiter(rate.Every(r.Interval()), r.Burst), per: r.Per}
		s.buckets[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, r.Per, nil
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d, nil
	}
	return true, 0, nil
}

// Count implements Store.
func (m *Memory) Count(_ context.Context, key string, limit int, until, now time.Time) (bool, error) {
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	c := s.counters[key]
	if !now.Before(c.end) {
		c = memCounter{}
	}
	if c.n >= limit {
		return false, nil
	}
	s.counters[key] = memCounter{n: c.n + 1, end: until}
	return true, nil
}

// Len is the number of buckets and counters held, for tests and metrics.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.buckets) + len(s.counters)
		s.mu.Unlock()
	}
	return n
}

// sweep drops, at most once a minute, buckets that are full again and
// counters of windows that ended.
func (s *memShard) sweep(now time.Time) {
	if now.Before(s.nextSweep) {
		return
	}
	s.nextSweep = now.Add(sweepEvery)
	for k, b := range s.buckets {
		if now.Sub(b.seen) >= b.per {
			delete(s.buckets, k)
		}
	}
	for k, c := range s.counters {
		if !now.Before(c.end) {
			delete(s.counters, k)
		}
	}
}

func (s *memShard) evictStalest() {
	var oldest string
	var at time.Time
	for k, b := range s.buckets {
		if oldest == "" || b.seen.Before(at) {
			oldest, at = k, b.seen
		}
	}
	delete(s.buckets, oldest)
}
