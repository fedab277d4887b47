package models_test

import (
	"errors"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

func TestNoticesScopedToOwner(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		other := account.Seller{Name: "另一家"}
		must(t, s.DB().Create(&other).Error)
		sellerUser := w.user(t, "s1@test.test", account.RoleSeller)
		must(t, s.DB().Model(&sellerUser).Update("seller_id", w.seller.ID).Error)
		sellerUser.SellerID = &w.seller.ID
		otherUser := w.user(t, "s2@test.test", account.RoleSeller)
		must(t, s.DB().Model(&otherUser).Update("seller_id", other.ID).Error)
		otherUser.SellerID = &other.ID

		item := func(userID, sellerID *uint, kind, text string) notice.Notice {
			t.Helper()
			n := notice.Notice{UserID: userID, SellerID: sellerID, Kind: kind, Text: text, CreatedAt: w.clock.Now()}
			must(t, s.DB().Create(&n).Error)
			w.clock.Advance(time.Millisecond) // distinct times
			return n
		}
		b1, b2 := w.buyer.ID, w.buyer2.ID
		buyerOld := item(&b1, nil, "open_failed", "buyer old")
		buyerNew := item(&b1, nil, "open_failed", "buyer new")
		buyer2N := item(&b2, nil, "open_failed", "buyer2")
		company := item(nil, &w.seller.ID, "call_failed", "company")
		item(&sellerUser.ID, nil, "something_else", "personal")
		otherCompany := item(nil, &other.ID, "call_failed", "other company")

		buyer := account.NoticeOwner(&w.buyer)
		seller := account.NoticeOwner(&sellerUser)
		if seller.SellerID != w.seller.ID || seller.UserID != sellerUser.ID {
			t.Fatalf("account.NoticeOwner(seller) = %+v", seller)
		}
		if b := account.NoticeOwner(&w.buyer); b.SellerID != 0 {
			t.Fatalf("a buyer owns company notices: %+v", b)
		}

		// Lists: newest first, only the owner's.
		page, err := s.Notices(ctx, buyer, 1)
		must(t, err)
		if got := texts(page.Items); got != "buyer new,buyer old" {
			t.Errorf("buyer's notices = %s", got)
		}
		page, err = s.Notices(ctx, seller, 1)
		must(t, err)
		if got := texts(page.Items); got != "personal,company" {
			t.Errorf("seller's notices = %s", got)
		}
		page, err = s.Notices(ctx, notice.NoticeOwner{}, 1)
		must(t, err)
		if len(page.Items) != 0 {
			t.Errorf("nobody's notices = %s", texts(page.Items))
		}

		unread := func(o notice.NoticeOwner) int64 {
			t.Helper()
			n, err := s.UnreadNotices(ctx, o)
			must(t, err)
			return n
		}
		if n := unread(buyer); n != 2 {
			t.Errorf("buyer unread = %d, want 2", n)
		}
		if n := unread(seller); n != 2 {
			t.Errorf("seller unread = %d, want 2", n)
		}

		// Someone else's notice cannot be read or marked.
		for _, id := range []uint{buyer2N.ID, company.ID, otherCompany.ID, 999999} {
			if _, err := s.Notice(ctx, buyer, id); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("buyer reads notice %d: %v, want ErrNotFound", id, err)
			}
			if _, err := s.MarkNoticeRead(ctx, buyer, id); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("buyer marks notice %d: %v, want ErrNotFound", id, err)
			}
		}
		if _, err := s.MarkNoticeRead(ctx, seller, otherCompany.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("seller marks another company's notice: %v", err)
		}
		if _, err := s.MarkNoticeRead(ctx, seller, buyerOld.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("seller marks a buyer's notice: %v", err)
		}
		if n := count(t, s, &notice.Notice{}, map[string]any{"read": true}); n != 0 {
			t.Errorf("refused marks changed %d notices", n)
		}

		// Marking one: read, idempotent, and only that one.
		n, err := s.MarkNoticeRead(ctx, buyer, buyerNew.ID)
		must(t, err)
		if !n.Read || n.ID != buyerNew.ID {
			t.Errorf("marked notice = %+v", n)
		}
		if _, err := s.MarkNoticeRead(ctx, buyer, buyerNew.ID); err != nil {
			t.Errorf("marking again: %v", err)
		}
		if n := unread(buyer); n != 1 {
			t.Errorf("buyer unread after one mark = %d, want 1", n)
		}
		// A company notice is read for the whole company.
		_, err = s.MarkNoticeRead(ctx, seller, company.ID)
		must(t, err)
		if n := unread(seller); n != 1 {
			t.Errorf("seller unread = %d, want 1", n)
		}

		// Mark all: the owner's only.
		marked, err := s.MarkAllNoticesRead(ctx, buyer)
		must(t, err)
		if marked != 1 || unread(buyer) != 0 {
			t.Errorf("mark all marked %d, unread now %d", marked, unread(buyer))
		}
		if n := unread(account.NoticeOwner(&w.buyer2)); n != 1 {
			t.Errorf("buyer2 unread after buyer's mark-all = %d, want 1", n)
		}
		marked, err = s.MarkAllNoticesRead(ctx, seller)
		must(t, err)
		if marked != 1 || unread(seller) != 0 {
			t.Errorf("seller mark all marked %d, unread now %d", marked, unread(seller))
		}
		if n := unread(account.NoticeOwner(&otherUser)); n != 1 {
			t.Errorf("the other company's unread = %d, want 1", n)
		}
		if marked, err := s.MarkAllNoticesRead(ctx, notice.NoticeOwner{}); err != nil || marked != 0 {
			t.Errorf("nobody's mark all = %d, %v", marked, err)
		}
	})
}

func texts(ns []notice.Notice) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += ","
		}
		s += n.Text
	}
	return s
}
