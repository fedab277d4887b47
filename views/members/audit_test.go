package members

import (
	"context"
	"testing"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/onboarding"
	"koogallery/models/outbox"
	"koogallery/models/refund"
	"koogallery/models/settlement"
	"koogallery/models/supervision"
	"koogallery/views"
)

// auditActions is every action the code writes to the audit log (grep `Action:` and
// `AuditEvent{` under models/): each must be named in both languages.
func auditActions() []string {
	out := []string{
		"product.approve", "product.reject", // store_products_review.go
		refund.RefundEventRequested, refund.RefundEventApproved, refund.RefundEventAutoApproved, refund.RefundEventRejected, refund.RefundEventWithdrawn,
		settlement.AuditRepaymentSet,
		account.AuditAdminInvited, account.AuditAdminInviteRevoked, account.AuditAdminJoined,
		deployment.ActGrantAgency, deployment.ActRevokeAgency, deployment.ActCreateStack, deployment.ActRetryStack, deployment.ActCreateSecGrp,
		supervision.AuditAppealInfoRequested, outbox.AuditCallRestart, outbox.AuditCallReplayed,
	}
	for _, a := range catalog.SaleActions {
		out = append(out, "product."+string(a))
	}
	for _, e := range []string{onboarding.EventApproved, onboarding.EventRejected, onboarding.EventInfo} {
		out = append(out, "seller."+e)
	}
	for _, o := range supervision.AppealOutcomes {
		out = append(out, "appeal."+string(o))
	}
	return out
}

func TestAuditActionsNamed(t *testing.T) {
	for _, a := range auditActions() {
		for _, l := range i18n.Locales {
			if !i18n.Has(l, "audit.action."+a) {
				t.Errorf("audit action %q has no name in %s (audit.action.%s)", a, l, a)
			}
		}
	}
	targets := []string{account.AuditProduct, refund.AuditRefund, settlement.AuditOrder, supervision.AuditAppeal, deployment.AuditDelegation,
		deployment.AuditDeployment, account.AuditInvitation, onboarding.AuditApplication, outbox.AuditCall}
	for _, tt := range targets {
		for _, l := range i18n.Locales {
			if !i18n.Has(l, "audit.target."+tt) {
				t.Errorf("audit target type %q has no name in %s", tt, l)
			}
		}
	}
}

func TestAuditDetailAndTarget(t *testing.T) {
	zh := views.WithPage(context.Background(), views.Page{Locale: i18n.ZH})
	en := views.WithPage(context.Background(), views.Page{Locale: i18n.EN})
	cases := []struct {
		ctx  context.Context
		e    account.AuditEvent
		want string
	}{
		{zh, account.AuditEvent{TargetType: account.AuditProduct, Detail: "on_sale→frozen"}, "已上架 → 已冻结"},
		{en, account.AuditEvent{TargetType: refund.AuditRefund, Detail: "appeal→approved"}, "appeal decision → " + i18n.T(i18n.EN, "refund.status.approved")},
		{zh, account.AuditEvent{TargetType: settlement.AuditOrder, Detail: "→repaid"}, " → 已还款"},
		{zh, account.AuditEvent{TargetType: onboarding.AuditApplication, Detail: "join · 云启科技 · 91110108MA01C3QX55"}, "入驻 · 云启科技 · 91110108MA01C3QX55"},
		{zh, account.AuditEvent{TargetType: account.AuditProduct, Detail: "v3"}, "v3"},
		{zh, account.AuditEvent{TargetType: account.AuditInvitation, Detail: "a@b.test"}, "a@b.test"},
	}
	for _, c := range cases {
		if got := AuditDetail(c.ctx, c.e); got != c.want {
			t.Errorf("AuditDetail(%q) = %q, want %q", c.e.Detail, got, c.want)
		}
	}
	if label, href := AuditTarget(zh, account.AuditEvent{TargetType: supervision.AuditAppeal, TargetID: 7}); label != "申诉 #7" || href != "/admin/appeals/7" {
		t.Errorf("appeal target = %q %q", label, href)
	}
	if _, href := AuditTarget(zh, account.AuditEvent{TargetType: account.AuditInvitation, TargetID: 7}); href != "" {
		t.Errorf("an invitation has no page, got %q", href)
	}
}
