package models_test

import (
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/refund"
)

// Every row of the refund decision table (models.DecideRefund), on facts filled by hand. The
// store tests (refund_store_test.go) build the same situations in the database on both
// dialects.

func TestDecideRefundTable(t *testing.T) {
	now := t0.Add(24 * time.Hour)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	// base: a supervised manual service bought yesterday for ¥2,000, under supervision.
	base := func() refund.RefundFacts {
		paid := t0
		return refund.RefundFacts{
			Product:     catalog.Product{Type: catalog.TypeManualService, ChargingMode: catalog.ChargeOneTime, Supervised: true},
			Order:       orders.Order{Type: orders.OrderNew, PaidFen: 200000, PaidAt: &paid, EffectiveAt: &paid, Status: orders.OrderProcessing},
			Service:     orders.Instance{Status: orders.InstanceOpening},
			Supervision: orders.SupervisionInProgress,
			Bought:      paid,
			Now:         now,
		}
	}
	negotiable := func(f *refund.RefundFacts) {}
	cases := []struct {
		name     string
		edit     func(f *refund.RefundFacts)
		why      string
		allowed  bool
		min, max int64
		auto     bool
	}{
		// Refused whatever the product.
		{"service released", func(f *refund.RefundFacts) { f.Service.Status = orders.InstanceReleased }, refund.WhyNotInUse, false, 0, 0, false},
		{"service never opened", func(f *refund.RefundFacts) { f.Service.Status = orders.InstanceFailed }, refund.WhyNotInUse, false, 0, 0, false},
		{"open request", func(f *refund.RefundFacts) { f.OpenRequest = true }, refund.WhyOpenRequest, false, 0, 0, false},
		{"already refunded", func(f *refund.RefundFacts) { f.Refunded = true }, refund.WhyRefunded, false, 0, 0, false},
		{"trial order", func(f *refund.RefundFacts) { f.Order.Type, f.Order.PaidFen = orders.OrderTrial, 0 }, refund.WhyTrial, false, 0, 0, false},
		{"change order", func(f *refund.RefundFacts) { f.Order.Type = orders.OrderChange }, refund.WhyOrderType, false, 0, 0, false},
		{"unsubscribe order", func(f *refund.RefundFacts) { f.Order.Type = orders.OrderUnsubscribe }, refund.WhyOrderType, false, 0, 0, false},
		{"nothing paid", func(f *refund.RefundFacts) { f.Order.PaidFen = 0 }, refund.WhyNothingPaid, false, 0, 0, false},
		{"API product", func(f *refund.RefundFacts) { f.Product.Type, f.Product.Supervised = catalog.TypeAPI, false }, refund.WhyTypeNotRefundable, false, 0, 0, false},

		// Negotiated refunds, by product type.
		{"manual service", negotiable, refund.RuleNegotiated, true, 1, 200000, false},
		{"License supervised", func(f *refund.RefundFacts) { f.Product.Type = catalog.TypeLicense }, refund.RuleNegotiated, true, 1, 200000, false},
		{"SaaS supervised", func(f *refund.RefundFacts) { f.Product.Type = catalog.TypeSaaS }, refund.RuleNegotiated, true, 1, 200000, false},
		{"app orchestration", func(f *refund.RefundFacts) { f.Product.Type = catalog.TypeAppOrchestration }, refund.RuleNegotiated, true, 1, 200000, false},
		{"data file", func(f *refund.RefundFacts) { f.Product.Type = catalog.TypeDataFile }, refund.RuleNegotiated, true, 1, 200000, false},
		{"hardware", func(f *refund.RefundFacts) { f.Product.Type = catalog.TypeHardware }, refund.RuleNegotiated, true, 1, 200000, false},
		{"trial to formal is a purchase", func(f *refund.RefundFacts) { f.Order.Type = orders.OrderTrialToFormal }, refund.RuleNegotiated, true, 1, 200000, false},
		{"frozen service", func(f *refund.RefundFacts) { f.Service.Status = orders.InstanceFrozen }, refund.RuleNegotiated, true, 1, 200000, false},

		// Negotiated refunds: the guarantee period and what ends it.
		{"renewal not yet in effect: full amount", func(f *refund.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt, f.Order.ExpireAt = orders.OrderRenew, &future, ptr(future.AddDate(1, 0, 0))
		}, refund.RuleRenewalFull, true, 200000, 200000, false},
		{"renewal in effect", func(f *refund.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt, f.Order.ExpireAt = orders.OrderRenew, &past, ptr(future.AddDate(1, 0, 0))
		}, refund.WhyRenewalInEffect, false, 0, 0, false},
		{"renewal not in effect after supervision completed", func(f *refund.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt, f.Order.ExpireAt = orders.OrderRenew, &future, ptr(future.AddDate(1, 0, 0))
			f.Supervision = orders.SupervisionCompleted
		}, refund.WhySupervisionCompleted, false, 0, 0, false},
		{"validity over", func(f *refund.RefundFacts) { f.Order.ExpireAt = &past }, refund.WhyValidityOver, false, 0, 0, false},
		{"validity ends exactly now", func(f *refund.RefundFacts) { f.Order.ExpireAt = &now }, refund.WhyValidityOver, false, 0, 0, false},
		{"supervision completed", func(f *refund.RefundFacts) { f.Supervision = orders.SupervisionCompleted }, refund.WhySupervisionCompleted, false, 0, 0, false},
		{"supervision closed by a refund", func(f *refund.RefundFacts) { f.Supervision = orders.SupervisionClosed }, refund.WhyRefunded, false, 0, 0, false},
		{"unsupervised License inside the guarantee days", func(f *refund.RefundFacts) {
			f.Product.Type, f.Product.Supervised, f.Supervision = catalog.TypeLicense, false, orders.SupervisionNotInvolved
			f.Now = t0.Add(refund.GuaranteeDays * 24 * time.Hour)
		}, refund.RuleNegotiated, true, 1, 200000, false},
		{"unsupervised License after the guarantee days", func(f *refund.RefundFacts) {
			f.Product.Type, f.Product.Supervised, f.Supervision = catalog.TypeLicense, false, orders.SupervisionNotInvolved
			f.Now = t0.Add(refund.GuaranteeDays*24*time.Hour + time.Second)
		}, refund.WhyGuaranteeOver, false, 0, 0, false},
		{"License code claimed", func(f *refund.RefundFacts) { f.Product.Type, f.LicenseClaimed = catalog.TypeLicense, true }, refund.WhyLicenseClaimed, false, 0, 0, false},
		{"claimed flag on a non-License product", func(f *refund.RefundFacts) { f.LicenseClaimed = true }, refund.RuleNegotiated, true, 1, 200000, false},

		// 5-day no-reason refunds: images and unsupervised SaaS.
		{"image within five days", noReason(catalog.TypeImage, nil), refund.RuleNoReason, true, 9900, 9900, true},
		{"unsupervised SaaS within five days", noReason(catalog.TypeSaaS, nil), refund.RuleNoReason, true, 9900, 9900, true},
		{"no-reason on the fifth day", noReason(catalog.TypeSaaS, func(f *refund.RefundFacts) { f.Now = t0.Add(5 * 24 * time.Hour) }), refund.RuleNoReason, true, 9900, 9900, true},
		{"no-reason after five days", noReason(catalog.TypeSaaS, func(f *refund.RefundFacts) { f.Now = t0.Add(5*24*time.Hour + time.Second) }), refund.WhyNoReasonExpired, false, 0, 0, false},
		{"no-reason renewal", noReason(catalog.TypeImage, func(f *refund.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt = orders.OrderRenew, &future
		}), refund.WhyNoReasonNewOnly, false, 0, 0, false},
		{"no-reason trial to formal", noReason(catalog.TypeImage, func(f *refund.RefundFacts) { f.Order.Type = orders.OrderTrialToFormal }), refund.WhyNoReasonNewOnly, false, 0, 0, false},
		{"no-reason validity over", noReason(catalog.TypeImage, func(f *refund.RefundFacts) { f.Order.ExpireAt = &past }), refund.WhyValidityOver, false, 0, 0, false},
		{"no-reason ninth this year", noReason(catalog.TypeImage, func(f *refund.RefundFacts) { f.NoReasonThisYear = refund.NoReasonPerYear - 1 }), refund.RuleNoReason, true, 9900, 9900, true},
		{"no-reason yearly limit", noReason(catalog.TypeImage, func(f *refund.RefundFacts) { f.NoReasonThisYear = refund.NoReasonPerYear }), refund.WhyNoReasonLimit, false, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base()
			tc.edit(&f)
			d := refund.DecideRefund(f)
			if d.Why != tc.why || d.Allowed != tc.allowed {
				t.Fatalf("decision %q allowed=%v, want %q allowed=%v", d.Why, d.Allowed, tc.why, tc.allowed)
			}
			if d.Allowed && (d.MinFen != tc.min || d.MaxFen != tc.max || d.Auto != tc.auto) {
				t.Errorf("amount %d..%d auto=%v, want %d..%d auto=%v", d.MinFen, d.MaxFen, d.Auto, tc.min, tc.max, tc.auto)
			}
			if !d.Allowed && (d.MaxFen != 0 || d.Auto) {
				t.Errorf("a refusal allows %d fen (auto=%v)", d.MaxFen, d.Auto)
			}
		})
	}
}

