package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/notice"
	"koogallery/ttlcache"
	"koogallery/views/layouts"
	"koogallery/views/notices"
	"koogallery/web"
)

// Notices serves the in-site messages (站内信) of one area: the buyer console's
// /console/notices or the seller center's /seller/notices. A seller sees their own messages
// and their company's.
type Notices struct {
	store   *models.Store
	base    string // the list's path
	areaKey string // i18n key of the area
	areaURL string
	layout  func(title string) func(templ.Component) templ.Component
	unread  *UnreadCounter
}

// Routes registers the list, "mark read" and "mark all read" under the area's group.
func (h *Notices) Routes(g *echo.Group) {
	g.GET("/notices", h.List)
	g.POST("/notices/read-all", h.ReadAll)
	g.POST("/notices/:id/read", h.Read)
}

// List shows the user's messages, newest first.
func (h *Notices) List(c echo.Context) error {
	ctx, owner := c.Request().Context(), account.NoticeOwner(web.CurrentUser(c))
	page, err := h.store.Notices(ctx, owner, pageParam(c))
	if err != nil {
		return err
	}
	unread, err := h.store.UnreadNotices(ctx, owner)
	if err != nil {
		return err
	}
	vm := notices.ListVM{Page: page, Unread: unread, Base: h.base, AreaKey: h.areaKey, AreaURL: h.areaURL}
	return web.Render(c, http.StatusOK, notices.List(vm), h.layout(web.T(c, "notice.title")))
}

// Read marks one of the user's messages read; with ?open=1 it then goes to the message's link.
// Another user's message is a 404 and stays unread.
func (h *Notices) Read(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := h.store.MarkNoticeRead(c.Request().Context(), account.NoticeOwner(web.CurrentUser(c)), id)
	h.unread.forget(web.CurrentUser(c))
	if err != nil {
		return err
	}
	if c.QueryParam("open") == "1" {
		if next := web.SafeNext(n.Link); next != "" {
			return web.SeeOther(c, next)
		}
	}
	web.Flash(c, web.FlashSuccess, "notice.marked_read")
	return web.SeeOther(c, h.base)
}

// ReadAll marks every unread message of the user read.
func (h *Notices) ReadAll(c echo.Context) error {
	if _, err := h.store.MarkAllNoticesRead(c.Request().Context(), account.NoticeOwner(web.CurrentUser(c))); err != nil {
		return err
	}
	h.unread.forget(web.CurrentUser(c))
	web.Flash(c, web.FlashSuccess, "notice.marked_all_read")
	return web.SeeOther(c, h.base)
}

// UnreadCounter counts users' unread messages for the top bar's bell (web.Options.UnreadCount):
// one COUNT for buyers and sellers, none for anyone else, reused for up to two seconds (the
// count ran on every page); a user's own "mark read" forgets it at once. A failing count shows
// no badge rather than failing the page.
type UnreadCounter struct {
	store *models.Store
	cache *ttlcache.Cache[notice.NoticeOwner, int]
}

// unreadTTL is how long a count is reused; unreadMax bounds the counts kept.
const (
	unreadTTL = 2 * time.Second
	unreadMax = 10000
)

// NewUnreadCounter makes a counter over the store.
func NewUnreadCounter(store *models.Store) *UnreadCounter {
	return &UnreadCounter{store: store, cache: ttlcache.New[notice.NoticeOwner, int](unreadTTL, unreadMax)}
}

// Count is the user's unread message count.
func (u *UnreadCounter) Count(ctx context.Context, user *account.User) int {
	if layouts.NoticesHref(user) == "" {
		return 0
	}
	owner, now := account.NoticeOwner(user), time.Now()
	if n, ok := u.cache.Get(owner, now); ok {
		return n
	}
	n, err := u.store.UnreadNotices(ctx, owner)
	if err != nil {
		return 0
	}
	u.cache.Put(owner, int(n), now)
	return int(n)
}

// forget drops a user's cached count after they read messages.
func (u *UnreadCounter) forget(user *account.User) {
	if u == nil {
		return
	}
	u.cache.Delete(account.NoticeOwner(user))
}
