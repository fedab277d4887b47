package models_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/protocol"
)

func TestNormalizeFingerprint(t *testing.T) {
	good := map[string]string{
		"00:1a:2b:3c:4d:5e|wd-123|bsn1|cpu1":           "00:1A:2B:3C:4D:5E|WD-123|BSN1|CPU1",
		" 00:1A:2B:3C:4D:5E , 00:1A:2B:3C:4D:5F |||X ": "00:1A:2B:3C:4D:5E,00:1A:2B:3C:4D:5F|||X",
		"|DISK1,DISK2||": "|DISK1,DISK2||",
	}
	for in, want := range good {
		if got, msg := license.NormalizeFingerprint(in); got != want || msg != "" {
			t.Errorf("%q → %q, %q; want %q", in, got, msg, want)
		}
	}
	bad := map[string]string{
		"":                                license.MsgFingerprintRequired,
		"   ":                             license.MsgFingerprintRequired,
		"AA|BB|CC":                        license.MsgFingerprintFields,
		"AA|BB|CC|DD|EE":                  license.MsgFingerprintFields,
		"|||":                             license.MsgFingerprintBlank,
		"AA,|BB|CC|DD":                    license.MsgFingerprintEmptyVal,
		"AA,,AB|BB|CC|DD":                 license.MsgFingerprintEmptyVal,
		"AA BB|CC|DD|EE":                  license.MsgFingerprintChars,
		"AA|<script>|CC|DD":               license.MsgFingerprintChars,
		"ÄÄ|B|C|D":                        license.MsgFingerprintChars,
		"AA;BB|C|D|E":                     license.MsgFingerprintChars,
		strings.Repeat("A", 1030) + "|||": license.MsgFingerprintTooLong,
	}
	for in, want := range bad {
		if got, msg := license.NormalizeFingerprint(in); msg != want || got != "" {
			t.Errorf("%.40q → %q, %q; want message %q", in, got, msg, want)
		}
	}
}

// licenseWorld is a License product bought by buyer and opened by the seller.
func licenseWorld(t *testing.T, s *models.Store, periodic bool) (*world, orders.Instance) {
	t.Helper()
	w := newWorld(t, s)
	p := w.product(t, func(p *catalog.Product) {
		p.Type = catalog.TypeLicense
		if !periodic {
			p.ChargingMode, p.PriceOnce = catalog.ChargeOneTime, 5000
		}
	})
	plan := catalog.PlanOnce
	if periodic {
		plan = catalog.PlanYear
	}
	o, err := s.Purchase(ctx, w.buyer.ID, p.ID, buy(plan, "1", orders.PayCash))
	must(t, err)
	must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", *o.InstanceID).
		Updates(map[string]any{"status": orders.InstanceNormal, "seller_instance_id": "ins-lic-1"}).Error)
	// The newInstance call is done: only License calls remain in the outbox.
	must(t, s.DB().Model(&outbox.InterfaceCall{}).Where("instance_id = ?", *o.InstanceID).
		Updates(map[string]any{"status": outbox.CallSucceeded}).Error)
	return w, instanceOf(t, s, *o.InstanceID)
}