// noReason turns the base facts into a product with 5-day no-reason refunds bought at t0 for
// ¥99 a month.
func noReason(typ catalog.ProductType, more func(f *refund.RefundFacts)) func(f *refund.RefundFacts) {
	return func(f *refund.RefundFacts) {
		f.Product = catalog.Product{Type: typ, ChargingMode: catalog.ChargePeriod}
		f.Order.PaidFen, f.Order.Status, f.Order.ExpireAt = 9900, orders.OrderCompleted, ptr(t0.AddDate(0, 1, 0))
		f.Service.Status, f.Supervision = orders.InstanceNormal, orders.SupervisionNotInvolved
		if more != nil {
			more(f)
		}
	}
}

func TestRefundKindOf(t *testing.T) {
	for _, tc := range []struct {
		typ        catalog.ProductType
		supervised bool
		want       refund.RefundKind
	}{
		{catalog.TypeManualService, true, refund.RefundKindNegotiated},
		{catalog.TypeLicense, false, refund.RefundKindNegotiated},
		{catalog.TypeAppOrchestration, true, refund.RefundKindNegotiated},
		{catalog.TypeDataFile, true, refund.RefundKindNegotiated},
		{catalog.TypeHardware, true, refund.RefundKindNegotiated},
		{catalog.TypeSaaS, true, refund.RefundKindNegotiated},
		{catalog.TypeSaaS, false, refund.RefundKindNoReason},
		{catalog.TypeImage, false, refund.RefundKindNoReason},
		{catalog.TypeAPI, false, refund.RefundKindNone},
	} {
		if got := refund.RefundKindOf(&catalog.Product{Type: tc.typ, Supervised: tc.supervised}); got != tc.want {
			t.Errorf("%s supervised=%v: %q, want %q", tc.typ, tc.supervised, got, tc.want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in  string
		fen int64
		msg string
	}{
		{"120", 12000, ""},
		{"120.5", 12050, ""},
		{"120.50", 12050, ""},
		{" ¥1,200.05 ", 120005, ""},
		{"￥0.01", 1, ""},
		{".5", 50, ""},
		{"007", 700, ""},
		{"", 0, refund.MsgAmountRequired},
		{"   ", 0, refund.MsgAmountRequired},
		{"0", 0, refund.MsgAmountPositive},
		{"0.00", 0, refund.MsgAmountPositive},
		{"-5", 0, refund.MsgAmountPositive},
		{"-0.01", 0, refund.MsgAmountPositive},
		{"1.234", 0, refund.MsgAmountDecimals},
		{"1.000", 0, refund.MsgAmountDecimals},
		{"abc", 0, refund.MsgAmountFormat},
		{"1e3", 0, refund.MsgAmountFormat},
		{"12,34", 0, refund.MsgAmountFormat},
		{"1,2345", 0, refund.MsgAmountFormat},
		{"1.", 0, refund.MsgAmountFormat},
		{"1.2.3", 0, refund.MsgAmountFormat},
		{"+5", 0, refund.MsgAmountFormat},
		{"NaN", 0, refund.MsgAmountFormat},
		{"١٢٣", 0, refund.MsgAmountFormat},
		{"0x10", 0, refund.MsgAmountFormat},
		{"99999999999999999999999", 0, refund.MsgAmountMax},
		{"-99999999999999999999999", 0, refund.MsgAmountPositive},
	} {
		fen, msg := refund.ParseAmount(tc.in)
		if fen != tc.fen || msg != tc.msg {
			t.Errorf("ParseAmount(%q) = %d, %q; want %d, %q", tc.in, fen, msg, tc.fen, tc.msg)
		}
	}
}

func TestCheckAmountAgainstDecision(t *testing.T) {
	partial := refund.RefundDecision{Allowed: true, MinFen: 1, MaxFen: 12000}
	full := refund.RefundDecision{Allowed: true, MinFen: 12000, MaxFen: 12000}
	for _, tc := range []struct {
		in  string
		d   refund.RefundDecision
		fen int64
		msg string
	}{
		{"120", partial, 12000, ""},
		{"0.01", partial, 1, ""},
		{"120.01", partial, 0, refund.MsgAmountMax},
		{"100", full, 0, refund.MsgAmountFull},
		{"120.00", full, 12000, ""},
		{"x", full, 0, refund.MsgAmountFormat},
	} {
		fen, msg := refund.CheckAmount(tc.in, tc.d)
		if fen != tc.fen || msg != tc.msg {
			t.Errorf("CheckAmount(%q) = %d, %q; want %d, %q", tc.in, fen, msg, tc.fen, tc.msg)
		}
	}
}

func TestRefundTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to refund.RefundStatus
		role     account.Role
		want     bool
	}{
		{refund.RefundPending, refund.RefundApproved, account.RoleSeller, true},
		{refund.RefundPending, refund.RefundRejected, account.RoleSeller, true},
		{refund.RefundPending, refund.RefundWithdrawn, account.RoleBuyer, true},
		{refund.RefundPending, refund.RefundApproved, account.RoleBuyer, false},
		{refund.RefundPending, refund.RefundWithdrawn, account.RoleSeller, false},
		{refund.RefundPending, refund.RefundApproved, account.RoleAdmin, false},
		{refund.RefundRejected, refund.RefundApproved, account.RoleSeller, false},
		{refund.RefundApproved, refund.RefundWithdrawn, account.RoleBuyer, false},
		{refund.RefundWithdrawn, refund.RefundPending, account.RoleBuyer, false},
	} {
		if got := refund.CanRefundTransition(tc.from, tc.to, tc.role); got != tc.want {
			t.Errorf("%s → %s by %s: %v, want %v", tc.from, tc.to, tc.role, got, tc.want)
		}
	}
}
