package web

import (
	"context"
	"sync"
	"time"

	"koogallery/models"
)

// userCacheTTL is how long a loaded user is reused. Loading the user was a tenth of a list
// page's server time; accounts change rarely, and a change shows within this time.
const userCacheTTL = 2 * time.Second

// userCache keeps recently loaded users per process, so a burst of requests from one session
// looks its user up once.
type userCache struct {
	store *models.Store
	mu    sync.Mutex
	users map[uint]cachedUser
}

type cachedUser struct {
	user    *models.User
	expires time.Time
}

func newUserCache(store *models.Store) *userCache {
	return &userCache{store: store, users: map[uint]cachedUser{}}
}

// get returns the user (a copy callers may keep), loading it when not cached or expired.
func (c *userCache) get(ctx context.Context, id uint) (*models.User, error) {
	now := time.Now()
	c.mu.Lock()
	if e, ok := c.users[id]; ok && now.Before(e.expires) {
		c.mu.Unlock()
		u := *e.user
		return &u, nil
	}
	c.mu.Unlock()
	u, err := c.store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.users) > 10000 { // bounded: drop everything rather than track recency
		clear(c.users)
	}
	c.users[id] = cachedUser{user: u, expires: now.Add(userCacheTTL)}
	c.mu.Unlock()
	cp := *u
	return &cp, nil
}