func TestApplyLicense(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, inst := licenseWorld(t, s, true)
		fp := "00:1a:2b:3c:4d:5e|WD-1||"

		// Bad fingerprints and strangers make nothing.
		_, _, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, "a|b", key())
		var fe sqldb.FieldErrors
		if !errors.As(err, &fe) || fe["fingerprint"] != license.MsgFingerprintFields {
			t.Fatalf("bad fingerprint: %v", err)
		}
		if _, _, err := s.ApplyLicense(ctx, w.buyer2.ID, inst.ID, fp, key()); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("another buyer's service: %v", err)
		}
		if _, _, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, fp, "short"); !errors.As(err, &fe) || fe["form"] != orders.MsgSubmitKey {
			t.Fatalf("short form key: %v", err)
		}
		if n := count(t, s, &license.LicenseApplication{}); n != 0 {
			t.Fatalf("%d applications after refusals", n)
		}

		k := key()
		a, created, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, fp, k)
		must(t, err)
		if !created || a.Status != license.LicensePending || a.DeviceFingerprint != "00:1A:2B:3C:4D:5E|WD-1||" || a.CallID == nil ||
			len(a.EventID) > 64 || a.ExpireTime == nil {
			t.Fatalf("application: created=%v %+v", created, a)
		}
		// The call carries what getLicenseAsync needs.
		var call outbox.InterfaceCall
		must(t, s.DB().First(&call, *a.CallID).Error)
		var body map[string]string
		must(t, json.Unmarshal([]byte(call.Body), &body))
		want := map[string]string{"activity": "getLicenseAsync", "instanceId": "ins-lic-1", "eventId": a.EventID,
			"deviceFingerprint": a.DeviceFingerprint, "effectiveTime": t0.Format("2006-01-02 15:04:05") + " z",
			"expireTime": inst.ExpireAt.UTC().Format("2006-01-02 15:04:05") + " z", "testFlag": "0"}
		for f, v := range want {
			if body[f] != v {
				t.Errorf("body %s = %q, want %q (%s)", f, body[f], v, call.Body)
			}
		}
		if call.Interface != sellertools.IfaceLicenseCode || call.Status != outbox.CallPending {
			t.Errorf("call: %s %s", call.Interface, call.Status)
		}

		// A double submit, or the same device again, makes nothing new.
		again, created, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, "x|y|z|w", k)
		must(t, err)
		if created || again.ID != a.ID {
			t.Fatalf("same form key: created=%v id %d", created, again.ID)
		}
		again, created, err = s.ApplyLicense(ctx, w.buyer.ID, inst.ID, " 00:1A:2B:3C:4D:5E|wd-1|| ", key())
		must(t, err)
		if created || again.ID != a.ID {
			t.Fatalf("same device: created=%v id %d", created, again.ID)
		}
		if n := count(t, s, &license.LicenseApplication{}); n != 1 {
			t.Fatalf("%d applications", n)
		}
		if n := count(t, s, &outbox.InterfaceCall{}, "activity = ?", protocol.ActivityGetLicenseAsync); n != 1 {
			t.Fatalf("%d getLicenseAsync calls", n)
		}

		// The seller answers with the License: issued, and the same push later is harmless.
		calls, err := s.ClaimDueCalls(ctx, 10, time.Minute)
		must(t, err)
		if len(calls) != 1 {
			t.Fatalf("claimed %d calls", len(calls))
		}
		must(t, s.RecordAttempt(ctx, &calls[0], outbox.AttemptResult{Outcome: outbox.OutcomeSucceeded, ResultCode: "000000", StartedAt: t0,
			License: `{"type":"CHARACTERS","characters":"LIC-ABC"}`}))
		got, err := s.SellerLicense(ctx, w.seller.ID, a.EventID)
		must(t, err)
		if got.Status != license.LicenseIssued || got.Characters != "LIC-ABC" || got.IssuedAt == nil {
			t.Fatalf("after delivery: %+v", got)
		}
		changed, err := s.PushLicense(ctx, w.seller.ID, a.EventID, license.LicensePush{Type: "CHARACTERS", Characters: "LIC-ABC"})
		if err != nil || changed {
			t.Fatalf("same push: changed=%v %v", changed, err)
		}
		if _, err := s.PushLicense(ctx, w.seller.ID, a.EventID, license.LicensePush{Type: "CHARACTERS", Characters: "LIC-OTHER"}); !errors.Is(err, license.ErrLicenseConflict) {
			t.Fatalf("different push: %v", err)
		}
		if _, err := s.PushLicense(ctx, w.seller.ID+1000, a.EventID, license.LicensePush{Type: "CHARACTERS", Characters: "LIC-ABC"}); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("another seller's push: %v", err)
		}
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "license_issued"); n != 1 {
			t.Errorf("%d license_issued notices", n)
		}
	})
}

