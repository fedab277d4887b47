package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"koogallery/models/outbox"
	"koogallery/protocol"
	"koogallery/refseller"
)

// 生产接口消息 as a seller uses it: a purchase's newInstance fails (the seller's endpoint
// answers HTTP 500); the seller finds the call, reads why, fixes the endpoint, presses 重新启动
// and sees it succeed; the buyer then sees the instance and its login information.
func TestBrowserFailedCallRestart(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	ref := &lateSeller{}
	ep := httptest.NewServer(ref)
	t.Cleanup(ep.Close)
	w := wireSeller(t, srv.App.Store, srv.App.Keys, ep.URL)
	var err error
	ref.s, err = refseller.New(refseller.Options{AccessKey: w.secret, Mode: refseller.ModeHTTP500,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	dbgCheck(t, err)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.App.Dispatcher.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })

	buyer := srv.Client(t)
	buyer.Login("buyer@demo.test")
	res := buyer.PostForm("/console/orders", url.Values{"product_id": {itoa(w.product.ID)}, "plan": {"month"}, "count": {"1"},
		"pay_method": {"cash"}, "submit_key": {"browser-calls-0123456789"}})
	if res.Status != 303 {
		t.Fatalf("purchase: %d", res.Status)
	}
	var call outbox.InterfaceCall
	waitFor(t, "the first attempt", func() bool {
		return srv.App.Store.DB().Where("activity = ? AND attempts = 1 AND last_status_code = 500", protocol.ActivityNewInstance).First(&call).Error == nil
	})

	b.login("seller@demo.test")
	b.nav("生产接口消息")
	if b.count(tid("call-row")) != 1 {
		t.Fatalf("%d call rows", b.count(tid("call-row")))
	}
	if st := b.follow(tid("call-open")); st != 200 {
		t.Fatalf("call detail: %d", st)
	}
	if got := b.text(tid("explain")); !strings.Contains(got, "500") {
		t.Errorf("the explanation does not name the HTTP status: %q", got)
	}
	b.noRawKeys()

	dbgCheck(t, ref.s.SetMode(refseller.ModeOK)) // the seller fixes the endpoint
	if st := b.follow(tid("call-restart")); st != 200 {
		t.Fatalf("restart: %d", st)
	}
	waitFor(t, "the restarted call to succeed", func() bool {
		var c outbox.InterfaceCall
		return srv.App.Store.DB().First(&c, call.ID).Error == nil && c.Status == outbox.CallSucceeded
	})
	b.open("/seller/calls/" + itoa(call.ID))
	if got := b.text(tid("call-status")); !strings.Contains(got, "成功") {
		t.Errorf("call status after restart: %q", got)
	}

	// The buyer sees the instance and its login information.
	if st := b.follow(tid("logout")); st != 200 {
		t.Fatalf("log out: %d", st)
	}
	b.login("buyer@demo.test")
	b.open("/console/services/" + itoa(*call.InstanceID))
	if got := b.text(tid("app-username")); !strings.HasPrefix(got, "user_") {
		t.Fatalf("login name on the service page: %q", got)
	}
	b.armHTMX()
	b.htmxClick(tid("app-password-reveal"))
	if got := b.text(tid("app-password")); len(got) < 8 {
		t.Errorf("revealed password %q", got)
	}
	b.noRawKeys()
}

// waitFor polls cond for up to 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
