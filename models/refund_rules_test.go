package models_test

import (
	"testing"
	"time"

	"koogallery/models"
)

// Every row of the refund decision table (models.DecideRefund), on facts filled by hand. The
// store tests (refund_store_test.go) build the same situations in the database on both
// dialects.

func TestDecideRefundTable(t *testing.T) {
	now := t0.Add(24 * time.Hour)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	// base: a supervised manual service bought yesterday for ¥2,000, under supervision.
	base := func() models.RefundFacts {
		paid := t0
		return models.RefundFacts{
			Product:     models.Product{Type: models.TypeManualService, ChargingMode: models.ChargeOneTime, Supervised: true},
			Order:       models.Order{Type: models.OrderNew, PaidFen: 200000, PaidAt: &paid, EffectiveAt: &paid, Status: models.OrderProcessing},
			Service:     models.Instance{Status: models.InstanceOpening},
			Supervision: models.SupervisionInProgress,
			Bought:      paid,
			Now:         now,
		}
	}
	negotiable := func(f *models.RefundFacts) {}
	cases := []struct {
		name     string
		edit     func(f *models.RefundFacts)
		why      string
		allowed  bool
		min, max int64
		auto     bool
	}{
		// Refused whatever the product.
		{"service released", func(f *models.RefundFacts) { f.Service.Status = models.InstanceReleased }, models.WhyNotInUse, false, 0, 0, false},
		{"service never opened", func(f *models.RefundFacts) { f.Service.Status = models.InstanceFailed }, models.WhyNotInUse, false, 0, 0, false},
		{"open request", func(f *models.RefundFacts) { f.OpenRequest = true }, models.WhyOpenRequest, false, 0, 0, false},
		{"already refunded", func(f *models.RefundFacts) { f.Refunded = true }, models.WhyRefunded, false, 0, 0, false},
		{"trial order", func(f *models.RefundFacts) { f.Order.Type, f.Order.PaidFen = models.OrderTrial, 0 }, models.WhyTrial, false, 0, 0, false},
		{"change order", func(f *models.RefundFacts) { f.Order.Type = models.OrderChange }, models.WhyOrderType, false, 0, 0, false},
		{"unsubscribe order", func(f *models.RefundFacts) { f.Order.Type = models.OrderUnsubscribe }, models.WhyOrderType, false, 0, 0, false},
		{"nothing paid", func(f *models.RefundFacts) { f.Order.PaidFen = 0 }, models.WhyNothingPaid, false, 0, 0, false},
		{"API product", func(f *models.RefundFacts) { f.Product.Type, f.Product.Supervised = models.TypeAPI, false }, models.WhyTypeNotRefundable, false, 0, 0, false},

		// Negotiated refunds, by product type.
		{"manual service", negotiable, models.RuleNegotiated, true, 1, 200000, false},
		{"License supervised", func(f *models.RefundFacts) { f.Product.Type = models.TypeLicense }, models.RuleNegotiated, true, 1, 200000, false},
		{"SaaS supervised", func(f *models.RefundFacts) { f.Product.Type = models.TypeSaaS }, models.RuleNegotiated, true, 1, 200000, false},
		{"app orchestration", func(f *models.RefundFacts) { f.Product.Type = models.TypeAppOrchestration }, models.RuleNegotiated, true, 1, 200000, false},
		{"data file", func(f *models.RefundFacts) { f.Product.Type = models.TypeDataFile }, models.RuleNegotiated, true, 1, 200000, false},
		{"hardware", func(f *models.RefundFacts) { f.Product.Type = models.TypeHardware }, models.RuleNegotiated, true, 1, 200000, false},
		{"trial to formal is a purchase", func(f *models.RefundFacts) { f.Order.Type = models.OrderTrialToFormal }, models.RuleNegotiated, true, 1, 200000, false},
		{"frozen service", func(f *models.RefundFacts) { f.Service.Status = models.InstanceFrozen }, models.RuleNegotiated, true, 1, 200000, false},

		// Negotiated refunds: the guarantee period and what ends it.
		{"renewal not yet in effect: full amount", func(f *models.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt, f.Order.ExpireAt = models.OrderRenew, &future, ptr(future.AddDate(1, 0, 0))
		}, models.RuleRenewalFull, true, 200000, 200000, false},
		{"renewal in effect", func(f *models.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt, f.Order.ExpireAt = models.OrderRenew, &past, ptr(future.AddDate(1, 0, 0))
		}, models.WhyRenewalInEffect, false, 0, 0, false},
		{"renewal not in effect after supervision completed", func(f *models.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt, f.Order.ExpireAt = models.OrderRenew, &future, ptr(future.AddDate(1, 0, 0))
			f.Supervision = models.SupervisionCompleted
		}, models.WhySupervisionCompleted, false, 0, 0, false},
		{"validity over", func(f *models.RefundFacts) { f.Order.ExpireAt = &past }, models.WhyValidityOver, false, 0, 0, false},
		{"validity ends exactly now", func(f *models.RefundFacts) { f.Order.ExpireAt = &now }, models.WhyValidityOver, false, 0, 0, false},
		{"supervision completed", func(f *models.RefundFacts) { f.Supervision = models.SupervisionCompleted }, models.WhySupervisionCompleted, false, 0, 0, false},
		{"supervision closed by a refund", func(f *models.RefundFacts) { f.Supervision = models.SupervisionClosed }, models.WhyRefunded, false, 0, 0, false},
		{"unsupervised License inside the guarantee days", func(f *models.RefundFacts) {
			f.Product.Type, f.Product.Supervised, f.Supervision = models.TypeLicense, false, models.SupervisionNotInvolved
			f.Now = t0.Add(models.GuaranteeDays * 24 * time.Hour)
		}, models.RuleNegotiated, true, 1, 200000, false},
		{"unsupervised License after the guarantee days", func(f *models.RefundFacts) {
			f.Product.Type, f.Product.Supervised, f.Supervision = models.TypeLicense, false, models.SupervisionNotInvolved
			f.Now = t0.Add(models.GuaranteeDays*24*time.Hour + time.Second)
		}, models.WhyGuaranteeOver, false, 0, 0, false},
		{"License code claimed", func(f *models.RefundFacts) { f.Product.Type, f.LicenseClaimed = models.TypeLicense, true }, models.WhyLicenseClaimed, false, 0, 0, false},
		{"claimed flag on a non-License product", func(f *models.RefundFacts) { f.LicenseClaimed = true }, models.RuleNegotiated, true, 1, 200000, false},

		// 5-day no-reason refunds: images and unsupervised SaaS.
		{"image within five days", noReason(models.TypeImage, nil), models.RuleNoReason, true, 9900, 9900, true},
		{"unsupervised SaaS within five days", noReason(models.TypeSaaS, nil), models.RuleNoReason, true, 9900, 9900, true},
		{"no-reason on the fifth day", noReason(models.TypeSaaS, func(f *models.RefundFacts) { f.Now = t0.Add(5 * 24 * time.Hour) }), models.RuleNoReason, true, 9900, 9900, true},
		{"no-reason after five days", noReason(models.TypeSaaS, func(f *models.RefundFacts) { f.Now = t0.Add(5*24*time.Hour + time.Second) }), models.WhyNoReasonExpired, false, 0, 0, false},
		{"no-reason renewal", noReason(models.TypeImage, func(f *models.RefundFacts) {
			f.Order.Type, f.Order.EffectiveAt = models.OrderRenew, &future
		}), models.WhyNoReasonNewOnly, false, 0, 0, false},
		{"no-reason trial to formal", noReason(models.TypeImage, func(f *models.RefundFacts) { f.Order.Type = models.OrderTrialToFormal }), models.WhyNoReasonNewOnly, false, 0, 0, false},
		{"no-reason validity over", noReason(models.TypeImage, func(f *models.RefundFacts) { f.Order.ExpireAt = &past }), models.WhyValidityOver, false, 0, 0, false},
		{"no-reason ninth this year", noReason(models.TypeImage, func(f *models.RefundFacts) { f.NoReasonThisYear = models.NoReasonPerYear - 1 }), models.RuleNoReason, true, 9900, 9900, true},
		{"no-reason yearly limit", noReason(models.TypeImage, func(f *models.RefundFacts) { f.NoReasonThisYear = models.NoReasonPerYear }), models.WhyNoReasonLimit, false, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base()
			tc.edit(&f)
			d := models.DecideRefund(f)
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
func noReason(typ models.ProductType, more func(f *models.RefundFacts)) func(f *models.RefundFacts) {
	return func(f *models.RefundFacts) {
		f.Product = models.Product{Type: typ, ChargingMode: models.ChargePeriod}
		f.Order.PaidFen, f.Order.Status, f.Order.ExpireAt = 9900, models.OrderCompleted, ptr(t0.AddDate(0, 1, 0))
		f.Service.Status, f.Supervision = models.InstanceNormal, models.SupervisionNotInvolved
		if more != nil {
			more(f)
		}
	}
}

func TestRefundKindOf(t *testing.T) {
	for _, tc := range []struct {
		typ        models.ProductType
		supervised bool
		want       models.RefundKind
	}{
		{models.TypeManualService, true, models.RefundKindNegotiated},
		{models.TypeLicense, false, models.RefundKindNegotiated},
		{models.TypeAppOrchestration, true, models.RefundKindNegotiated},
		{models.TypeDataFile, true, models.RefundKindNegotiated},
		{models.TypeHardware, true, models.RefundKindNegotiated},
		{models.TypeSaaS, true, models.RefundKindNegotiated},
		{models.TypeSaaS, false, models.RefundKindNoReason},
		{models.TypeImage, false, models.RefundKindNoReason},
		{models.TypeAPI, false, models.RefundKindNone},
	} {
		if got := models.RefundKindOf(&models.Product{Type: tc.typ, Supervised: tc.supervised}); got != tc.want {
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
		{"", 0, models.MsgAmountRequired},
		{"   ", 0, models.MsgAmountRequired},
		{"0", 0, models.MsgAmountPositive},
		{"0.00", 0, models.MsgAmountPositive},
		{"-5", 0, models.MsgAmountPositive},
		{"-0.01", 0, models.MsgAmountPositive},
		{"1.234", 0, models.MsgAmountDecimals},
		{"1.000", 0, models.MsgAmountDecimals},
		{"abc", 0, models.MsgAmountFormat},
		{"1e3", 0, models.MsgAmountFormat},
		{"12,34", 0, models.MsgAmountFormat},
		{"1,2345", 0, models.MsgAmountFormat},
		{"1.", 0, models.MsgAmountFormat},
		{"1.2.3", 0, models.MsgAmountFormat},
		{"+5", 0, models.MsgAmountFormat},
		{"NaN", 0, models.MsgAmountFormat},
		{"١٢٣", 0, models.MsgAmountFormat},
		{"0x10", 0, models.MsgAmountFormat},
		{"99999999999999999999999", 0, models.MsgAmountMax},
		{"-99999999999999999999999", 0, models.MsgAmountPositive},
	} {
		fen, msg := models.ParseAmount(tc.in)
		if fen != tc.fen || msg != tc.msg {
			t.Errorf("ParseAmount(%q) = %d, %q; want %d, %q", tc.in, fen, msg, tc.fen, tc.msg)
		}
	}
}

func TestCheckAmountAgainstDecision(t *testing.T) {
	partial := models.RefundDecision{Allowed: true, MinFen: 1, MaxFen: 12000}
	full := models.RefundDecision{Allowed: true, MinFen: 12000, MaxFen: 12000}
	for _, tc := range []struct {
		in  string
		d   models.RefundDecision
		fen int64
		msg string
	}{
		{"120", partial, 12000, ""},
		{"0.01", partial, 1, ""},
		{"120.01", partial, 0, models.MsgAmountMax},
		{"100", full, 0, models.MsgAmountFull},
		{"120.00", full, 12000, ""},
		{"x", full, 0, models.MsgAmountFormat},
	} {
		fen, msg := models.CheckAmount(tc.in, tc.d)
		if fen != tc.fen || msg != tc.msg {
			t.Errorf("CheckAmount(%q) = %d, %q; want %d, %q", tc.in, fen, msg, tc.fen, tc.msg)
		}
	}
}

func TestRefundTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to models.RefundStatus
		role     models.Role
		want     bool
	}{
		{models.RefundPending, models.RefundApproved, models.RoleSeller, true},
		{models.RefundPending, models.RefundRejected, models.RoleSeller, true},
		{models.RefundPending, models.RefundWithdrawn, models.RoleBuyer, true},
		{models.RefundPending, models.RefundApproved, models.RoleBuyer, false},
		{models.RefundPending, models.RefundWithdrawn, models.RoleSeller, false},
		{models.RefundPending, models.RefundApproved, models.RoleAdmin, false},
		{models.RefundRejected, models.RefundApproved, models.RoleSeller, false},
		{models.RefundApproved, models.RefundWithdrawn, models.RoleBuyer, false},
		{models.RefundWithdrawn, models.RefundPending, models.RoleBuyer, false},
	} {
		if got := models.CanRefundTransition(tc.from, tc.to, tc.role); got != tc.want {
			t.Errorf("%s → %s by %s: %v, want %v", tc.from, tc.to, tc.role, got, tc.want)
		}
	}
}
