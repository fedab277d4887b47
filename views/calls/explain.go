package calls

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"koogallery/i18n"
	"koogallery/models/outbox"
	"koogallery/protocol"
	"koogallery/views"
)

// Link is a place where the user can fix something.
type Link struct {
	Label, Href string
}

// Explanation says in plain words what happened to a call, how to fix a failure, where, and
// what happens next.
type Explanation struct {
	Tone  string // ok, info, warn, danger
	What  string
	Fix   string
	Links []Link
	Next  string // what the platform does next (or what the seller may do)
	Raw   string // the recorded error, as the dispatcher wrote it
	Said  string // the resultMsg the seller's interface answered, if any
}

// transportKinds are the ways a call can get no usable HTTP answer (protocol.ErrorKind); the
// debug checks already explain each (check.reachable.fail.<kind>).
var transportKinds = map[string]bool{
	string(protocol.ErrKindBadAddress): true, string(protocol.ErrKindBlocked): true, string(protocol.ErrKindUnreachable): true,
	string(protocol.ErrKindTimeout): true, string(protocol.ErrKindTLS): true, string(protocol.ErrKindRedirect): true,
	string(protocol.ErrKindTooLarge): true, string(protocol.ErrKindCanceled): true,
}

// ResultMeaning explains a resultCode in the user's language.
func ResultMeaning(ctx context.Context, code string) string {
	lang := "zh"
	if views.PageOf(ctx).Locale == i18n.EN {
		lang = "en"
	}
	if m, ok := protocol.ResultMeaning(code, lang); ok {
		return m
	}
	return views.T(ctx, "check.unknown_code")
}

// Explain reads the call and its latest attempt (nil when none was made yet). Links to the
// seller's pages are given to the seller only (admin false).
func Explain(ctx context.Context, c *outbox.InterfaceCall, last *outbox.CallAttempt, admin bool, now time.Time) Explanation {
	e := failure(ctx, c, last, admin)
	e.Next = next(ctx, c, now)
	return e
}

// failure explains the latest attempt.
func failure(ctx context.Context, c *outbox.InterfaceCall, a *outbox.CallAttempt, admin bool) Explanation {
	t := func(key string, args ...any) string { return views.T(ctx, key, args...) }
	switch {
	case a == nil:
		return Explanation{Tone: "info", What: t("calls.explain.not_sent")}
	case c.Status == outbox.CallSucceeded:
		return Explanation{Tone: "ok", What: t("calls.explain.succeeded", a.ResultCode, ResultMeaning(ctx, a.ResultCode))}
	case c.Status == outbox.CallProcessing:
		return Explanation{Tone: "info", What: t("calls.explain.processing")}
	}
	e := Explanation{Tone: "danger", Raw: a.Error, Said: resultMsg(a.ResponseBody)}
	debug := Link{t("nav.seller.debug"), "/seller/debug"}
	addresses := Link{t("nav.seller.addresses"), "/seller/addresses"}
	switch kind := a.ErrorKind; {
	case kind == "no_address":
		e.What, e.Fix = t("calls.explain.no_address"), t("calls.fix.no_address")
		e.Links = []Link{addresses, {t("nav.seller.products"), "/seller/products"}}
	case kind == "no_key":
		e.What, e.Fix = t("calls.explain.no_key", t("iface."+string(c.Interface))), t("calls.fix.no_key", t("iface."+string(c.Interface)))
		bind := addresses
		if c.Product != nil && c.Product.AddressID != nil {
			bind.Href = "/seller/addresses/" + views.Itoa(*c.Product.AddressID) + "#bindings"
		}
		bind.Label = t("calls.link.bind_key")
		e.Links = []Link{bind, {t("nav.seller.keys"), "/seller/keys"}}
	case transportKinds[kind]:
		e.What, e.Fix = t("check.reachable.fail."+kind), t("check.reachable.fix."+kind)
		e.Links = []Link{debug}
	case kind == "not_json":
		e.What, e.Fix = t("calls.explain.not_json"), t("check.json.fix")
		e.Links = []Link{debug}
	case kind == "bad_fields":
		e.What, e.Fix = t("calls.explain.bad_fields"), t("check.field.fix")
		e.Links = []Link{debug}
	case kind != "":
		e.What = t("calls.explain.other")
	case a.StatusCode != 0 && a.StatusCode != 200:
		e.What, e.Fix = t("check.http_status.fail", strconv.Itoa(a.StatusCode)), t("check.http_status.fix")
		e.Links = []Link{debug}
	case a.ResultCode == protocol.ResultProcessing:
		e.What, e.Fix = t("calls.explain.still_processing"), t("calls.fix.still_processing")
	case a.ResultCode == protocol.ResultSuccess:
		e.What, e.Fix = t("calls.explain.no_instance"), t("calls.fix.no_instance")
	case a.ResultCode == protocol.ResultAuthFailed:
		e.What, e.Fix = t("calls.explain.result", a.ResultCode, ResultMeaning(ctx, a.ResultCode)), t("check.signature_accepted.fix")
		e.Links = []Link{{t("calls.link.bind_key"), "/seller/addresses"}, {t("sigtool.title"), "/seller/debug/signature"}}
	case protocol.KnownResult(a.ResultCode):
		e.What = t("calls.explain.result", a.ResultCode, ResultMeaning(ctx, a.ResultCode))
		e.Fix = t("calls.fix.result")
		if key := "calls.fix.result." + a.ResultCode; i18n.Has(views.PageOf(ctx).Locale, key) {
			e.Fix = t(key)
		}
	case a.StatusCode == 200:
		e.What, e.Fix = t("check.result_code.fail", a.ResultCode, t("check.unknown_code")), t("check.result_code.fix")
		e.Links = []Link{debug}
	default:
		e.What = t("calls.explain.other")
	}
	if admin {
		e.Links = nil // the links lead into the seller center
	}
	return e
}

