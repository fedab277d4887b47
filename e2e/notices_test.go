package e2e

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"gorm.io/gorm"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

// In-site messages: the bell counts a user's unread messages with one query per full page, the
// message pages list them newest first in the user's language, and "mark all read" clears them.
func TestNoticesBellAndPages(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runNotices(t, d) })
	}
}

func runNotices(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	db := srv.App.Store.DB()
	id := func(email string) account.User {
		var u account.User
		noErr(t, db.Where("email = ?", email).First(&u).Error)
		return u
	}
	buyerU, sellerU := id("buyer@demo.test"), id("seller@demo.test")
	now := time.Now().UTC()
	add := func(n notice.Notice) notice.Notice {
		n.CreatedAt = now
		now = now.Add(time.Second)
		noErr(t, db.Create(&n).Error)
		return n
	}
	add(notice.Notice{UserID: &buyerU.ID, Kind: "open_failed", Text: "notice-old CRM · CS001", Link: "/console/orders"})
	newest := add(notice.Notice{UserID: &buyerU.ID, Kind: "no_such_kind", Text: "notice-new"})
	add(notice.Notice{SellerID: sellerU.SellerID, Kind: "call_failed", Text: "notice-company"})

	// Count the queries on notices a page makes.
	var noticeQueries atomic.Int64
	noErr(t, db.Callback().Query().After("gorm:query").Register("test:count_notices", func(tx *gorm.DB) {
		if tx.Statement.Table == "notices" {
			noticeQueries.Add(1)
		}
	}))

	buyer := srv.Client(t)
	buyer.Login("buyer@demo.test")
	noticeQueries.Store(0)
	home := buyer.Get("/console/services")
	if home.Status != http.StatusOK {
		t.Fatalf("services page: %d", home.Status)
	}
	if n := noticeQueries.Load(); n != 1 {
		t.Errorf("a page made %d queries on notices, want 1", n)
	}
	doc := parseHTML(t, home.Body)
	bell := doc.Find(`[data-testid="notice-bell"]`)
	if href, _ := bell.Attr("href"); href != "/console/notices" {
		t.Errorf("bell links to %q", href)
	}
	if got := strings.TrimSpace(bell.Find(`[data-testid="notice-unread"]`).Text()); got != "2" {
		t.Errorf("bell shows %q unread, want 2", got)
	}
	if doc.Find(`.sidenav a[href="/console/notices"]`).Length() != 1 {
		t.Errorf("the console navigation lacks the messages page")
	}
	// An htmx fragment has no top bar, so no count.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/console/services", nil)
	req.Header.Set("HX-Request", "true")
	noticeQueries.Store(0)
	buyer.Do(req)
	if n := noticeQueries.Load(); n != 0 {
		t.Errorf("a fragment made %d queries on notices", n)
	}

	page := buyer.Get("/console/notices")
	if page.Status != http.StatusOK {
		t.Fatalf("notices page: %d", page.Status)
	}
	doc = parseHTML(t, page.Body)
	rows := doc.Find(`[data-testid="notice-row"]`)
	if rows.Length() != 2 {
		t.Fatalf("%d rows, want the buyer's 2", rows.Length())
	}
	if got := rows.First().Find(`[data-testid="notice-text"]`).Text(); got != "notice-new" {
		t.Errorf("first row %q, want the newest", got)
	}
	if got := rows.First().Find(`[data-testid="notice-title"]`).Text(); got != "系统通知" {
		t.Errorf("unknown kind's title %q, want the generic one", got)
	}
	if got := rows.Last().Find(`[data-testid="notice-title"]`).Text(); got != "商品开通失败，已全额退款" {
		t.Errorf("open_failed title %q", got)
	}
	if strings.Contains(page.Body, "notice-company") {
		t.Errorf("a buyer sees a seller company's message")
	}
	if en := buyer.Get("/console/notices?lang=en"); !strings.Contains(en.Body, "The service could not be opened") {
		t.Errorf("English page lacks the English title")
	}

	// Opening a message marks it read and follows its link; marking all clears the bell.
	res := buyer.PostForm("/console/notices/"+itoa(newest.ID)+"/read?open=1", nil)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/console/notices" {
		t.Errorf("open without a link: %d → %q", res.Status, res.Header.Get("Location"))
	}
	doc = parseHTML(t, buyer.Get("/console/notices").Body)
	if got, _ := doc.Find(`[data-testid="notice-row"][data-id="` + itoa(newest.ID) + `"]`).Attr("data-read"); got != "true" {
		t.Errorf("an opened message is not read (data-read=%q)", got)
	}
	if got := doc.Find(`[data-testid="notice-bell"] [data-testid="notice-unread"]`).Text(); got != "1" {
		t.Errorf("bell after opening one: %q, want 1", got)
	}
	old := doc.Find(`[data-testid="notice-row"][data-read="false"]`)
	if id, _ := old.Attr("data-id"); id == "" {
		t.Fatalf("no unread row left")
	}
	if res := buyer.PostForm("/console/notices/"+mustAttr(t, old, "data-id")+"/read?open=1", nil); res.Header.Get("Location") != "/console/orders" {
		t.Errorf("opening a message with a link went to %q", res.Header.Get("Location"))
	}
	buyer.Get("/console/orders") // shows (and so clears) the flash
	add(notice.Notice{UserID: &buyerU.ID, Kind: "open_failed", Text: "notice-third"})
	res = buyer.PostForm("/console/notices/read-all", nil)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/console/notices" {
		t.Fatalf("read all: %d → %q", res.Status, res.Header.Get("Location"))
	}
	doc = parseHTML(t, buyer.Get("/console/notices").Body)
	if doc.Find(`[data-testid="notice-unread"]`).Length() != 0 || doc.Find(`[data-testid="notice-read-all"]`).Length() != 0 {
		t.Errorf("after mark all the bell or the button still shows")
	}
	if doc.Find(`[data-testid="flash-success"]`).Length() != 1 {
		t.Errorf("no confirmation after mark all")
	}
	if doc.Find(`[data-read="false"]`).Length() != 0 {
		t.Errorf("unread rows remain after mark all")
	}

	// The seller company's message is in the seller center, not the buyer's.
	seller := srv.Client(t)
	seller.Login("seller@demo.test")
	doc = parseHTML(t, seller.Get("/seller/notices").Body)
	if got := doc.Find(`[data-testid="notice-title"]`).Text(); got != "生产接口调用失败" {
		t.Errorf("seller's messages: %q", got)
	}
	if got := doc.Find(`[data-testid="notice-bell"] [data-testid="notice-unread"]`).Text(); got != "1" {
		t.Errorf("seller bell %q, want 1", got)
	}
	other := srv.Client(t)
	other.Login("seller2@demo.test")
	if strings.Contains(other.Get("/seller/notices").Body, "notice-company") {
		t.Errorf("another seller company sees the message")
	}
	admin := srv.Client(t)
	admin.Login("admin@demo.test")
	if parseHTML(t, admin.Get("/admin").Body).Find(`[data-testid="notice-bell"]`).Length() != 0 {
		t.Errorf("admins get a bell without a messages page")
	}
}

func mustAttr(t *testing.T, s *goquery.Selection, name string) string {
	t.Helper()
	v, ok := s.Attr(name)
	if !ok {
		t.Fatalf("no %s attribute", name)
	}
	return v
}
