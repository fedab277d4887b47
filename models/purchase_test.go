package models_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
)

var orderNoShape = regexp.MustCompile(`^CS\d{10}[A-Z]{5}$`)

func TestPurchaseByProductType(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		cases := []struct {
			name      string
			fill      func(p *models.Product)
			in        models.PurchaseInput
			amount    int64
			expire    *time.Time
			order     models.OrderStatus
			instance  models.InstanceStatus
			repayment models.Repayment
		}{
			{"saas monthly", func(p *models.Product) { p.PriceMonth = 9900 }, buy(models.PlanMonth, "3", models.PayCash),
				29700, ptr(t0.AddDate(0, 3, 0)), models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"saas one-time", func(p *models.Product) { p.ChargingMode, p.PriceOnce = models.ChargeOneTime, 49900 }, buy(models.PlanOnce, "", models.PayCoupon),
				49900, nil, models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"license supervised", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised, p.CodeKind = models.TypeLicense, models.ChargeOneTime, 128000, true, models.CodeSystem
			}, buy(models.PlanOnce, "1", models.PayCredit), 128000, nil, models.OrderProcessing, models.InstanceOpening, models.RepaymentPending},
			{"license yearly", func(p *models.Product) { p.Type, p.PriceMonth, p.PriceYear = models.TypeLicense, 0, 360000 }, buy(models.PlanYear, "2", models.PayCash),
				720000, ptr(t0.AddDate(2, 0, 0)), models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"image on demand", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceHour = models.TypeImage, models.ChargeOnDemand, 50
			}, buy(models.PlanHour, "", models.PayCash),
				0, nil, models.OrderCompleted, models.InstanceNormal, models.RepaymentNone},
			{"image monthly", func(p *models.Product) { p.Type = models.TypeImage }, buy(models.PlanMonth, "9", models.PayCash),
				9000, ptr(t0.AddDate(0, 9, 0)), models.OrderCompleted, models.InstanceNormal, models.RepaymentNone},
			{"manual service", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = models.TypeManualService, models.ChargeOneTime, 200000, true
			}, buy(models.PlanOnce, "1", models.PayCash), 200000, nil, models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"app orchestration", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = models.TypeAppOrchestration, models.ChargeOneTime, 29900, true
			}, buy(models.PlanOnce, "1", models.PayCash), 29900, nil, models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"data file supervised", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = models.TypeDataFile, models.ChargeOneTime, 19900, true
			}, buy(models.PlanOnce, "1", models.PayCash), 19900, nil, models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"data file unsupervised", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce = models.TypeDataFile, models.ChargeOneTime, 19900
			}, buy(models.PlanOnce, "1", models.PayCash), 19900, nil, models.OrderCompleted, models.InstanceNormal, models.RepaymentNone},
			{"hardware", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = models.TypeHardware, models.ChargeOneTime, 399900, true
			}, buy(models.PlanOnce, "1", models.PayCash), 399900, nil, models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
			{"api yearly", func(p *models.Product) { p.Type, p.PriceYear = models.TypeAPI, 199000 }, buy(models.PlanYear, "3", models.PayCoupon),
				597000, ptr(t0.AddDate(3, 0, 0)), models.OrderProcessing, models.InstanceOpening, models.RepaymentNone},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := w.product(t, tc.fill)
				o, err := s.Purchase(ctx, w.buyer.ID, p.ID, tc.in)
				if err != nil {
					t.Fatal(err)
				}
				var got models.Order
				must(t, s.DB().First(&got, o.ID).Error)
				if got.Type != models.OrderNew || got.Status != tc.order || got.AmountFen != tc.amount || got.PaidFen != tc.amount {
					t.Errorf("order %s/%s %d/%d fen, want NEW/%s %d fen", got.Type, got.Status, got.AmountFen, got.PaidFen, tc.order, tc.amount)
				}
				if got.PayMethod != models.PayMethod(tc.in.PayMethod) || got.Repayment != tc.repayment {
					t.Errorf("paid by %s (repayment %q), want %s (%q)", got.PayMethod, got.Repayment, tc.in.PayMethod, tc.repayment)
				}
				if !orderNoShape.MatchString(got.OrderNo) || got.LineNo != got.OrderNo+"-000001" {
					t.Errorf("order no %q line %q", got.OrderNo, got.LineNo)
				}
				if got.BuyerID != w.buyer.ID || got.SellerID != w.seller.ID || got.ProductID != p.ID || got.ProductName != p.Name || got.ChargingMode != p.ChargingMode {
					t.Errorf("order parties/product wrong: %+v", got)
				}
				if !sameTime(got.EffectiveAt, &t0) || !sameTime(got.ExpireAt, tc.expire) {
					t.Errorf("order valid %s → %s, want %s → %s", fmtTime(got.EffectiveAt), fmtTime(got.ExpireAt), fmtTime(&t0), fmtTime(tc.expire))
				}
				if got.InstanceID == nil {
					t.Fatal("order without its service")
				}
				in := instanceOf(t, s, *got.InstanceID)
				if in.Status != tc.instance || in.OrderID != got.ID || in.BuyerID != w.buyer.ID || in.SellerID != w.seller.ID || in.Trial {
					t.Errorf("service %+v, want %s for order %d", in, tc.instance, got.ID)
				}
				if !sameTime(in.ExpireAt, tc.expire) {
					t.Errorf("service expires %s, want %s", fmtTime(in.ExpireAt), fmtTime(tc.expire))
				}
			})
		}
		if n := count(t, s, &models.Order{}); n != int64(len(cases)) {
			t.Errorf("%d orders for %d purchases", n, len(cases))
		}
	})
}