// resultMsg is the resultMsg of a JSON answer ("" for anything else), at most 255 characters.
func resultMsg(body string) string {
	var head struct {
		ResultMsg string `json:"resultMsg"`
	}
	if json.Unmarshal([]byte(body), &head) != nil {
		return ""
	}
	r := []rune(strings.TrimSpace(head.ResultMsg))
	if len(r) > 255 {
		r = r[:255]
	}
	return string(r)
}

// next says what happens to the call now.
func next(ctx context.Context, c *outbox.InterfaceCall, now time.Time) string {
	switch c.Status {
	case outbox.CallPending:
		if c.Attempts == 0 {
			return views.T(ctx, "calls.next.first", views.FormatTime(c.NextAttemptAt))
		}
		return views.T(ctx, "calls.next.retry", views.FormatTime(c.NextAttemptAt), views.FormatTime(c.Deadline))
	case outbox.CallProcessing:
		return views.T(ctx, "calls.next.poll", views.FormatTime(c.NextAttemptAt), views.FormatTime(c.Deadline))
	case outbox.CallFailed:
		if !c.Restartable() {
			return views.T(ctx, "calls.next.order_cancelled")
		}
		return views.T(ctx, "calls.next.failed")
	}
	return ""
}

// Summary is the one-line last result of a list row: the resultCode with its meaning, or the
// failure in plain words.
func Summary(ctx context.Context, c *outbox.InterfaceCall, a *outbox.CallAttempt) string {
	if a == nil {
		return "—"
	}
	switch kind := a.ErrorKind; {
	case kind == "" && a.ResultCode != "" && (a.StatusCode == 200 || a.StatusCode == 0):
		return a.ResultCode + " " + ResultMeaning(ctx, a.ResultCode)
	case transportKinds[kind]:
		return views.T(ctx, "check.reachable.fail."+kind)
	case kind == "no_address" || kind == "no_key" || kind == "not_json" || kind == "bad_fields":
		return views.T(ctx, "calls.short."+kind)
	case kind == "" && a.StatusCode != 0:
		return "HTTP " + strconv.Itoa(a.StatusCode)
	case c.Status == outbox.CallSucceeded:
		return views.T(ctx, "calls.status.succeeded")
	}
	return views.T(ctx, "calls.short.other")
}
