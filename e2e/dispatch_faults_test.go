package e2e

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
)

// faultCase is a misbehaving seller and how each of its attempts must be recorded.
type faultCase struct {
	mode       refseller.Mode
	status     int    // HTTP status recorded (0: no answer)
	resultCode string // resultCode recorded
	errorKind  string // error kind recorded
}

var faultCases = []faultCase{
	{refseller.ModeHTTP500, http.StatusInternalServerError, "", ""},
	{refseller.ModeNotJSON, http.StatusOK, "", "not_json"},
	{refseller.ModeErrorCode, http.StatusOK, protocol.ResultInternalError, ""},
	{refseller.ModeSlow, 0, "", string(protocol.ErrKindTimeout)},
	{refseller.ModeMissingFields, http.StatusOK, protocol.ResultSuccess, "bad_fields"},
	{refseller.ModeBadSignatureCheck, http.StatusOK, protocol.ResultAuthFailed, ""},
}

// monthStartPlus is a fixed point early in the current month, so that a test that moves the
// clock on by hours never crosses into the next month (the delisting rule counts per month).
func monthStartPlus(d time.Duration) time.Time {
	n := time.Now().UTC()
	return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, time.UTC).Add(d)
}

// TestDispatchFaults buys the product once per misbehaviour of the seller: every attempt is
// recorded with its status, resultCode and error kind, retried on the policy's schedule and
// not before, and given up at the end of the window: the call fails, the order is cancelled
// and refunded in full, the service is marked failed, the seller gets a mail and a notice,
// the buyer a notice. The sixth failed order of the month delists the product.
func TestDispatchFaults(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { testDispatchFaults(t, d) })
	}
}

