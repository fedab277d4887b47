package account

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// Session lifetimes, enforced by the server whatever the cookie says.
const (
	SessionLifetime = 12 * time.Hour // from login, whatever happens
	SessionIdle     = 2 * time.Hour  // without a request
	// touchEvery is how stale a session's last-seen time may get before a request writes it.
	touchEvery = time.Minute
	// rotateGrace is how long a session replaced by a new id still serves requests that were
	// already under way with the old cookie (a page firing several requests at once).
	rotateGrace = 30 * time.Second
)

// Why a session ended.
const (
	EndLogout   = "logout"
	EndOthers   = "others"   // the user signed out their other sessions
	EndRevoked  = "revoked"  // the user signed out this one from another
	EndPassword = "password" // the password changed or was reset
	EndRotated  = "rotated"  // replaced by a new session id after a change of privileges
	EndRemoved  = "removed"  // the account left its company or lost its role
)

// Session is a signed-in browser. The cookie carries a random id; only its SHA-256 is stored.
type Session struct {
	ID          uint      `gorm:"primaryKey"`
	TokenHash   string    `gorm:"size:64;not null;uniqueIndex"`
	UserID      uint      `gorm:"not null;index"`
	AuthVersion int       `gorm:"not null"`
	IP          string    `gorm:"size:64;not null"`
	UserAgent   string    `gorm:"size:255;not null"`
	CreatedAt   time.Time `gorm:"not null"`
	LastSeenAt  time.Time `gorm:"not null"`
	ExpiresAt   time.Time `gorm:"not null"`
	EndedAt     *time.Time
	EndReason   string `gorm:"size:16;not null;default:''"`
}

// ErrNoSession: the cookie's session is unknown, ended or timed out; the visitor is anonymous.
var ErrNoSession = errors.New("no session")

// StartSession signs a user in: a new session with a fresh id, returned for the cookie.
func (s *Store) StartSession(ctx context.Context, u *User, ip, userAgent string) (string, error) {
	raw, hash := newSecret()
	now := s.db.Now()
	sess := &Session{TokenHash: hash, UserID: u.ID, AuthVersion: u.AuthVersion, IP: clipIP(ip), UserAgent: sqldb.ClipText(userAgent, 255),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
	return raw, s.conn(ctx).Create(sess).Error
}

// Resumed is a request's session: who it is, and the new id when it was just rotated.
type Resumed struct {
	Session *Session
	User    *User
	// NewToken is set when the session got a new id (the account's privileges changed): the
	// cookie must carry it from now on.
	NewToken string
}

// Resume finds the session of a cookie's id and checks its lifetime and idle time. A session
// made under older privileges gets a new id. Sessions are reused from a per-process cache for
// at most sessionCacheTTL, so an end made by another server process takes effect within that
// time; ends made by this process take effect at once.
func (s *Store) Resume(ctx context.Context, token string) (*Resumed, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	hash := hashSecret(token)
	now := s.db.Now()
	e, ok := s.sessions.get(hash, now)
	if !ok {
		var sess Session
		if err := s.conn(ctx).Where("token_hash = ?", hash).First(&sess).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, ErrNoSession
			}
			return nil, err
		}
		u, err := s.UserByID(ctx, sess.UserID)
		if errors.Is(err, sqldb.ErrNotFound) {
			return nil, ErrNoSession
		}
		if err != nil {
			return nil, err
		}
		e = cachedSession{sess: sess, user: *u}
		s.sessions.put(hash, e, now)
	}
	sess, u := e.sess, e.user
	switch {
	case sess.EndedAt != nil && !(sess.EndReason == EndRotated && now.Sub(*sess.EndedAt) < rotateGrace):
		return nil, ErrNoSession
	case !now.Before(sess.ExpiresAt), now.Sub(sess.LastSeenAt) >= SessionIdle:
		return nil, ErrNoSession
	}
	if sess.EndedAt != nil {
		// A replaced id serves only while its replacement does: signing out (or any other end)
		// within the grace ends the old id with it.
		open, err := s.successorOpen(ctx, &sess)
		if err != nil {
			return nil, err
		}
		if !open {
			return nil, ErrNoSession
		}
	}
	r := &Resumed{Session: &sess, User: &u}
	if sess.EndedAt == nil && sess.AuthVersion != u.AuthVersion {
		return r, s.rotate(ctx, r, hash, now)
	}
	if sess.EndedAt == nil && now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.conn(ctx).Model(&Session{}).Where("id = ? AND last_seen_at < ?", sess.ID, now).Update("last_seen_at", now).Error; err != nil {
			return nil, err
		}
		r.Session.LastSeenAt = now
		s.sessions.touch(hash, now)
	}
	return r, nil
}

