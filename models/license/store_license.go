package license

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"

	"gorm.io/gorm"
)

// ErrLicenseConflict: a License different from the one already issued (or announced) for the
// application was delivered. The same application always yields the same License.
var ErrLicenseConflict = errors.New("a different License was already issued for this event")

// newEventID is a fresh eventId: "evt-" and 32 hex digits.
func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "evt-" + hex.EncodeToString(b)
}

// licenseActiveKey names one device of one service: at most one live application holds it.
func licenseActiveKey(instanceID uint, fingerprint string) string {
	sum := sha256.Sum256([]byte(fingerprint))
	return fmt.Sprintf("%d:%s", instanceID, hex.EncodeToString(sum[:]))
}

// ApplyLicense applies for a License for one device of the buyer's own License service in
// use. The fingerprint is checked and normalised (NormalizeFingerprint); problems come back as
// FieldErrors ("fingerprint", "form"). The application and its getLicenseAsync call are written
// in one transaction. It reports whether a new application was made: a resubmitted form (same
// submitKey) or a device that already has a pending or issued application for the service
// returns that application and creates nothing.
func (s *Store) ApplyLicense(ctx context.Context, buyerID, instanceID uint, fingerprint, submitKey string) (*LicenseApplication, bool, error) {
	inst, err := s.orders.BuyerService(ctx, buyerID, instanceID)
	if err != nil {
		return nil, false, err
	}
	key := strings.TrimSpace(submitKey)
	if len(key) < 16 || len(key) > orders.MaxSubmitKey {
		return nil, false, sqldb.FieldErrors{"form": orders.MsgSubmitKey}
	}
	stored := fmt.Sprintf("%d:%s", buyerID, key)
	if a, ok := s.licenseWhere(ctx, "submit_key = ? AND buyer_id = ? AND instance_id = ?", stored, buyerID, inst.ID); ok {
		return a, false, nil
	}
	now := s.Now()
	errs := sqldb.FieldErrors{}
	p := inst.Product
	switch {
	case p == nil || p.Type != catalog.TypeLicense:
		errs["form"] = MsgLicenseNotLicense
	case inst.Status != orders.InstanceNormal || inst.SellerInstanceID == "":
		errs["form"] = MsgLicenseNotNormal
	case p.Periodic() && (inst.ExpireAt == nil || !inst.ExpireAt.After(now)):
		errs["form"] = MsgLicenseExpired
	}
	fp, msg := NormalizeFingerprint(fingerprint)
	if msg != "" {
		errs["fingerprint"] = msg
	}
	if errs.Has() {
		return nil, false, errs
	}
	active := licenseActiveKey(inst.ID, fp)
	if a, ok := s.licenseWhere(ctx, "active_key = ?", active); ok {
		return a, false, nil
	}
	a := &LicenseApplication{InstanceID: inst.ID, BuyerID: buyerID, SellerID: inst.SellerID, ProductID: inst.ProductID,
		EventID: newEventID(), DeviceFingerprint: fp, EffectiveTime: now, Status: LicensePending,
		SubmitKey: &stored, ActiveKey: &active, CreatedAt: now}
	req := protocol.GetLicenseAsyncRequest{InstanceID: inst.SellerInstanceID, EffectiveTime: protocol.FormatLicenseTime(now),
		EventID: a.EventID, DeviceFingerprint: fp}
	if p.Periodic() {
		e := inst.ExpireAt.UTC()
		a.ExpireTime, req.ExpireTime = &e, protocol.FormatLicenseTime(e)
	}
	err = s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		c, err := s.outbox.LicenseCall(tx, p, inst.Order, inst, req)
		if err != nil {
			return err
		}
		a.CallID = &c.ID
		return tx.Model(a).Update("call_id", c.ID).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// A double submit raced itself: the other one won.
		if a, ok := s.licenseWhere(ctx, "submit_key = ? AND buyer_id = ? AND instance_id = ?", stored, buyerID, inst.ID); ok {
			return a, false, nil
		}
		if a, ok := s.licenseWhere(ctx, "active_key = ?", active); ok {
			return a, false, nil
		}
		return nil, false, sqldb.FieldErrors{"form": orders.MsgSubmitKey}
	}
	if err != nil {
		return nil, false, err
	}
	s.outbox.Signal()
	return a, true, nil
}