func testDispatchFaults(t *testing.T, d sqldb.Dialect) {
	ctx := context.Background()
	e := newDispatchEnv(t, d, monthStartPlus(26*time.Hour), refseller.Options{SlowDelay: 2 * time.Second})
	pol := e.store.Policy(protocol.ActivityNewInstance, catalog.TypeSaaS)
	wantAttempts := 1 + int(pol.Window/pol.Every)
	var company account.Seller
	dbgCheck(t, e.store.DB().First(&company, e.sellerID).Error)
	normalClient := e.srv.App.Dispatcher.Client
	if len(faultCases) <= outbox.DelistThreshold {
		t.Fatalf("need more than %d failing orders to see the product delisted", outbox.DelistThreshold)
	}

	for i, fc := range faultCases {
		dbgCheck(t, e.ref.SetMode(fc.mode))
		e.srv.App.Dispatcher.Client = normalClient
		if fc.mode == refseller.ModeSlow {
			e.srv.App.Dispatcher.Client = protocol.NewClient(protocol.ClientOptions{Timeout: 150 * time.Millisecond})
		}
		o := e.buy()
		instID := *o.InstanceID
		c := e.lastCall(instID)
		if c.Activity != protocol.ActivityNewInstance {
			t.Fatalf("%s: queued %s", fc.mode, c.Activity)
		}

		// Attempt at the start of the window, then every pol.Every, and never earlier.
		e.runOnce(1)
		for n := 2; n <= wantAttempts; n++ {
			if got := e.call(c.ID); got.Status != outbox.CallPending || got.Attempts != n-1 || !got.NextAttemptAt.Equal(e.clock.Now().Add(pol.Every)) {
				t.Fatalf("%s: after attempt %d: %s, %d attempts, next at %s", fc.mode, n-1, got.Status, got.Attempts, got.NextAttemptAt)
			}
			if n == 2 {
				// A failed newInstance whose order is still open may be restarted; the
				// automatic schedule is tested here, so it is not.
				if got := e.call(c.ID); got.LastError == "" && got.LastResultCode == "" && got.LastStatusCode == 0 {
					t.Fatalf("%s: the call keeps no trace of its failure", fc.mode)
				}
			}
			e.clock.Advance(pol.Every - time.Second)
			e.runOnce(0)
			e.clock.Advance(time.Second)
			e.runOnce(1)
		}
		e.runOnce(0)
		e.clock.Advance(pol.Every)
		e.runOnce(0) // given up: nothing more is due

		got := e.call(c.ID)
		if got.Status != outbox.CallFailed || got.Attempts != wantAttempts || got.CompletedAt == nil {
			t.Fatalf("%s: call %s after %d attempts (want failed after %d)", fc.mode, got.Status, got.Attempts, wantAttempts)
		}
		att := e.attempts(c.ID)
		if len(att) != wantAttempts {
			t.Fatalf("%s: %d attempts recorded, want %d", fc.mode, len(att), wantAttempts)
		}
		for k, a := range att {
			if a.N != k+1 || a.StatusCode != fc.status || a.ResultCode != fc.resultCode || a.ErrorKind != fc.errorKind || a.Error == "" ||
				activityOf(a.RequestBody) != protocol.ActivityNewInstance {
				t.Errorf("%s: attempt %d recorded as N=%d status %d result %q kind %q error %q", fc.mode, k+1, a.N, a.StatusCode, a.ResultCode, a.ErrorKind, a.Error)
			}
		}

		// The effects of the failure.
		if got := e.order(o.ID); got.Status != orders.OrderCancelled {
			t.Errorf("%s: order %s", fc.mode, got.Status)
		}
		if in := e.instance(instID); in.Status != orders.InstanceFailed {
			t.Errorf("%s: service %s", fc.mode, in.Status)
		}
		var refunds []orders.Refund
		dbgCheck(t, e.store.DB().Where("order_id = ?", o.ID).Find(&refunds).Error)
		if len(refunds) != 1 || refunds[0].AmountFen != o.PaidFen || o.PaidFen <= 0 || refunds[0].Reason != orders.RefundOpenFailed ||
			refunds[0].BuyerID != e.buyerID || refunds[0].Method != o.PayMethod {
			t.Errorf("%s: refunds %+v for an order paid %d", fc.mode, refunds, o.PaidFen)
		}
		var mails []notice.Mail
		dbgCheck(t, e.store.DB().Where("body LIKE ?", "%/seller/calls/"+itoa(c.ID)+"\n%").Order("id").Find(&mails).Error)
		// Call failures go to the support email and the owner's account email (the platform's rule).
		if len(mails) != 2 || mails[0].To != company.SupportEmail || mails[1].To != "seller@demo.test" || !strings.Contains(mails[0].Subject, e.product.Name) || mails[0].Status != notice.MailPending {
			t.Errorf("%s: mails %+v", fc.mode, mails)
		}
		var sellerNotices, buyerNotices int64
		dbgCheck(t, e.store.DB().Model(&notice.Notice{}).Where("seller_id = ? AND kind = ? AND link = ?", e.sellerID, "call_failed", "/seller/calls/"+itoa(c.ID)).Count(&sellerNotices).Error)
		dbgCheck(t, e.store.DB().Model(&notice.Notice{}).Where("user_id = ? AND kind = ? AND text LIKE ?", e.buyerID, "open_failed", "%"+o.OrderNo).Count(&buyerNotices).Error)
		if sellerNotices != 1 || buyerNotices != 1 {
			t.Errorf("%s: %d seller notices, %d buyer notices", fc.mode, sellerNotices, buyerNotices)
		}
		// The purchase it was for is gone: the call cannot be restarted.
		if err := e.store.RestartCall(ctx, e.sellerID, c.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("%s: restarting the failed newInstance of a cancelled order: %v", fc.mode, err)
		}

		// More than DelistThreshold failed orders in a month delist the product.
		var p catalog.Product
		dbgCheck(t, e.store.DB().First(&p, e.product.ID).Error)
		switch failed := i + 1; {
		case failed <= outbox.DelistThreshold && p.SaleStatus != catalog.SaleOnSale:
			t.Fatalf("%s: product %s after %d failed orders", fc.mode, p.SaleStatus, failed)
		case failed > outbox.DelistThreshold && (p.SaleStatus != catalog.SaleDelisted || p.SaleReason == ""):
			t.Fatalf("%s: product %s (%q) after %d failed orders", fc.mode, p.SaleStatus, p.SaleReason, failed)
		}
		t.Logf("%s: %d attempts, last %q", fc.mode, len(att), att[len(att)-1].Error)
	}
	if _, err := e.store.CatalogProduct(ctx, e.product.ID); !errors.Is(err, sqldb.ErrNotFound) {
		t.Fatalf("a delisted product can still be bought: %v", err)
	}
}