// rotate replaces the session with a new id under the account's current privileges; its
// lifetime still counts from the original sign-in. Of two requests rotating at once, one
// does it; the other goes on under the old id's grace.
func (s *Store) rotate(ctx context.Context, r *Resumed, hash string, now time.Time) error {
	raw, newHash := newSecret()
	old := r.Session
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Session{}).Where("id = ? AND ended_at IS NULL", old.ID).Updates(map[string]any{"ended_at": now, "end_reason": EndRotated})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		next := &Session{TokenHash: newHash, UserID: old.UserID, AuthVersion: r.User.AuthVersion, IP: old.IP, UserAgent: old.UserAgent,
			CreatedAt: old.CreatedAt, LastSeenAt: now, ExpiresAt: old.ExpiresAt}
		if err := tx.Create(next).Error; err != nil {
			return err
		}
		r.Session, r.NewToken = next, raw
		return nil
	})
	s.sessions.drop(hash)
	return err
}

// successorOpen reports whether a session replaced by rotation has a replacement that is still
// open. Rotation keeps the sign-in and expiry times, which tell a session's replacements.
func (s *Store) successorOpen(ctx context.Context, old *Session) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&Session{}).Where("user_id = ? AND id > ? AND created_at = ? AND expires_at = ? AND ended_at IS NULL",
		old.UserID, old.ID, old.CreatedAt, old.ExpiresAt).Count(&n).Error
	return n > 0, err
}

// EndSession signs a session out (logout): its cookie no longer works anywhere.
func (s *Store) EndSession(ctx context.Context, token string) error {
	hash := hashSecret(token)
	s.sessions.drop(hash)
	return s.conn(ctx).Model(&Session{}).Where("token_hash = ? AND ended_at IS NULL", hash).
		Updates(map[string]any{"ended_at": s.db.Now(), "end_reason": EndLogout}).Error
}

// EndOtherSessions signs out every session of the user but the one with keepID; it reports
// how many ended.
func (s *Store) EndOtherSessions(ctx context.Context, userID, keepID uint) (int64, error) {
	res := endSessions(s.conn(ctx), s.db.Now(), userID, keepID, EndOthers)
	s.sessions.dropUser(userID)
	return res.RowsAffected, res.Error
}

// EndSessionOf signs out one of the user's sessions by its id (from the sessions list); a
// session of anyone else is sqldb.ErrNotFound.
func (s *Store) EndSessionOf(ctx context.Context, userID, sessionID uint) error {
	res := s.conn(ctx).Model(&Session{}).Where("id = ? AND user_id = ? AND ended_at IS NULL", sessionID, userID).
		Updates(map[string]any{"ended_at": s.db.Now(), "end_reason": EndRevoked})
	s.sessions.dropUser(userID)
	if res.Error == nil && res.RowsAffected == 0 {
		return sqldb.ErrNotFound
	}
	return res.Error
}

// endSessions ends every open session of a user except keepID (0: all) inside tx.
func endSessions(tx *gorm.DB, now time.Time, userID, keepID uint, reason string) *gorm.DB {
	return tx.Model(&Session{}).Where("user_id = ? AND id <> ? AND ended_at IS NULL", userID, keepID).
		Updates(map[string]any{"ended_at": now, "end_reason": reason})
}

// ActiveSessions lists the user's sessions that still work, the most recently used first.
func (s *Store) ActiveSessions(ctx context.Context, userID uint) ([]Session, error) {
	now := s.db.Now()
	var out []Session
	err := s.conn(ctx).Where("user_id = ? AND ended_at IS NULL AND expires_at > ? AND last_seen_at > ?", userID, now, now.Add(-SessionIdle)).
		Order("last_seen_at DESC, id DESC").Limit(50).Find(&out).Error
	return out, err
}

// ForgetCached drops what this process remembers of a user's sessions, after a change to the
// user made elsewhere in this process (their next request reloads them).
func (s *Store) ForgetCached(userID uint) { s.sessions.dropUser(userID) }

func clipIP(ip string) string { return sqldb.ClipText(ip, 64) }
