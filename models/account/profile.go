package account

import (
	"context"
	"strings"
	"unicode/utf8"

	"koogallery/models/sqldb"
)

// Support is a company's 服务与支持配置: how buyers reach it, shown on its product pages.
type Support struct {
	Email, Phone, Hours string
}

// MaxSupportHours bounds the service-hours text, in characters.
const MaxSupportHours = 50

// Support messages (i18n keys).
const (
	MsgPhoneRequired = "profile.err.phone_required"
	MsgHoursRequired = "profile.err.hours_required"
	MsgHoursInvalid  = "profile.err.hours_invalid"
)

// CheckSupport says what is wrong with support details, per field ("email", "phone", "hours").
func CheckSupport(in Support) sqldb.FieldErrors {
	errs := sqldb.FieldErrors{}
	put(errs, "email", CheckEmail(in.Email))
	switch phone := strings.TrimSpace(in.Phone); {
	case phone == "":
		errs["phone"] = MsgPhoneRequired
	default:
		put(errs, "phone", CheckPhone(phone))
	}
	switch hours := strings.TrimSpace(in.Hours); {
	case hours == "":
		errs["hours"] = MsgHoursRequired
	case !utf8.ValidString(hours) || utf8.RuneCountInString(hours) > MaxSupportHours || CheckName(hours) != "":
		errs["hours"] = MsgHoursInvalid
	}
	return errs
}

// UpdateSupport replaces a company's support details after checking them.
func (s *Store) UpdateSupport(ctx context.Context, sellerID uint, in Support) error {
	if errs := CheckSupport(in); errs.Has() {
		return errs
	}
	err := s.conn(ctx).Model(&Seller{}).Where("id = ?", sellerID).Updates(map[string]any{
		"support_email": NormalizeEmail(in.Email), "support_phone": strings.TrimSpace(in.Phone), "support_hours": strings.TrimSpace(in.Hours)}).Error
	s.sessions.clear()
	return err
}

// SellerByID loads a seller company.
func (s *Store) SellerByID(ctx context.Context, id uint) (*Seller, error) {
	var sel Seller
	if err := s.conn(ctx).First(&sel, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &sel, nil
}

// Contact is a company's contact for operations (联系人): not shown to buyers.
type Contact struct {
	Name, Phone, Email string
}

// MsgContactPhoneRequired asks for the contact's mobile number (an i18n key).
const MsgContactPhoneRequired = "profile.err.contact_phone_required"

// CheckContact says what is wrong with contact details, per field ("name", "phone", "email").
func CheckContact(in Contact) sqldb.FieldErrors {
	errs := sqldb.FieldErrors{}
	put(errs, "name", CheckName(in.Name))
	if strings.TrimSpace(in.Phone) == "" {
		errs["phone"] = MsgContactPhoneRequired
	} else {
		put(errs, "phone", CheckPhone(in.Phone))
	}
	put(errs, "email", CheckEmail(in.Email))
	return errs
}

// UpdateContact replaces a company's contact for operations after checking it.
func (s *Store) UpdateContact(ctx context.Context, sellerID uint, in Contact) error {
	if errs := CheckContact(in); errs.Has() {
		return errs
	}
	err := s.conn(ctx).Model(&Seller{}).Where("id = ?", sellerID).Updates(map[string]any{
		"contact_name": strings.TrimSpace(in.Name), "contact_phone": strings.TrimSpace(in.Phone), "contact_email": NormalizeEmail(in.Email)}).Error
	s.sessions.clear()
	return err
}