func ptr(t time.Time) *time.Time { return &t }

func TestPurchaseTrialOnlyOnce(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t) // 7-day trial
		o, err := s.Purchase(ctx, w.buyer.ID, p.ID, buy(models.PlanTrial, "", models.PayCredit))
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != models.OrderTrial || o.AmountFen != 0 || o.PaidFen != 0 || o.PayMethod != models.PayCash || o.Repayment != models.RepaymentNone {
			t.Errorf("trial order %s %d fen by %s (%q)", o.Type, o.AmountFen, o.PayMethod, o.Repayment)
		}
		in := instanceOf(t, s, *o.InstanceID)
		if !in.Trial || in.Status != models.InstanceNormal || !sameTime(in.ExpireAt, ptr(t0.AddDate(0, 0, 7))) {
			t.Errorf("trial service trial=%v %s until %s", in.Trial, in.Status, fmtTime(in.ExpireAt))
		}
		// A second trial, even much later, is refused; a paid plan is not.
		w.clock.Advance(30 * 24 * time.Hour)
		_, err = s.Purchase(ctx, w.buyer.ID, p.ID, buy(models.PlanTrial, "", models.PayCash))
		var fe models.FieldErrors
		if !errors.As(err, &fe) || fe["plan"] != models.MsgTrialUsed || len(fe) != 1 {
			t.Fatalf("second trial: %v, want plan=%s", err, models.MsgTrialUsed)
		}
		if _, err := s.Purchase(ctx, w.buyer.ID, p.ID, buy(models.PlanMonth, "1", models.PayCash)); err != nil {
			t.Errorf("paid purchase after the trial: %v", err)
		}
		// Another buyer still has their trial.
		if _, err := s.Purchase(ctx, w.buyer2.ID, p.ID, buy(models.PlanTrial, "", models.PayCash)); err != nil {
			t.Errorf("another buyer's trial: %v", err)
		}
		// A product without trial offers none.
		noTrial := w.product(t, nil)
		_, err = s.Purchase(ctx, w.buyer.ID, noTrial.ID, buy(models.PlanTrial, "", models.PayCash))
		if !errors.As(err, &fe) || fe["plan"] != models.MsgPlanInvalid {
			t.Errorf("trial of a product without one: %v", err)
		}
		if n := count(t, s, &models.Order{}, "type = ?", models.OrderTrial); n != 2 {
			t.Errorf("%d trial orders, want 2", n)
		}
	})
}