// licenseWhere finds one application (without the file's bytes).
func (s *Store) licenseWhere(ctx context.Context, query string, args ...any) (*LicenseApplication, bool) {
	var a LicenseApplication
	if err := s.Conn(ctx).Omit("file_data").Where(query, args...).First(&a).Error; err != nil {
		return nil, false
	}
	return &a, true
}

// BuyerLicenses lists the License applications of one of the buyer's services, newest first,
// without file contents.
func (s *Store) BuyerLicenses(ctx context.Context, buyerID, instanceID uint) ([]LicenseApplication, error) {
	var out []LicenseApplication
	err := s.Conn(ctx).Omit("file_data").Where("buyer_id = ? AND instance_id = ?", buyerID, instanceID).
		Order("id DESC").Limit(100).Find(&out).Error
	return out, err
}

// BuyerLicenseFile loads an issued FILE License of the buyer's, with its bytes; anything else
// (another buyer's, not issued, not a file) is ErrNotFound.
func (s *Store) BuyerLicenseFile(ctx context.Context, buyerID, instanceID, id uint) (*LicenseApplication, error) {
	var a LicenseApplication
	err := s.Conn(ctx).Where("id = ? AND buyer_id = ? AND instance_id = ? AND status = ? AND license_type = ?",
		id, buyerID, instanceID, LicenseIssued, LicenseTypeFile).First(&a).Error
	if err != nil {
		return nil, sqldb.NotFound(err)
	}
	if len(a.FileData) == 0 {
		return nil, sqldb.ErrNotFound
	}
	return &a, nil
}

// SellerLicense loads the application of an eventId, if it is the seller company's (without
// the file's bytes); otherwise ErrNotFound.
func (s *Store) SellerLicense(ctx context.Context, sellerID uint, eventID string) (*LicenseApplication, error) {
	if a, ok := s.licenseWhere(ctx, "event_id = ? AND seller_id = ?", eventID, sellerID); ok {
		return a, nil
	}
	return nil, sqldb.ErrNotFound
}

// PushLicense stores the License a seller pushed back for its application eventID and marks it
// issued. Pushing the same License again succeeds and changes nothing (changed is false); a
// different License for an application already issued, or one that differs from what the
// seller's getLicenseAsync answer announced, is ErrLicenseConflict. Another seller's or an
// unknown eventId is ErrNotFound. A pending getLicenseAsync call is completed: the License is
// delivered. A late push after the call failed still delivers the License.
func (s *Store) PushLicense(ctx context.Context, sellerID uint, eventID string, p LicensePush) (changed bool, err error) {
	p.SHA256 = strings.ToLower(p.SHA256)
	for try := 0; try < 3; try++ {
		changed, err = s.pushLicenseOnce(ctx, sellerID, eventID, p)
		if !errors.Is(err, sqldb.ErrStale) {
			return changed, err
		}
	}
	return false, err
}

func (s *Store) pushLicenseOnce(ctx context.Context, sellerID uint, eventID string, p LicensePush) (bool, error) {
	changed := false
	err := s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		var a LicenseApplication
		if err := tx.Omit("file_data").Where("event_id = ? AND seller_id = ?", eventID, sellerID).First(&a).Error; err != nil {
			return sqldb.NotFound(err)
		}
		if a.Status == LicenseIssued || a.LicenseType != "" {
			if !a.sameLicense(p) {
				return ErrLicenseConflict
			}
			if a.Status == LicenseIssued {
				return nil
			}
		}
		now := s.Now()
		fields := map[string]any{"status": LicenseIssued, "license_type": p.Type, "issued_at": now}
		if p.Type == LicenseTypeCharacters {
			fields["characters"] = p.Characters
		} else {
			fields["file_name"], fields["file_sha256"], fields["file_size"], fields["file_data"] = p.FileName, p.SHA256, int64(len(p.Data)), p.Data
		}
		res := tx.Model(&LicenseApplication{}).Where("id = ? AND status = ?", a.ID, a.Status).Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		changed = true
		if a.CallID != nil {
			// The License is here: stop re-sending getLicenseAsync (unless an attempt is in flight,
			// whose answer then finds the application issued and changes nothing).
			if err := tx.Model(&outbox.InterfaceCall{}).Where("id = ? AND status IN ? AND (claimed_until IS NULL OR claimed_until < ?)",
				*a.CallID, []outbox.CallStatus{outbox.CallPending, outbox.CallProcessing}, now).
				Updates(map[string]any{"status": outbox.CallSucceeded, "completed_at": now, "last_error": "", "updated_at": now}).Error; err != nil {
				return err
			}
		}
		return s.licenseNotice(tx, &a, "license_issued")
	})
	return changed, err
}

