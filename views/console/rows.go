package console

import (
	"context"
	"html"
	"io"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"koogallery/i18n"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/money"
	"koogallery/views"
)

// The rows of the buyer's two longest lists, 我的订单 and 已购买的服务, are written by hand
// into one buffer rather than through templ's per-expression machinery (an fmt.Sprint, an
// escape and a write per value, a component per badge): under load that was a quarter of each
// page's server time. The markup is exactly what the templ rows gave: the same cells, labels,
// escaping, badges (components.Badge) and spec tags (components.SpecTag); rows_test.go holds
// the two to each other. The rest of each page stays in its .templ file.

// rowBuffers recycles the buffers the rows are written into.
var rowBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// rowWriter appends one list's rows in the page's language.
type rowWriter struct {
	b      []byte
	locale string
}

func (w *rowWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *rowWriter) text(s string) { w.b = views.AppendEscaped(w.b, s) }

func (w *rowWriter) id(n uint) { w.b = strconv.AppendUint(w.b, uint64(n), 10) }

// label writes the translation of key.
func (w *rowWriter) label(key string) { w.text(i18n.T(w.locale, key)) }

// escapedLabel is the translation of key, escaped: for the labels every row repeats.
func (w *rowWriter) escapedLabel(key string) string { return html.EscapeString(i18n.T(w.locale, key)) }

// badge is components.Badge(prefix, value).
func (w *rowWriter) badge(prefix, value string) {
	w.raw(`<span class="badge badge-`)
	w.raw(views.StatusTone(value))
	w.raw(`" data-status="`)
	w.text(value)
	w.raw(`"> `)
	w.label(prefix + value)
	w.raw("</span>")
}

// specTag is components.SpecTag(sp).
func (w *rowWriter) specTag(sp *catalog.ProductSpec) {
	if sp != nil {
		w.raw(`<span class="type-tag spec-tag" data-testid="spec-tag">`)
		w.text(sp.Name)
		w.raw("</span>")
	}
}

// rows renders the rows write appends as a component.
func rows(write func(w *rowWriter)) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, out io.Writer) error {
		buf := rowBuffers.Get().(*[]byte)
		w := rowWriter{b: (*buf)[:0], locale: views.PageOf(ctx).Locale}
		write(&w)
		_, err := out.Write(w.b)
		if cap(w.b) <= 256<<10 { // keep the pool's buffers page-sized
			*buf = w.b
			rowBuffers.Put(buf)
		}
		return err
	})
}

// serviceRows are the rows of 已购买的服务.
func serviceRows(vm ServicesVM) templ.Component {
	return rows(func(w *rowWriter) {
		trial, details, renew := w.escapedLabel("service.trial"), w.escapedLabel("service.details"), w.escapedLabel("service.renew")
		upgrade, refund := w.escapedLabel("upgrade.action"), w.escapedLabel("service.refund")
		for i := range vm.Page.Items {
			in := &vm.Page.Items[i]
			w.raw(`<tr data-testid="service-row"><td>`)
			if in.Product != nil {
				w.text(in.Product.Name)
			}
			w.specTag(in.Spec)
			if in.Trial {
				w.raw(`<span class="type-tag">`)
				w.raw(trial)
				w.raw("</span>")
			}
			w.raw("</td><td>")
			if in.Product != nil {
				w.label("product.type." + string(in.Product.Type))
			}
			w.raw("</td><td>")
			if in.Order != nil {
				w.raw("<code>")
				w.text(in.Order.OrderNo)
				w.raw("</code>")
			}
			w.raw("</td><td>")
			w.label("charging." + string(in.ChargingMode))
			w.raw("</td><td>")
			w.badge("instance.status.", string(in.Status))
			w.raw("</td><td>")
			w.b = views.AppendDate(w.b, in.ExpireAt)
			w.raw(`</td><td class="actions"><a href="/console/services/`)
			w.id(in.ID)
			w.raw(`" data-testid="service-details">`)
			w.raw(details)
			w.raw("</a> ")
			if Renewable(in) {
				w.raw(`<a href="/console/services/`)
				w.id(in.ID)
				w.raw(`#renew">`)
				w.raw(renew)
				w.raw("</a> ")
			}
			if vm.Upgradable[in.ID] {
				w.raw(`<a href="/console/services/`)
				w.id(in.ID)
				w.raw(`/upgrade" data-testid="service-upgrade">`)
				w.raw(upgrade)
				w.raw("</a> ")
			}
			if Unsubscribable(in) {
				w.raw(`<a href="/console/services/`)
				w.id(in.ID)
				w.raw(`/refund" data-testid="service-refund">`)
				w.raw(refund)
				w.raw("</a>")
			}
			w.raw("</td></tr>")
		}
	})
}

// orderRows are the rows of 我的订单.
func orderRows(items []orders.Order) templ.Component {
	return rows(func(w *rowWriter) {
		details := w.escapedLabel("action.details")
		for i := range items {
			o := &items[i]
			w.raw(`<tr data-testid="order-row"><td><code>`)
			w.text(o.OrderNo)
			w.raw("</code></td><td>")
			w.text(o.ProductName)
			w.specTag(o.Spec)
			w.raw("</td><td>")
			w.label("order.type." + string(o.Type))
			w.raw("</td><td>")
			w.label("charging." + string(o.ChargingMode))
			w.raw(`</td><td class="num">`)
			w.b = money.Fen(o.PaidFen).Append(w.b)
			w.raw("</td><td>")
			w.badge("order.status.", string(o.Status))
			w.raw("</td><td>")
			w.b = views.AppendTime(w.b, o.CreatedAt)
			w.raw(`</td><td><a href="/console/orders/`)
			w.id(o.ID)
			w.raw(`">`)
			w.raw(details)
			w.raw("</a></td></tr>")
		}
	})
}
