// Package ttlcache is the one short-lived, per-process cache: values reused for a few seconds
// to spare a query on every page (a session and its user, what the service list shows of a
// product, the bell's unread count), on the caller's clock, bounded, and forgotten at once by
// the process's own writes.
//
// It is a leaf: it imports nothing of ours. Why not hashicorp/golang-lru's expirable LRU: its
// entries expire on the wall clock, while the stores run on a clock that tests move; it has
// no way to make stale a value read while a write ran (Gen); every cache runs a goroutine
// that wakes every TTL/100 (20 ms here) until closed; and it allocates a list element per
// entry and reorders the list on every hit. Recency is not worth it for entries that live
// seconds.
package ttlcache

import (
	"sync"
	"sync/atomic"
	"time"
)

// Cache maps keys to values that stay fresh for a while. It is safe for concurrent use. Get
// returns a copy of the value: a caller that changes what it got (a struct's fields) does not
// change the cache; values holding pointers, slices or maps share what those point to, so the
// caller must not write through them.
type Cache[K comparable, V any] struct {
	ttl time.Duration
	max int
	gen atomic.Uint64 // moves on at every Clear
	mu  sync.Mutex
	m   map[K]entry[V]
}

type entry[V any] struct {
	v       V
	at      time.Time // when v was read
	expires time.Time
	gen     uint64 // the cache's generation before v was read
}

// New makes a cache whose values stay fresh for ttl and which holds at most max entries:
// past max everything is dropped, rather than tracking recency (the entries live seconds).
func New[K comparable, V any](ttl time.Duration, max int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, max: max, m: map[K]entry[V]{}}
}

// Get returns a copy of k's value if it is fresh at now: read less than its time to live
// before now (and not after now: a clock moved back forgets it) and since the last Clear.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	gen := c.gen.Load()
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || e.gen != gen || now.Before(e.at) || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v for k, read at now; it stays fresh for the cache's time to live.
func (c *Cache[K, V]) Put(k K, v V, now time.Time) { c.PutRead(k, v, now, c.ttl, c.gen.Load()) }

// Gen is the cache's generation, which every Clear moves on. Take it before reading a value
// and give it to PutRead: a Clear meanwhile (a write the value may not show) makes the value
// stale at once.
func (c *Cache[K, V]) Gen() uint64 { return c.gen.Load() }

// PutRead stores v for k, read at now after Gen returned gen; it stays fresh for ttl.
func (c *Cache[K, V]) PutRead(k K, v V, now time.Time, ttl time.Duration, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = entry[V]{v: v, at: now, expires: now.Add(ttl), gen: gen}
}

// Update changes k's value in place, if the cache has one; its time to live is unchanged.
func (c *Cache[K, V]) Update(k K, change func(v *V)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		change(&e.v)
		c.m[k] = e
	}
}

// Delete forgets k.
func (c *Cache[K, V]) Delete(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// DeleteFunc forgets every entry for which del reports true.
func (c *Cache[K, V]) DeleteFunc(del func(k K, v V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if del(k, e.v) {
			delete(c.m, k)
		}
	}
}

// Clear forgets every entry, and makes stale a value being read meanwhile (see Gen). It takes
// no lock: it may run in every write's path.
func (c *Cache[K, V]) Clear() { c.gen.Add(1) }
