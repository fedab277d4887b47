package account

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"koogallery/models/sqldb"
)

// Field limits of account forms.
const (
	MaxEmail = 190
	MaxName  = 50
	MaxPhone = 20
)

// Field messages (i18n keys).
const (
	MsgEmailRequired = "account.err.email_required"
	MsgEmailInvalid  = "account.err.email_invalid"
	MsgEmailTaken    = "account.err.email_taken"
	MsgNameRequired  = "account.err.name_required"
	MsgNameInvalid   = "account.err.name_invalid"
	MsgPhoneInvalid  = "account.err.phone_invalid"
	MsgRolesRequired = "account.err.roles_required"
)

// CheckEmail says what is wrong with an address typed into a form ("" when acceptable): a
// bare address (no display name), at most MaxEmail bytes, with a dot in its domain, and no
// invisible character (a zero-width or no-break space, a direction override) that would let
// it pass for another address.
func CheckEmail(email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		return MsgEmailRequired
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > MaxEmail || !utf8.ValidString(email) {
		return MsgEmailInvalid
	}
	for _, r := range email {
		if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
			return MsgEmailInvalid
		}
	}
	_, domain, _ := strings.Cut(email, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return MsgEmailInvalid
	}
	return ""
}

// CheckName says what is wrong with a person's name: required, at most MaxName characters,
// no control or invisible formatting characters.
func CheckName(name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return MsgNameRequired
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxName || !Visible(name):
		return MsgNameInvalid
	}
	return ""
}

// Visible reports whether a text has no control or invisible formatting character (a
// zero-width space, a direction override), which could make it pass for another.
func Visible(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 -]{4,19}$`)

// CheckPhone says what is wrong with an optional phone number: digits, spaces and dashes, an
// optional leading +, 5 to 20 characters.
func CheckPhone(phone string) string {
	phone = strings.TrimSpace(phone)
	if phone == "" || (len(phone) <= MaxPhone && phonePattern.MatchString(phone)) {
		return ""
	}
	return MsgPhoneInvalid
}

// put records a message for a field unless the message is empty.
func put(errs sqldb.FieldErrors, field, msg string) {
	if msg != "" {
		errs[field] = msg
	}
}