// TestDispatchRestart: 重新启动 after the seller is fixed. A newInstance call still inside its
// window is sent at once and opens the service; a refreshInstance that exhausted its window
// is sent again with a fresh window and completes the renewal.
func TestDispatchRestart(t *testing.T) {
	ctx := context.Background()
	e := newDispatchEnv(t, sqldb.SQLite, monthStartPlus(26*time.Hour), refseller.Options{})

	// newInstance inside its window.
	dbgCheck(t, e.ref.SetMode(refseller.ModeHTTP500))
	o := e.buy()
	instID := *o.InstanceID
	e.runOnce(1)
	c := e.lastCall(instID)
	if c.Status != outbox.CallPending || c.Attempts != 1 || c.LastStatusCode != http.StatusInternalServerError {
		t.Fatalf("after a failed first attempt: %s, %d attempts, HTTP %d", c.Status, c.Attempts, c.LastStatusCode)
	}
	e.runOnce(0)
	dbgCheck(t, e.ref.SetMode(refseller.ModeOK))
	dbgCheck(t, e.store.RestartCall(ctx, e.sellerID, c.ID))
	if err := e.store.RestartCall(ctx, e.sellerID, c.ID); !errors.Is(err, sqldb.ErrStale) {
		t.Fatalf("second restart of a call already due: %v", err)
	}
	e.runOnce(1)
	if got := e.call(c.ID); got.Status != outbox.CallSucceeded || got.Attempts != 2 {
		t.Fatalf("restarted newInstance: %s after %d attempts (%s)", got.Status, got.Attempts, got.LastError)
	}
	if in := e.instance(instID); in.Status != orders.InstanceNormal || in.SellerInstanceID == "" {
		t.Fatalf("service after restart: %s %q", in.Status, in.SellerInstanceID)
	}
	if got := e.order(o.ID); got.Status != orders.OrderCompleted {
		t.Fatalf("order after restart: %s", got.Status)
	}

	// refreshInstance exhausted, then restarted.
	dbgCheck(t, e.ref.SetMode(refseller.ModeErrorCode))
	renewal, err := e.store.Renew(ctx, e.buyerID, instID, models.PurchaseInput{Plan: "month", Count: "2", PayMethod: "cash", SubmitKey: "restart-renewal-0000001"})
	dbgCheck(t, err)
	refresh := e.lastCall(instID)
	pol := e.store.Policy(protocol.ActivityRefreshInstance, catalog.TypeSaaS)
	e.runOnce(1)
	for range int(pol.Window / pol.Every) {
		e.clock.Advance(pol.Every)
		e.runOnce(1)
	}
	got := e.call(refresh.ID)
	if got.Status != outbox.CallFailed || got.Attempts != 1+int(pol.Window/pol.Every) || got.LastResultCode != protocol.ResultInternalError {
		t.Fatalf("refresh against a failing seller: %s after %d attempts, result %q", got.Status, got.Attempts, got.LastResultCode)
	}
	if o := e.order(renewal.ID); o.Status != orders.OrderProcessing {
		t.Fatalf("renewal order after its refresh failed: %s", o.Status)
	}
	var mails int64
	dbgCheck(t, e.store.DB().Model(&notice.Mail{}).Where("body LIKE ?", "%/seller/calls/"+itoa(refresh.ID)+"\n%").Count(&mails).Error)
	if mails != 2 { // the support email and the owner's
		t.Fatalf("%d mails about the failed refresh", mails)
	}
	dbgCheck(t, e.ref.SetMode(refseller.ModeOK))
	e.clock.Advance(5 * time.Minute)
	dbgCheck(t, e.store.RestartCall(ctx, e.sellerID, refresh.ID))
	got = e.call(refresh.ID)
	if got.Status != outbox.CallPending || !got.Deadline.Equal(e.clock.Now().Add(pol.Window)) || got.CompletedAt != nil {
		t.Fatalf("restarted refresh: %s, deadline %s", got.Status, got.Deadline)
	}
	e.runOnce(1)
	if got := e.call(refresh.ID); got.Status != outbox.CallSucceeded {
		t.Fatalf("restarted refresh: %s (%s)", got.Status, got.LastError)
	}
	if o := e.order(renewal.ID); o.Status != orders.OrderCompleted {
		t.Fatalf("renewal order after the restarted refresh: %s", o.Status)
	}
	in := e.instance(instID)
	if s, _ := e.ref.Instance(in.SellerInstanceID); !s.ExpireTime.Equal(renewal.ExpireAt.Truncate(time.Second)) {
		t.Fatalf("the seller has expiry %s, want %s", s.ExpireTime, renewal.ExpireAt)
	}
	// Another seller cannot restart it.
	other := sellerOf(t, e.srv, "seller2@demo.test")
	if err := e.store.RestartCall(ctx, other, refresh.ID); !errors.Is(err, sqldb.ErrNotFound) {
		t.Fatalf("another seller restarting the call: %v", err)
	}
}