// licenseWire is the License of a getLicenseAsync answer as the dispatcher passes it on
// (AttemptResult.License, the protocol.LicenseContent JSON).
type licenseWire struct {
	Type       string `json:"type"`
	FileName   string `json:"file_name"`
	SHA256     string `json:"sha256"`
	Characters string `json:"characters"`
}

// licenseForCall finds the application a getLicenseAsync call serves: by the eventId in its body
// (so a restarted or replayed copy of the call counts too), else by the call id.
func licenseForCall(tx *gorm.DB, c *outbox.InterfaceCall) (*LicenseApplication, error) {
	var body struct {
		EventID string `json:"eventId"`
	}
	var a LicenseApplication
	q := tx.Omit("file_data").Where("call_id = ?", c.ID)
	if json.Unmarshal([]byte(c.Body), &body) == nil && body.EventID != "" {
		q = tx.Omit("file_data").Where("event_id = ? AND seller_id = ?", body.EventID, c.SellerID)
	}
	if err := q.First(&a).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return &a, nil
}

// onLicenseDelivered applies a getLicenseAsync answer that carried the License: a CHARACTERS
// License issues the application; a FILE License records the file's name and digest, and the
// application waits for the seller to push the bytes (the answer cannot carry them). An
// application that failed is revived by a later success (a restarted call).
func (s *Store) OnLicenseDelivered(tx *gorm.DB, c *outbox.InterfaceCall, r outbox.AttemptResult) error {
	var lic licenseWire
	if r.License == "" || json.Unmarshal([]byte(r.License), &lic) != nil {
		return nil
	}
	a, err := licenseForCall(tx, c)
	if err != nil || a == nil {
		return err
	}
	now := s.Now()
	guard := tx.Model(&LicenseApplication{}).Where("id = ? AND status IN ? AND COALESCE(license_type, '') = ''", a.ID,
		[]LicenseStatus{LicensePending, LicenseFailed})
	switch lic.Type {
	case LicenseTypeCharacters:
		if charCount(lic.Characters) > MaxLicenseCharacters || lic.Characters == "" {
			return nil
		}
		res := guard.Updates(map[string]any{"status": LicenseIssued, "license_type": lic.Type, "characters": lic.Characters, "issued_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.licenseNotice(tx, a, "license_issued")
	case LicenseTypeFile:
		return guard.Updates(map[string]any{"status": LicensePending, "license_type": lic.Type,
			"file_name": sqldb.ClipText(lic.FileName, MaxLicenseFileName), "file_sha256": strings.ToLower(sqldb.ClipText(lic.SHA256, 64))}).Error
	}
	return nil
}

// onLicenseFailed marks the application of a getLicenseAsync call that exhausted its retries
// failed (the buyer may apply again for the device), and tells the buyer.
func (s *Store) OnLicenseFailed(tx *gorm.DB, c *outbox.InterfaceCall) error {
	a, err := licenseForCall(tx, c)
	if err != nil || a == nil {
		return err
	}
	res := tx.Model(&LicenseApplication{}).Where("id = ? AND status = ?", a.ID, LicensePending).
		Updates(map[string]any{"status": LicenseFailed, "active_key": nil})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return s.licenseNotice(tx, a, "license_failed")
}

// licenseNotice tells the buyer about their application (in-site message notice.<kind>).
func (s *Store) licenseNotice(tx *gorm.DB, a *LicenseApplication, kind string) error {
	buyer := a.BuyerID
	var name string
	var names []string
	if err := tx.Model(&catalog.Product{}).Where("id = ?", a.ProductID).Limit(1).Pluck("name", &names).Error; err != nil {
		return err
	}
	if len(names) > 0 {
		name = names[0]
	}
	return tx.Create(&notice.Notice{UserID: &buyer, Kind: kind, Text: sqldb.ClipText(name+" · "+a.EventID, 1000),
		Link: fmt.Sprintf("/console/services/%d#licenses", a.InstanceID), CreatedAt: s.Now()}).Error
}
