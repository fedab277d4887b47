// Package members holds the pages of people and their rights: a seller company's members
// (成员管理), accepting an invitation, operations admins and the audit log.
package members

import (
	"context"
	"net/url"
	"strings"
	"time"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/onboarding"
	"koogallery/models/outbox"
	"koogallery/models/refund"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
	"koogallery/views"
)

// MemberRow is one member of a company (or one admin) and when they joined.
type MemberRow struct {
	User   account.User
	Joined time.Time
}

// MembersVM is 成员管理: the company's members, its open invitations and the invite form.
type MembersVM struct {
	Company     string
	Self        uint // the owner looking
	Members     []MemberRow
	Invitations []account.Token
	Now         time.Time
	Invite      InviteForm
	// Edit is a member's role form shown again with its error (MemberID 0: none).
	Edit RolesForm
}

// Owners counts the company's owners: the last one cannot be removed or lose the role.
func (vm MembersVM) Owners() int {
	n := 0
	for _, m := range vm.Members {
		if m.User.SellerRoles.Has(account.Owner) {
			n++
		}
	}
	return n
}

// LastOwner reports whether m is the company's only owner.
func (vm MembersVM) LastOwner(m account.User) bool {
	return m.SellerRoles.Has(account.Owner) && vm.Owners() == 1
}

// InviteForm is the invite form's values and per-field messages (email, roles), translated.
type InviteForm struct {
	Email  string
	Roles  account.MemberRoles
	Errors map[string]string
}

// RolesForm is one member's roles being changed, with the message of the roles field.
type RolesForm struct {
	MemberID uint
	Roles    account.MemberRoles
	Error    string
}

// AdminsVM is 管理员: the operations admins, their open invitations and the invite form.
type AdminsVM struct {
	Self        uint
	Admins      []MemberRow
	Invitations []account.Token
	Now         time.Time
	Email       string
	EmailError  string
}

// AuditVM is the audit log page: one page of events and the filters.
type AuditVM struct {
	Page sqldb.Page[account.AuditEvent]
	// Role is the actor-role filter: admin (the default), seller, buyer or all.
	Role  string
	Type  string   // target type filter, "" for all
	Types []string // the target types the log holds
}

// AuditRoles are the actor-role filter's choices, the default first.
var AuditRoles = []string{string(account.RoleAdmin), string(account.RoleSeller), string(account.RoleBuyer), "all"}

// roleDescKey is the one-line description of what a member role may do.
func roleDescKey(r account.MemberRole) string { return "members.role_desc." + string(r) }

// detailPrefixes are the i18n prefixes that name the states an audit detail of a target type
// mentions ("on_sale→frozen", "pending→approved", "join · 公司 · USCC").
var detailPrefixes = map[string][]string{
	account.AuditProduct:        {"product.sale."},
	refund.AuditRefund:          {"refund.status.", "audit.state."},
	settlement.AuditOrder:       {"audit.repayment."},
	onboarding.AuditApplication: {"audit.application."},
}

// AuditDetail shows an event's detail in the page's language: the states and kinds it names
// are translated; versions, amounts, order numbers, addresses and names stay as written.
func AuditDetail(ctx context.Context, e account.AuditEvent) string {
	prefixes := detailPrefixes[e.TargetType]
	if len(prefixes) == 0 || e.Detail == "" {
		return e.Detail
	}
	locale := views.PageOf(ctx).Locale
	name := func(tok string) string {
		for _, p := range prefixes {
			if tok != "" && i18n.Has(locale, p+tok) {
				return i18n.T(locale, p+tok)
			}
		}
		return tok
	}
	parts := strings.Split(e.Detail, " · ")
	for i, part := range parts {
		states := strings.Split(part, "→")
		for j, s := range states {
			states[j] = name(s)
		}
		parts[i] = strings.Join(states, " → ")
	}
	return strings.Join(parts, " · ")
}

// AuditTarget is an event's target in words (its type and id) and the operations page that
// shows it, "" where there is none.
func AuditTarget(ctx context.Context, e account.AuditEvent) (label, href string) {
	label = views.T(ctx, "audit.target."+e.TargetType) + " #" + views.Itoa(e.TargetID)
	switch e.TargetType {
	case account.AuditProduct:
		href = "/admin/products/"
	case refund.AuditRefund:
		href = "/admin/refunds/"
	case supervision.AuditAppeal:
		href = "/admin/appeals/"
	case outbox.AuditCall:
		href = "/admin/calls/"
	case onboarding.AuditApplication:
		href = "/admin/sellers/"
	default:
		return label, ""
	}
	return label, href + views.Itoa(e.TargetID)
}

// AuditAction names an event's action in the page's language.
func AuditAction(ctx context.Context, action string) string {
	return views.T(ctx, "audit.action."+action)
}

// errorFor is the roles message of member id's form ("" for other members).
func (f RolesForm) errorFor(id uint) string {
	if f.MemberID != id {
		return ""
	}
	return f.Error
}

// removeConsequence says what removing m does, in the page's language.
func removeConsequence(ctx context.Context, vm MembersVM, m account.User) string {
	if m.ID == vm.Self {
		return views.T(ctx, "members.remove_self_consequence", vm.Company)
	}
	return views.T(ctx, "members.remove_consequence", m.Name, m.Email, vm.Company)
}

// InviteState is what the visitor of a working invitation link can do.
type InviteState string

// The states of the invitation page.
const (
	InviteAccept  InviteState = "accept"  // signed in as the invited address: one button accepts
	InviteOther   InviteState = "other"   // signed in as another account: sign out first
	InviteSignIn  InviteState = "signin"  // not signed in, the address has an account: sign in
	InviteSignUp  InviteState = "signup"  // not signed in, no account: the sign-up form
	InviteRefused InviteState = "refused" // the invited account cannot take the role (Refusal says why)
)

// InviteVM is the page an invitation link opens.
type InviteVM struct {
	Raw     string // the link's secret, carried by the page's forms
	Invite  *account.Token
	State   InviteState
	Current *account.User // who is signed in, if anyone
	Refusal string        // translated, for InviteRefused
	Form    SignupForm
}

// Admin reports whether the invitation is to operations rather than a company.
func (vm InviteVM) Admin() bool { return vm.Invite.Purpose == account.PurposeAdminInvite }

// LoginHref signs in and comes back to the invitation.
func (vm InviteVM) LoginHref() string { return "/login?next=" + url.QueryEscape(InviteHref(vm.Raw)) }

// InviteHref is the invitation page of a link's secret.
func InviteHref(raw string) string { return "/invite?token=" + url.QueryEscape(raw) }

// SignupForm is what was typed into the invitation's sign-up form (never the passwords) and
// the per-field messages (name, phone, password, confirm), translated.
type SignupForm struct {
	Name, Phone string
	Errors      map[string]string
}

// InviteProblem is the page of a link that cannot be used: unknown, expired, or used or
// cancelled already.
type InviteProblem struct {
	Status int
	Kind   string // invalid, expired, used
	// Inviter is who sent it (to ask for a new one), when known.
	Inviter string
	// Area is where the signed-in visitor, who accepted it already, may go ("" otherwise).
	Area string
}