func TestPurchaseRejectsBadInput(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		once := w.product(t, func(p *models.Product) { p.ChargingMode, p.PriceOnce = models.ChargeOneTime, 500 })
		cases := []struct {
			name    string
			product uint
			in      models.PurchaseInput
			fields  []string
		}{
			{"no plan", p.ID, models.PurchaseInput{Count: "1", PayMethod: "cash", SubmitKey: key()}, []string{"plan"}},
			{"plan not offered", p.ID, models.PurchaseInput{Plan: "once", Count: "1", PayMethod: "cash", SubmitKey: key()}, []string{"plan"}},
			{"month plan of a one-time product", once.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: key()}, []string{"plan"}},
			{"zero months", p.ID, models.PurchaseInput{Plan: "month", Count: "0", PayMethod: "cash", SubmitKey: key()}, []string{"count"}},
			{"ten months", p.ID, models.PurchaseInput{Plan: "month", Count: "10", PayMethod: "cash", SubmitKey: key()}, []string{"count"}},
			{"four years", p.ID, models.PurchaseInput{Plan: "year", Count: "4", PayMethod: "cash", SubmitKey: key()}, []string{"count"}},
			{"negative", p.ID, models.PurchaseInput{Plan: "month", Count: "-1", PayMethod: "cash", SubmitKey: key()}, []string{"count"}},
			{"huge", p.ID, models.PurchaseInput{Plan: "month", Count: "99999999999999999999", PayMethod: "cash", SubmitKey: key()}, []string{"count"}},
			{"decimal", p.ID, models.PurchaseInput{Plan: "month", Count: "1.5", PayMethod: "cash", SubmitKey: key()}, []string{"count"}},
			{"no pay method", p.ID, models.PurchaseInput{Plan: "month", Count: "1", SubmitKey: key()}, []string{"pay_method"}},
			{"unknown pay method", p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "gold", SubmitKey: key()}, []string{"pay_method"}},
			{"no form key", p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash"}, []string{"form"}},
			{"short form key", p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "short"}, []string{"form"}},
			{"long form key", p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: strings.Repeat("k", 65)}, []string{"form"}},
		}
		for _, tc := range cases {
			_, err := s.Purchase(ctx, w.buyer.ID, tc.product, tc.in)
			var fe models.FieldErrors
			if !errors.As(err, &fe) {
				t.Errorf("%s: %v, want field errors", tc.name, err)
				continue
			}
			if len(fe) != len(tc.fields) {
				t.Errorf("%s: fields %v, want %v", tc.name, fe, tc.fields)
			}
			for _, f := range tc.fields {
				if fe[f] == "" {
					t.Errorf("%s: no message for %s (%v)", tc.name, f, fe)
				}
			}
		}
		// Products that are not on sale, or do not exist, cannot be bought.
		frozen := w.product(t, func(p *models.Product) { p.SaleStatus = models.SaleFrozen })
		delisted := w.product(t, func(p *models.Product) { p.SaleStatus = models.SaleDelisted })
		for name, id := range map[string]uint{"frozen": frozen.ID, "delisted": delisted.ID, "unknown": 999999} {
			if _, err := s.Purchase(ctx, w.buyer.ID, id, buy(models.PlanMonth, "1", models.PayCash)); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("buy a %s product: %v, want ErrNotFound", name, err)
			}
		}
		if n := count(t, s, &models.Order{}) + count(t, s, &models.Instance{}); n != 0 {
			t.Errorf("refused purchases left %d rows", n)
		}
	})
}

func TestPurchaseDoubleSubmit(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		in := buy(models.PlanMonth, "2", models.PayCash)
		first, err := s.Purchase(ctx, w.buyer.ID, p.ID, in)
		must(t, err)
		in.Count = "5" // a changed resubmit of the same form still finds the first order
		second, err := s.Purchase(ctx, w.buyer.ID, p.ID, in)
		must(t, err)
		if first.ID != second.ID || second.PeriodCount != 2 {
			t.Errorf("resubmit made order %d (%d months), want %d", second.ID, second.PeriodCount, first.ID)
		}
		// The same key from another buyer is another form.
		other, err := s.Purchase(ctx, w.buyer2.ID, p.ID, in)
		must(t, err)
		if other.ID == first.ID || other.BuyerID != w.buyer2.ID {
			t.Errorf("another buyer's form with the same key got order %d of buyer %d", other.ID, other.BuyerID)
		}
		// Long keys are either accepted or refused as an expired form, never a database error
		// (the key is stored with the buyer id in front).
		var fe models.FieldErrors
		made := 0
		for n := 40; n <= 70; n++ {
			long := buy(models.PlanMonth, "1", models.PayCash)
			long.SubmitKey = strings.Repeat(string(rune('a'+n%26)), n)
			switch _, err := s.Purchase(ctx, w.buyer.ID, p.ID, long); {
			case err == nil:
				made++
			case errors.As(err, &fe) && fe["form"] == models.MsgSubmitKey:
			default:
				t.Errorf("a %d-character form key: %v", n, err)
			}
		}
		if n := count(t, s, &models.Order{}); n != int64(2+made) || made == 0 {
			t.Errorf("%d orders, want %d (and some long keys accepted)", n, 2+made)
		}
	})
}

func TestPurchaseConcurrentDoubleSubmit(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		for round := 0; round < 3; round++ {
			in := buy(models.PlanYear, "1", models.PayCash)
			const n = 6
			ids := make([]uint, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					o, err := s.Purchase(ctx, w.buyer.ID, p.ID, in)
					errs[i] = err
					if o != nil {
						ids[i] = o.ID
					}
				}(i)
			}
			close(start)
			wg.Wait()
			for i := range ids {
				if errs[i] != nil {
					t.Fatalf("round %d submit %d: %v", round, i, errs[i])
				}
				if ids[i] != ids[0] || ids[i] == 0 {
					t.Fatalf("round %d: concurrent submits of one form made orders %v", round, ids)
				}
			}
		}
		if o, i := count(t, s, &models.Order{}), count(t, s, &models.Instance{}); o != 3 || i != 3 {
			t.Errorf("%d orders and %d services for 3 forms", o, i)
		}
	})
}
