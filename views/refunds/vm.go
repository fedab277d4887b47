// Package refunds holds the refund (退订) pages: the buyer's request form and list, the seller's
// queue and review, and operations' read-only view; one detail page serves all three areas.
package refunds

import (
	"strconv"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
	"koogallery/views"
)

// Areas a refund page is shown in.
const (
	AreaConsole = "console"
	AreaSeller  = "seller"
	AreaAdmin   = "admin"
)

// FormVM is the buyer's refund form (申请退订) with what they typed and the messages per field.
type FormVM struct {
	Target       *refund.RefundTarget
	Amount       string
	Cause        string
	Text         string
	Goods        string
	ShareContact bool
	Confirm      bool
	SubmitKey    string
	Errors       map[string]string
}

// ListVM is a list of refund requests with its filter and counts per status.
type ListVM struct {
	Area     string
	Filter   refund.RefundFilter
	From, To string // the dates as typed
	Page     sqldb.Page[refund.RefundRequest]
	Counts   map[refund.RefundStatus]int64
	Products []catalog.Product
	Sellers  map[uint]string // admin: company names
}

// Total is the number of requests over every status.
func (vm ListVM) Total() int64 {
	var n int64
	for _, c := range vm.Counts {
		n += c
	}
	return n
}

// RecordsVM is operations' list of refund records (money returned).
type RecordsVM struct {
	Page    sqldb.Page[orders.Refund]
	Orders  map[uint]orders.Order
	Sellers map[uint]string
}

// ReviewForm is the seller's review (审核意见 and attachment) being confirmed.
type ReviewForm struct {
	Decide  string // "approve" or "reject"; "" when not deciding
	Opinion string
	Errors  map[string]string
}

// DetailVM is one refund request in an area.
type DetailVM struct {
	Area   string
	D      *refund.RefundDetail
	Review ReviewForm
}

// Base is the area's URL prefix for refunds.
func Base(area string) string { return "/" + area + "/refunds" }

// URL is a request's page in an area.
func URL(area string, id uint) string { return Base(area) + "/" + views.Itoa(id) }

// AttachmentURL downloads an attachment in an area.
func AttachmentURL(area string, id uint) string { return "/" + area + "/attachments/" + views.Itoa(id) }

// CallURL is a call's page for the seller or operations ("" for buyers, who have none).
func CallURL(area string, id uint) string {
	if area == AreaConsole {
		return ""
	}
	return "/" + area + "/calls/" + views.Itoa(id)
}

// Tone picks a refund status's badge colour.
func Tone(s refund.RefundStatus) string {
	switch s {
	case refund.RefundPending:
		return "warn"
	case refund.RefundApproved:
		return "ok"
	case refund.RefundRejected:
		return "danger"
	}
	return "muted"
}

// Size shows a file size.
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// FilterURL is the list's URL with one status chosen and the other filters kept.
func FilterURL(vm ListVM, status refund.RefundStatus) string {
	q := "?status=" + string(status)
	if vm.Filter.ProductID != 0 {
		q += "&product=" + views.Itoa(vm.Filter.ProductID)
	}
	if vm.From != "" {
		q += "&from=" + vm.From
	}
	if vm.To != "" {
		q += "&to=" + vm.To
	}
	return Base(vm.Area) + q
}

// ActorKey is the i18n key of who took a timeline step.
func ActorKey(e account.AuditEvent) string {
	if e.Action == refund.RefundEventAutoApproved {
		return "refund.actor.system"
	}
	if e.Actor != nil {
		return "refund.actor." + string(e.Actor.Role)
	}
	return "refund.actor.system"
}
