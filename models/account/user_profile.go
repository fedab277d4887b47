package account

import (
	"context"
	"strings"

	"koogallery/models/sqldb"
)

// Profile is what a user may change about themselves.
type Profile struct {
	Name, Phone string
	// Locale is the language of the account's mail (zh or en).
	Locale string
}

// CheckProfile says what is wrong with a profile, per field.
func CheckProfile(p Profile) sqldb.FieldErrors {
	errs := sqldb.FieldErrors{}
	put(errs, "name", CheckName(p.Name))
	put(errs, "phone", CheckPhone(p.Phone))
	return errs
}

// UpdateProfile changes a user's name, phone and mail language after checking them.
func (s *Store) UpdateProfile(ctx context.Context, userID uint, p Profile) error {
	if errs := CheckProfile(p); errs.Has() {
		return errs
	}
	err := s.conn(ctx).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
		"name": strings.TrimSpace(p.Name), "phone": strings.TrimSpace(p.Phone), "locale": localeOr(p.Locale)}).Error
	s.sessions.dropUser(userID)
	return err
}
