package onboarding

import (
	"strings"
	"unicode/utf8"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/sqldb"
)

// Input is what an applicant fills in.
type Input struct {
	CompanyName, USCC                        string
	ContactName, ContactPhone, ContactEmail  string
	SupportEmail, SupportPhone, SupportHours string
	Agreed                                   bool
	// License is the business licence file; nil keeps the one already sent (a resubmission).
	License *attachment.Upload
}

// Limits of the company fields.
const (
	MinCompanyName = 2
	MaxCompanyName = 100
	MaxNote        = 500
)

// Messages (i18n keys).
const (
	MsgCompanyRequired = "apply.err.company_required"
	MsgCompanyInvalid  = "apply.err.company_invalid"
	MsgCompanyTaken    = "apply.err.company_taken"
	MsgUSCCRequired    = "apply.err.uscc_required"
	MsgUSCCShape       = "apply.err.uscc_shape"
	MsgUSCCCheck       = "apply.err.uscc_check"
	MsgUSCCTaken       = "apply.err.uscc_taken"
	MsgLicenseRequired = "apply.err.license_required"
	MsgLicenseType     = "apply.err.license_type"
	MsgAgreeRequired   = "apply.err.agree_required"
	MsgPhoneRequired   = "apply.err.phone_required"
	MsgNoteRequired    = "apply.err.note_required"
	MsgNoteTooLong     = "apply.err.note_too_long"
	MsgNothingChanged  = "apply.err.nothing_changed"
)

// normalize trims every field and normalises the code and addresses.
func (in Input) normalize() Input {
	in.CompanyName = strings.Join(strings.Fields(in.CompanyName), " ")
	in.USCC = NormalizeUSCC(in.USCC)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	in.ContactEmail = account.NormalizeEmail(in.ContactEmail)
	in.SupportEmail = account.NormalizeEmail(in.SupportEmail)
	in.SupportPhone = strings.TrimSpace(in.SupportPhone)
	in.SupportHours = strings.TrimSpace(in.SupportHours)
	return in
}

// CheckCompany says what is wrong with a legal name and code (fields "company" and "uscc").
func CheckCompany(errs sqldb.FieldErrors, name, code string) {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		errs["company"] = MsgCompanyRequired
	case !utf8.ValidString(name) || n < MinCompanyName || n > MaxCompanyName || !account.Visible(name):
		errs["company"] = MsgCompanyInvalid
	}
	switch {
	case code == "":
		errs["uscc"] = MsgUSCCRequired
	case !USCCShape(code):
		errs["uscc"] = MsgUSCCShape
	case !USCCValid(code):
		errs["uscc"] = MsgUSCCCheck
	}
}

// checkLicense checks a licence upload: the attachment rules, and an image or a PDF.
func checkLicense(errs sqldb.FieldErrors, up *attachment.Upload, required bool) *attachment.Checked {
	if up == nil {
		if required {
			errs["license"] = MsgLicenseRequired
		}
		return nil
	}
	c, msg := attachment.Check(up)
	switch {
	case msg == attachment.MsgEmpty && required:
		errs["license"] = MsgLicenseRequired
	case msg != "":
		errs["license"] = msg
	case !c.Image() && !c.PDF():
		errs["license"] = MsgLicenseType
	}
	return c
}

// Check says what is wrong with an application, per field; with the checked licence when
// one was sent. A first submission needs the licence; a resubmission may keep the old one.
func Check(in Input, licenseRequired bool) (Input, sqldb.FieldErrors, *attachment.Checked) {
	in = in.normalize()
	errs := sqldb.FieldErrors{}
	CheckCompany(errs, in.CompanyName, in.USCC)
	if msg := account.CheckName(in.ContactName); msg != "" {
		errs["contact_name"] = msg
	}
	if in.ContactPhone == "" {
		errs["contact_phone"] = MsgPhoneRequired
	} else if msg := account.CheckPhone(in.ContactPhone); msg != "" {
		errs["contact_phone"] = msg
	}
	if msg := account.CheckEmail(in.ContactEmail); msg != "" {
		errs["contact_email"] = msg
	}
	for k, v := range account.CheckSupport(account.Support{Email: in.SupportEmail, Phone: in.SupportPhone, Hours: in.SupportHours}) {
		errs["support_"+k] = v
	}
	if !in.Agreed {
		errs["agree"] = MsgAgreeRequired
	}
	c := checkLicense(errs, in.License, licenseRequired)
	if errs.Has() {
		return in, errs, nil
	}
	return in, nil, c
}

// checkNote checks operations' reason or request.
func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return "", sqldb.FieldErrors{"note": MsgNoteRequired}
	case utf8.RuneCountInString(note) > MaxNote || !utf8.ValidString(note):
		return "", sqldb.FieldErrors{"note": MsgNoteTooLong}
	}
	return note, nil
}
