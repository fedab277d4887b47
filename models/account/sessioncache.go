package account

import (
	"time"

	"koogallery/ttlcache"
)

// sessionCacheTTL is how long a loaded session and its user are reused by one process.
// Loading them was a tenth of a list page's server time; an end or change made by another
// process shows within this time.
const sessionCacheTTL = 2 * time.Second

// sessionCacheMax bounds the cache; past it everything is dropped rather than tracking recency.
const sessionCacheMax = 10000

type cachedSession struct {
	sess Session
	user User
}

// sessionCache keeps recently resumed sessions per process, keyed by the id's hash, on the
// store's clock.
type sessionCache struct {
	c *ttlcache.Cache[string, cachedSession]
}

func newSessionCache() *sessionCache {
	return &sessionCache{c: ttlcache.New[string, cachedSession](sessionCacheTTL, sessionCacheMax)}
}

// get returns a copy of a fresh entry.
func (c *sessionCache) get(hash string, now time.Time) (cachedSession, bool) {
	return c.c.Get(hash, now)
}

func (c *sessionCache) put(hash string, e cachedSession, now time.Time) { c.c.Put(hash, e, now) }

// touch notes a new last-seen time on a cached session.
func (c *sessionCache) touch(hash string, at time.Time) {
	c.c.Update(hash, func(e *cachedSession) { e.sess.LastSeenAt = at })
}

func (c *sessionCache) drop(hash string) { c.c.Delete(hash) }

// dropUser forgets every cached session of a user.
func (c *sessionCache) dropUser(userID uint) {
	c.c.DeleteFunc(func(_ string, e cachedSession) bool { return e.user.ID == userID })
}

// clear forgets every cached session (after a change shared by many users, like their
// company's details).
func (c *sessionCache) clear() { c.c.Clear() }
