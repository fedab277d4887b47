package protocol

import (
	"sync"
	"time"
)

// NonceCache remembers nonces for a fixed time to refuse replays. It holds at most a fixed
// number of entries: when full, the oldest entry is forgotten early. It is safe for
// concurrent use.
type NonceCache struct {
	ttl   time.Duration
	max   int
	mu    sync.Mutex
	seen  map[string]time.Time // nonce → expiry
	order []nonceEntry         // insertion order = expiry order (constant ttl)
	head  int                  // order[:head] are already removed
}

type nonceEntry struct {
	nonce   string
	expires time.Time
}

// NewNonceCache returns a cache that keeps each nonce for ttl and holds at most max.
func NewNonceCache(ttl time.Duration, max int) *NonceCache {
	return &NonceCache{ttl: ttl, max: max, seen: make(map[string]time.Time)}
}

// Remember records nonce at time now and reports true, or reports false if the nonce is
// already remembered and not yet expired.
func (c *NonceCache) Remember(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(now)
	if exp, ok := c.seen[nonce]; ok && now.Before(exp) {
		return false
	}
	for len(c.seen) >= c.max && c.head < len(c.order) {
		c.drop()
	}
	exp := now.Add(c.ttl)
	c.seen[nonce] = exp
	c.order = append(c.order, nonceEntry{nonce, exp})
	return true
}

// Len returns the number of nonces remembered.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

// expire forgets the entries that expired by now.
func (c *NonceCache) expire(now time.Time) {
	for c.head < len(c.order) && !now.Before(c.order[c.head].expires) {
		c.drop()
	}
	if c.head > 1024 && c.head*2 > len(c.order) {
		c.order = append(c.order[:0:0], c.order[c.head:]...)
		c.head = 0
	}
}

// drop forgets the oldest entry, unless the nonce was remembered again since.
func (c *NonceCache) drop() {
	e := c.order[c.head]
	c.order[c.head] = nonceEntry{}
	c.head++
	if c.seen[e.nonce].Equal(e.expires) {
		delete(c.seen, e.nonce)
	}
}
