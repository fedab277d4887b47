package account

import (
	"sync"
	"time"
)

// sessionCacheTTL is how long a loaded session and its user are reused by one process.
// Loading them was a tenth of a list page's server time; an end or change made by another
// process shows within this time.
const sessionCacheTTL = 2 * time.Second

// sessionCacheMax bounds the cache; past it everything is dropped rather than tracking recency.
const sessionCacheMax = 10000

type cachedSession struct {
	sess   Session
	user   User
	loaded time.Time
}

// sessionCache keeps recently resumed sessions per process, keyed by the id's hash.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]cachedSession{}} }

// get returns a copy of a fresh entry.
func (c *sessionCache) get(hash string, now time.Time) (cachedSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.loaded) >= sessionCacheTTL || now.Before(e.loaded) {
		return cachedSession{}, false
	}
	return e, true
}

func (c *sessionCache) put(hash string, e cachedSession, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= sessionCacheMax {
		clear(c.m)
	}
	e.loaded = now
	c.m[hash] = e
}

// touch notes a new last-seen time on a cached session.
func (c *sessionCache) touch(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[hash]; ok {
		e.sess.LastSeenAt = at
		c.m[hash] = e
	}
}

func (c *sessionCache) drop(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, hash)
}

// dropUser forgets every cached session of a user.
func (c *sessionCache) dropUser(userID uint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if e.user.ID == userID {
			delete(c.m, k)
		}
	}
}

// clear forgets every cached session (after a change shared by many users, like their
// company's details).
func (c *sessionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