// A FILE announced in the answer waits for its bytes; a call that exhausts its retries fails
// the application, and the device may be applied for again.
func TestLicenseFileAndFailure(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, inst := licenseWorld(t, s, false)
		a, _, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, "AA|||", key())
		must(t, err)
		if a.ExpireTime != nil {
			t.Errorf("one-time License has an expiry: %v", a.ExpireTime)
		}
		calls, err := s.ClaimDueCalls(ctx, 10, time.Minute)
		must(t, err)
		data := bytes.Repeat([]byte("L"), license.MaxLicenseFileBytes)            // the largest file fits on every database
		sha := "8e9a2b0f5b7b33f0a57e1b4c9ae8f7b0a3e2c76d7f5e9e1ae0b7b3f1c8d4e2a1" // announced, not the real digest
		must(t, s.RecordAttempt(ctx, &calls[0], outbox.AttemptResult{Outcome: outbox.OutcomeSucceeded, ResultCode: "000000", StartedAt: t0,
			License: `{"type":"FILE","file_name":"a.lic","sha256":"` + sha + `"}`}))
		got, _ := s.SellerLicense(ctx, w.seller.ID, a.EventID)
		if got.Status != license.LicensePending || got.LicenseType != "FILE" || got.FileSHA256 != sha {
			t.Fatalf("announced file: %+v", got)
		}
		if _, err := s.PushLicense(ctx, w.seller.ID, a.EventID, license.LicensePush{Type: "FILE", FileName: "a.lic", SHA256: strings.Repeat("0", 64), Data: data}); !errors.Is(err, license.ErrLicenseConflict) {
			t.Fatalf("file other than announced: %v", err)
		}
		changed, err := s.PushLicense(ctx, w.seller.ID, a.EventID, license.LicensePush{Type: "FILE", FileName: "a.lic", SHA256: strings.ToUpper(sha), Data: data})
		if err != nil || !changed {
			t.Fatalf("announced file pushed: %v %v", changed, err)
		}
		f, err := s.BuyerLicenseFile(ctx, w.buyer.ID, inst.ID, a.ID)
		must(t, err)
		if string(f.FileData) != string(data) || f.FileSize != int64(len(data)) {
			t.Fatalf("file: %+v", f)
		}
		if _, err := s.BuyerLicenseFile(ctx, w.buyer2.ID, inst.ID, a.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("another buyer's file: %v", err)
		}

		// A second device: the seller never answers, and the retries run out.
		s.SetPolicy(string(protocol.ActivityGetLicenseAsync), outbox.RetryPolicy{Every: time.Minute, Window: 2 * time.Minute, Poll: time.Minute})
		b, created, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, "BB|||", key())
		must(t, err)
		if !created {
			t.Fatal("second device not created")
		}
		for i := 0; i < 5; i++ {
			calls, err := s.ClaimDueCalls(ctx, 10, time.Minute)
			must(t, err)
			for j := range calls {
				must(t, s.RecordAttempt(ctx, &calls[j], outbox.AttemptResult{Outcome: outbox.OutcomeFailed, StatusCode: 500, StartedAt: w.clock.Now()}))
			}
			w.clock.Advance(time.Minute)
		}
		got, _ = s.SellerLicense(ctx, w.seller.ID, b.EventID)
		if got.Status != license.LicenseFailed {
			t.Fatalf("after exhausted retries: %s", got.Status)
		}
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "license_failed"); n != 1 {
			t.Errorf("%d license_failed notices", n)
		}
		c, created, err := s.ApplyLicense(ctx, w.buyer.ID, inst.ID, "BB|||", key())
		must(t, err)
		if !created || c.ID == b.ID {
			t.Fatalf("re-applying after failure: created=%v", created)
		}

		// The seller fixes its endpoint and restarts the failed call: the License still arrives.
		must(t, s.DB().Model(&outbox.InterfaceCall{}).Where("id = ?", *b.CallID).Updates(map[string]any{
			"status": outbox.CallPending, "next_attempt_at": w.clock.Now(), "deadline": w.clock.Now().Add(time.Hour), "completed_at": nil}).Error)
		must(t, s.DB().Model(&outbox.InterfaceCall{}).Where("id = ?", *c.CallID).Update("status", outbox.CallSucceeded).Error)
		calls, err = s.ClaimDueCalls(ctx, 10, time.Minute)
		must(t, err)
		if len(calls) != 1 || calls[0].ID != *b.CallID {
			t.Fatalf("restarted call not claimed: %d", len(calls))
		}
		must(t, s.RecordAttempt(ctx, &calls[0], outbox.AttemptResult{Outcome: outbox.OutcomeSucceeded, ResultCode: "000000", StartedAt: w.clock.Now(),
			License: `{"type":"CHARACTERS","characters":"LIC-LATE"}`}))
		if got, _ = s.SellerLicense(ctx, w.seller.ID, b.EventID); got.Status != license.LicenseIssued || got.Characters != "LIC-LATE" {
			t.Fatalf("after the restarted call: %s %q", got.Status, got.Characters)
		}
	})
}
