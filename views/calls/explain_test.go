package calls

import (
	"context"
	"regexp"
	"testing"
	"time"

	"koogallery/i18n"
	"koogallery/models/catalog"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/protocol"
	"koogallery/views"
)

var rawKey = regexp.MustCompile(`\b(calls|check|report)\.[a-z0-9_.]+[a-z0-9]`)

// Every way an attempt can fail is explained in words, in both languages, with a fix where
// the seller can do something about it.
func TestExplainEveryFailure(t *testing.T) {
	now := time.Date(2026, 5, 12, 2, 0, 0, 0, time.UTC)
	addr := uint(7)
	call := &outbox.InterfaceCall{ID: 1, Activity: protocol.ActivityNewInstance, Interface: sellertools.IfaceBasic, Status: outbox.CallFailed, Attempts: 4,
		Product: &catalog.Product{Type: catalog.TypeSaaS, AddressID: &addr}, NextAttemptAt: now, Deadline: now}
	kinds := []string{"no_address", "no_key", "not_json", "bad_fields", "mystery"}
	for _, k := range []protocol.ErrorKind{protocol.ErrKindBadAddress, protocol.ErrKindBlocked, protocol.ErrKindUnreachable, protocol.ErrKindTimeout,
		protocol.ErrKindTLS, protocol.ErrKindRedirect, protocol.ErrKindTooLarge, protocol.ErrKindCanceled} {
		kinds = append(kinds, string(k))
	}
	var attempts []outbox.CallAttempt
	for _, k := range kinds {
		attempts = append(attempts, outbox.CallAttempt{ErrorKind: k, Error: "raw " + k})
	}
	attempts = append(attempts, outbox.CallAttempt{StatusCode: 502}, outbox.CallAttempt{StatusCode: 200, ResultCode: "999999"},
		outbox.CallAttempt{StatusCode: 200, ResultCode: ""})
	for _, code := range protocol.ResultCodes() {
		attempts = append(attempts, outbox.CallAttempt{StatusCode: 200, ResultCode: code, ResponseBody: `{"resultCode":"` + code + `","resultMsg":"said ` + code + `"}`})
	}
	for _, lang := range i18n.Locales {
		ctx := views.WithPage(context.Background(), views.Page{Locale: lang})
		for i := range attempts {
			a := &attempts[i]
			e := Explain(ctx, call, a, false, now)
			for _, s := range []string{e.What, e.Fix, e.Next, Summary(ctx, call, a)} {
				if k := rawKey.FindString(s); k != "" {
					t.Errorf("%s %+v: untranslated %q", lang, a, k)
				}
			}
			if e.What == "" || e.Tone != "danger" {
				t.Errorf("%s %+v: no explanation", lang, a)
			}
			if a.ErrorKind != "mystery" && a.ResultCode != protocol.ResultSuccess && e.Fix == "" {
				t.Errorf("%s %+v: no fix", lang, a)
			}
			if a.ResultCode != "" && a.ResponseBody != "" && e.Said != "said "+a.ResultCode {
				t.Errorf("%s: resultMsg not shown: %q", lang, e.Said)
			}
		}
		e := Explain(ctx, call, &outbox.CallAttempt{ErrorKind: "no_key"}, false, now)
		if len(e.Links) == 0 || e.Links[0].Href != "/seller/addresses/7#bindings" {
			t.Errorf("%s: no_key links %+v", lang, e.Links)
		}
		if e := Explain(ctx, call, &outbox.CallAttempt{ErrorKind: "no_key"}, true, now); len(e.Links) != 0 {
			t.Errorf("%s: operations get links into the seller center", lang)
		}
		if e := Explain(ctx, &outbox.InterfaceCall{Status: outbox.CallPending, NextAttemptAt: now}, nil, false, now); e.Tone != "info" || e.Next == "" {
			t.Errorf("%s: a call not sent yet: %+v", lang, e)
		}
	}
}
