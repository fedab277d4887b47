package models_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

var orderNoShape = regexp.MustCompile(`^CS\d{10}[A-Z]{5}$`)

func TestPurchaseByProductType(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		cases := []struct {
			name      string
			fill      func(p *catalog.Product)
			in        models.PurchaseInput
			amount    int64
			expire    *time.Time
			order     orders.OrderStatus
			instance  orders.InstanceStatus
			repayment orders.Repayment
		}{
			{"saas monthly", func(p *catalog.Product) { p.PriceMonth = 9900 }, buy(catalog.PlanMonth, "3", orders.PayCash),
				29700, ptr(t0.AddDate(0, 3, 0)), orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"saas one-time", func(p *catalog.Product) { p.ChargingMode, p.PriceOnce = catalog.ChargeOneTime, 49900 }, buy(catalog.PlanOnce, "", orders.PayCoupon),
				49900, nil, orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"license supervised", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised, p.CodeKind = catalog.TypeLicense, catalog.ChargeOneTime, 128000, true, catalog.CodeSystem
			}, buy(catalog.PlanOnce, "1", orders.PayCredit), 128000, nil, orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentPending},
			{"license yearly", func(p *catalog.Product) { p.Type, p.PriceMonth, p.PriceYear = catalog.TypeLicense, 0, 360000 }, buy(catalog.PlanYear, "2", orders.PayCash),
				720000, ptr(t0.AddDate(2, 0, 0)), orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"image on demand", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceHour = catalog.TypeImage, catalog.ChargeOnDemand, 50
			}, buy(catalog.PlanHour, "", orders.PayCash),
				0, nil, orders.OrderCompleted, orders.InstanceNormal, orders.RepaymentNone},
			{"image monthly", func(p *catalog.Product) { p.Type = catalog.TypeImage }, buy(catalog.PlanMonth, "9", orders.PayCash),
				9000, ptr(t0.AddDate(0, 9, 0)), orders.OrderCompleted, orders.InstanceNormal, orders.RepaymentNone},
			{"manual service", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = catalog.TypeManualService, catalog.ChargeOneTime, 200000, true
			}, buy(catalog.PlanOnce, "1", orders.PayCash), 200000, nil, orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"app orchestration", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = catalog.TypeAppOrchestration, catalog.ChargeOneTime, 29900, true
			}, buy(catalog.PlanOnce, "1", orders.PayCash), 29900, nil, orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"data file supervised", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = catalog.TypeDataFile, catalog.ChargeOneTime, 19900, true
			}, buy(catalog.PlanOnce, "1", orders.PayCash), 19900, nil, orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"data file unsupervised", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce = catalog.TypeDataFile, catalog.ChargeOneTime, 19900
			}, buy(catalog.PlanOnce, "1", orders.PayCash), 19900, nil, orders.OrderCompleted, orders.InstanceNormal, orders.RepaymentNone},
			{"hardware", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce, p.Supervised = catalog.TypeHardware, catalog.ChargeOneTime, 399900, true
			}, buy(catalog.PlanOnce, "1", orders.PayCash), 399900, nil, orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
			{"api yearly", func(p *catalog.Product) { p.Type, p.PriceYear = catalog.TypeAPI, 199000 }, buy(catalog.PlanYear, "3", orders.PayCoupon),
				597000, ptr(t0.AddDate(3, 0, 0)), orders.OrderProcessing, orders.InstanceOpening, orders.RepaymentNone},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := w.product(t, tc.fill)
				o, err := s.Purchase(ctx, w.buyer.ID, p.ID, tc.in)
				if err != nil {
					t.Fatal(err)
				}
				var got orders.Order
				must(t, s.DB().First(&got, o.ID).Error)
				if got.Type != orders.OrderNew || got.Status != tc.order || got.AmountFen != tc.amount || got.PaidFen != tc.amount {
					t.Errorf("order %s/%s %d/%d fen, want NEW/%s %d fen", got.Type, got.Status, got.AmountFen, got.PaidFen, tc.order, tc.amount)
				}
				if got.PayMethod != orders.PayMethod(tc.in.PayMethod) || got.Repayment != tc.repayment {
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
		if n := count(t, s, &orders.Order{}); n != int64(len(cases)) {
			t.Errorf("%d orders for %d purchases", n, len(cases))
		}
	})
}

func ptr(t time.Time) *time.Time { return &t }

func TestPurchaseTrialOnlyOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t) // 7-day trial
		o, err := s.Purchase(ctx, w.buyer.ID, p.ID, buy(catalog.PlanTrial, "", orders.PayCredit))
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != orders.OrderTrial || o.AmountFen != 0 || o.PaidFen != 0 || o.PayMethod != orders.PayCash || o.Repayment != orders.RepaymentNone {
			t.Errorf("trial order %s %d fen by %s (%q)", o.Type, o.AmountFen, o.PayMethod, o.Repayment)
		}
		in := instanceOf(t, s, *o.InstanceID)
		if !in.Trial || in.Status != orders.InstanceNormal || !sameTime(in.ExpireAt, ptr(t0.AddDate(0, 0, 7))) {
			t.Errorf("trial service trial=%v %s until %s", in.Trial, in.Status, fmtTime(in.ExpireAt))
		}
		// A second trial, even much later, is refused; a paid plan is not.
		w.clock.Advance(30 * 24 * time.Hour)
		_, err = s.Purchase(ctx, w.buyer.ID, p.ID, buy(catalog.PlanTrial, "", orders.PayCash))
		var fe sqldb.FieldErrors
		if !errors.As(err, &fe) || fe["plan"] != models.MsgTrialUsed || len(fe) != 1 {
			t.Fatalf("second trial: %v, want plan=%s", err, models.MsgTrialUsed)
		}
		if _, err := s.Purchase(ctx, w.buyer.ID, p.ID, buy(catalog.PlanMonth, "1", orders.PayCash)); err != nil {
			t.Errorf("paid purchase after the trial: %v", err)
		}
		// Another buyer still has their trial.
		if _, err := s.Purchase(ctx, w.buyer2.ID, p.ID, buy(catalog.PlanTrial, "", orders.PayCash)); err != nil {
			t.Errorf("another buyer's trial: %v", err)
		}
		// A product without trial offers none.
		noTrial := w.product(t, nil)
		_, err = s.Purchase(ctx, w.buyer.ID, noTrial.ID, buy(catalog.PlanTrial, "", orders.PayCash))
		if !errors.As(err, &fe) || fe["plan"] != models.MsgPlanInvalid {
			t.Errorf("trial of a product without one: %v", err)
		}
		if n := count(t, s, &orders.Order{}, "type = ?", orders.OrderTrial); n != 2 {
			t.Errorf("%d trial orders, want 2", n)
		}
	})
}

func TestPurchaseRejectsBadInput(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		once := w.product(t, func(p *catalog.Product) { p.ChargingMode, p.PriceOnce = catalog.ChargeOneTime, 500 })
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
			var fe sqldb.FieldErrors
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
		frozen := w.product(t, func(p *catalog.Product) { p.SaleStatus = catalog.SaleFrozen })
		delisted := w.product(t, func(p *catalog.Product) { p.SaleStatus = catalog.SaleDelisted })
		for name, id := range map[string]uint{"frozen": frozen.ID, "delisted": delisted.ID, "unknown": 999999} {
			if _, err := s.Purchase(ctx, w.buyer.ID, id, buy(catalog.PlanMonth, "1", orders.PayCash)); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("buy a %s product: %v, want ErrNotFound", name, err)
			}
		}
		if n := count(t, s, &orders.Order{}) + count(t, s, &orders.Instance{}); n != 0 {
			t.Errorf("refused purchases left %d rows", n)
		}
	})
}

func TestPurchaseDoubleSubmit(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		in := buy(catalog.PlanMonth, "2", orders.PayCash)
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
		var fe sqldb.FieldErrors
		made := 0
		for n := 40; n <= 70; n++ {
			long := buy(catalog.PlanMonth, "1", orders.PayCash)
			long.SubmitKey = strings.Repeat(string(rune('a'+n%26)), n)
			switch _, err := s.Purchase(ctx, w.buyer.ID, p.ID, long); {
			case err == nil:
				made++
			case errors.As(err, &fe) && fe["form"] == orders.MsgSubmitKey:
			default:
				t.Errorf("a %d-character form key: %v", n, err)
			}
		}
		if n := count(t, s, &orders.Order{}); n != int64(2+made) || made == 0 {
			t.Errorf("%d orders, want %d (and some long keys accepted)", n, 2+made)
		}
	})
}

func TestPurchaseConcurrentDoubleSubmit(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		for round := 0; round < 3; round++ {
			in := buy(catalog.PlanYear, "1", orders.PayCash)
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
		if o, i := count(t, s, &orders.Order{}), count(t, s, &orders.Instance{}); o != 3 || i != 3 {
			t.Errorf("%d orders and %d services for 3 forms", o, i)
		}
	})
}
