// Package onboarding holds the pages of seller onboarding (入驻): the applicant's form and
// status page, the seller agreement, operations' review queue and detail, and the merchant
// profile (商家信息) of the seller center.
package onboarding

import (
	"context"
	"strings"
	"time"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
	"koogallery/views"
)

// ApplyForm is the application form: what was typed and the message per field.
type ApplyForm struct {
	Company, USCC                            string
	ContactName, ContactPhone, ContactEmail  string
	SupportEmail, SupportPhone, SupportHours string
	Agreed                                   bool
	Errors                                   map[string]string // field → translated message
}

// ApplyVM is /seller/apply for a buyer account.
type ApplyVM struct {
	// App is the account's latest application, nil when it never applied.
	App *onboarding.Detail
	// HasOrders: the account has bought something, so it cannot become a seller.
	HasOrders bool
	// Unverified: the account's email is not proven yet; a company's contact comes later.
	Unverified bool
	Form       ApplyForm
	Now        time.Time
}

// Open reports an application waiting for operations or for the applicant.
func (vm ApplyVM) Open() bool { return vm.App != nil && vm.App.Status.Open() }

// ShowForm reports whether the page offers a form: a first application, a new one after a
// rejection, or the answer to operations' request; never for an account with orders.
func (vm ApplyVM) ShowForm() bool {
	if vm.HasOrders || vm.Unverified {
		return false
	}
	return vm.App == nil || vm.App.Status != onboarding.StatusPending
}

// Resubmitting reports whether the form answers operations' request for more information.
func (vm ApplyVM) Resubmitting() bool {
	return vm.App != nil && vm.App.Status == onboarding.StatusNeedsInfo
}

// FormAction is where the form posts.
func (vm ApplyVM) FormAction() string {
	if vm.Resubmitting() {
		return "/seller/apply/" + views.Itoa(vm.App.ID) + "/resubmit"
	}
	return "/seller/apply"
}

// QueueVM is operations' review queue.
type QueueVM struct {
	// Status is the state shown ("" for every state); Kind narrows to join or change.
	Status onboarding.Status
	All    bool
	Kind   onboarding.Kind
	Page   sqldb.Page[onboarding.Application]
	Counts map[onboarding.Status]int64
	Now    time.Time
}

// DetailVM is one application for operations, with the decision being confirmed.
type DetailVM struct {
	D *onboarding.Detail
	// Company is the seller a change is for, as it stands now (nil for a join).
	Company *account.Seller
	// HasOrders: the applicant of a join has bought something meanwhile.
	HasOrders bool
	// Decide is the decision whose dialog is open: approve, reject or info ("" for none).
	Decide string
	Note   string
	Errors map[string]string
	// Problem explains why the decision could not be applied (translated).
	Problem string
	Now     time.Time
}

// Decisions are the three decisions on a pending application, in the order they are offered.
var Decisions = []string{"approve", "info", "reject"}

// Pending reports whether the application waits for a decision.
func (vm DetailVM) Pending() bool { return vm.D.Status == onboarding.StatusPending }

// ProfileVM is the merchant profile (商家信息).
type ProfileVM struct {
	Seller *account.Seller
	// Change is the company's latest change of legal name or code, nil when none.
	Change *onboarding.Detail
	// ChangeForm is the change being typed (Company, USCC and Errors are used).
	ChangeForm ApplyForm
	// ChangeOpen shows the change form unfolded (after an error).
	ChangeOpen bool
	Contact    ContactForm
	Support    SupportForm
	Routes     RoutesForm
	// Defaults are where a company's mail goes when no address is configured: the support
	// email and the owners' account emails.
	Defaults []string
	Now      time.Time
}

// ChangeWaiting reports a change waiting for operations.
func (vm ProfileVM) ChangeWaiting() bool {
	return vm.Change != nil && vm.Change.Status == onboarding.StatusPending
}

// ChangeNeedsInfo reports a change operations sent back for more information.
func (vm ProfileVM) ChangeNeedsInfo() bool {
	return vm.Change != nil && vm.Change.Status == onboarding.StatusNeedsInfo
}

// ContactForm is the company's contact for operations (联系人).
type ContactForm struct {
	Name, Phone, Email string
	Errors             map[string]string
}

// SupportForm is 服务与支持配置.
type SupportForm struct {
	Email, Phone, Hours string
	Errors              map[string]string
}

// RoutesForm is 消息接收管理: the addresses per category as typed.
type RoutesForm struct {
	Text   map[account.MailCategory]string
	Errors map[string]string // category → translated message
}

// StatusTone colours an application status.
func StatusTone(s onboarding.Status) string {
	switch s {
	case onboarding.StatusPending:
		return "info"
	case onboarding.StatusNeedsInfo:
		return "warn"
	case onboarding.StatusApproved:
		return "ok"
	case onboarding.StatusRejected:
		return "danger"
	}
	return "muted"
}

// Age is how long ago t was, coarsely: minutes under an hour, hours under a day, else days.
func Age(ctx context.Context, now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return views.T(ctx, "onboarding.age.minutes", max(1, int(d/time.Minute)))
	case d < 24*time.Hour:
		return views.T(ctx, "onboarding.age.hours", int(d/time.Hour))
	}
	return views.T(ctx, "onboarding.age.days", int(d/(24*time.Hour)))
}

// AttachmentURL downloads an attachment in an area (console, seller or admin).
func AttachmentURL(area string, id uint) string { return "/" + area + "/attachments/" + views.Itoa(id) }

// IsImage reports a licence a browser shows inline.
func IsImage(a *attachment.Attachment) bool {
	return a != nil && strings.HasPrefix(a.ContentType, "image/")
}

// Size shows a file size in KB or MB.
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return views.Itoa(uint(n>>20)) + "." + views.Itoa(uint((n%(1<<20))*10>>20)) + " MB"
	case n >= 1<<10:
		return views.Itoa(uint(n>>10)) + " KB"
	}
	return views.Itoa(uint(n)) + " B"
}

// ApplicantArea is the area the applicant reads their files in: the seller center once they
// are a seller, else the buyer console.
func ApplicantArea(u *account.User) string {
	if u != nil && u.Role == account.RoleSeller {
		return "seller"
	}
	return "console"
}
