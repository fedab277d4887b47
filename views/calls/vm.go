// Package calls holds the pages of 生产接口消息: every call the platform made to a seller, its
// attempts, a plain-language explanation of a failure, interface health and the retry rules.
// The seller center and the operations console share them.
package calls

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"koogallery/i18n"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/views"
)

// FilterVM is the list's filter as typed, with a message per field in error.
type FilterVM struct {
	Status, Activity, Product, OrderNo, From, To string
	Errors                                       map[string]string
}

// HealthRow is one product's interface health this month.
type HealthRow struct {
	Health     outbox.ProductHealth
	SellerName string // operations only
}

// RuleRow is one activity's retry rule: what the platform documents and what is configured.
type RuleRow struct {
	Activity protocol.Activity
	SaaS     outbox.RetryPolicy
	License  outbox.RetryPolicy
}

// ListVM is 生产接口消息 (seller) or the operations call monitor (Admin).
type ListVM struct {
	Admin    bool
	Page     sqldb.Page[outbox.InterfaceCall]
	Last     map[uint]outbox.CallAttempt // latest attempt per call
	Filter   FilterVM
	Products []catalog.Product // the product filter's options
	Health   []HealthRow
	Rules    []RuleRow
	Sellers  map[uint]string // seller company names (operations)
	Now      time.Time
	Back     string // this list's URL, where row actions return
}

// DetailVM is one call with its attempts.
type DetailVM struct {
	Admin      bool
	Call       *outbox.InterfaceCall
	Instance   *orders.Instance
	Attempts   []outbox.CallAttempt // newest first
	SellerName string
	Now        time.Time
}

// Base is where the area's call pages live.
func Base(admin bool) string {
	if admin {
		return "/admin/calls"
	}
	return "/seller/calls"
}

// CallURL is a call's detail page.
func CallURL(admin bool, id uint) string { return Base(admin) + "/" + views.Itoa(id) }

// OrderCallsURL lists every call of an order.
func OrderCallsURL(admin bool, orderNo string) string {
	return Base(admin) + "?" + url.Values{"order_no": {orderNo}}.Encode()
}

// FailedCallsURL lists a product's failed calls.
func FailedCallsURL(admin bool, productID uint) string {
	return Base(admin) + "?" + url.Values{"product": {views.Itoa(productID)}, "status": {string(outbox.CallFailed)}}.Encode()
}

// ProductURL is where the area shows a product.
func ProductURL(admin bool, id uint) string {
	if admin {
		return "/admin/products/" + views.Itoa(id)
	}
	return "/seller/products"
}

// statusTone picks a call status badge colour.
func statusTone(s outbox.CallStatus) string {
	switch s {
	case outbox.CallSucceeded:
		return "ok"
	case outbox.CallProcessing:
		return "info"
	case outbox.CallPending:
		return "warn"
	case outbox.CallFailed:
		return "danger"
	}
	return "muted"
}

// ActivityLabel is an activity's name in the user's language with its protocol name.
func ActivityLabel(ctx context.Context, activity protocol.Activity) string {
	key := "calls.activity." + string(activity)
	if i18n.Has(views.PageOf(ctx).Locale, key) {
		return views.T(ctx, key)
	}
	return string(activity)
}

// SceneLabel is a call's scene (RENEWAL, FREEZE, …) in the user's language.
func SceneLabel(ctx context.Context, scene string) string {
	key := "calls.scene." + scene
	if i18n.Has(views.PageOf(ctx).Locale, key) {
		return views.T(ctx, key)
	}
	return scene
}

// Duration shows a retry interval in whole hours or minutes.
func Duration(ctx context.Context, d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d%time.Hour == 0:
		return views.T(ctx, "calls.dur.h", int(d/time.Hour))
	case d%time.Minute == 0:
		return views.T(ctx, "calls.dur.min", int(d/time.Minute))
	}
	return views.T(ctx, "calls.dur.s", int(d/time.Second))
}

// PolicyText says a retry policy in words: every X for Y.
func PolicyText(ctx context.Context, p outbox.RetryPolicy) string {
	return views.T(ctx, "calls.policy", Duration(ctx, p.Every), Duration(ctx, p.Window))
}

// Pretty indents a JSON text; anything else is shown as it is.
func Pretty(s string) string {
	var out bytes.Buffer
	if json.Valid([]byte(s)) && json.Indent(&out, []byte(s), "", "  ") == nil {
		return out.String()
	}
	return s
}

// healthTone colours the gauge: ok, warning from 3 failed orders, danger past the threshold.
func healthTone(h outbox.ProductHealth) string {
	switch {
	case h.FailedOrders > h.Threshold:
		return "danger"
	case h.FailedOrders >= 3:
		return "warn"
	}
	return "ok"
}

// segments are the gauge's cells: one per failed order up to one past the threshold.
func segments(h outbox.ProductHealth) []bool {
	out := make([]bool, h.Threshold+1)
	for i := range out {
		out[i] = int64(i) < h.FailedOrders
	}
	return out
}

// dateType is a date filter's input type: a date picker, or plain text while it holds an
// invalid value, so that what was typed stays visible next to its message.
func dateType(err string) string {
	if err != "" {
		return "text"
	}
	return "date"
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func itoa(n int) string { return strconv.Itoa(n) }
