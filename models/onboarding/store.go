package onboarding

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

// Store keeps seller applications.
type Store struct {
	db       *sqldb.DB
	accounts *account.Store
	baseURL  string
}

// NewStore wraps the database; accounts is told when an approval changes an account, and
// baseURL starts the links mails carry.
func NewStore(db *sqldb.DB, accounts *account.Store, baseURL string) *Store {
	return &Store{db: db, accounts: accounts, baseURL: baseURL}
}

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.Conn(ctx) }

// Submit files a new seller application with its licence. The applicant must be a buyer
// account outside any company (account.ErrNotEligible) with no open application (ErrOpen);
// a name or code already registered, or under review for someone else, is an error of its
// field.
func (s *Store) Submit(ctx context.Context, applicant *account.User, in Input) (*Application, error) {
	if applicant.Role != account.RoleBuyer || applicant.SellerID != nil {
		return nil, account.ErrNotEligible
	}
	in, errs, lic := Check(in, true)
	if errs.Has() {
		return nil, errs
	}
	now := s.db.Now()
	app := &Application{Kind: KindJoin, ApplicantID: applicant.ID, CompanyName: in.CompanyName, USCC: in.USCC,
		ContactName: in.ContactName, ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail,
		SupportEmail: in.SupportEmail, SupportPhone: in.SupportPhone, SupportHours: in.SupportHours,
		AgreementVersion: AgreementVersion, AgreedAt: now, Status: StatusPending, SubmittedAt: now, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := lockUser(tx, applicant.ID); err != nil {
			return err
		}
		var open int64
		if err := tx.Model(&Application{}).Where("applicant_id = ? AND kind = ? AND status IN ?", applicant.ID, KindJoin, []Status{StatusPending, StatusNeedsInfo}).
			Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return ErrOpen
		}
		if err := checkFree(tx, app, 0); err != nil {
			return err
		}
		return s.file(tx, now, app, applicant, lic, EventSubmitted)
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// SubmitChange files a company's change of legal name or code, with the licence that shows
// it; the company keeps its current identity until operations approve. While operations wait
// for more information about the company's change, submitting answers it: that application
// goes back to the queue with the new name, code and licence, as this owner's. Another open
// change is ErrOpen.
func (s *Store) SubmitChange(ctx context.Context, owner *account.User, name, code string, license *attachment.Upload) (*Application, error) {
	if !owner.Can(account.Owner) || owner.Seller == nil {
		return nil, account.ErrNotEligible
	}
	company := owner.Seller
	in, lic, err := checkChange(company, name, code, license, true)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	app := &Application{Kind: KindChange, ApplicantID: owner.ID, SellerID: &company.ID, CompanyName: in.CompanyName, USCC: in.USCC,
		ContactName: company.ContactName, ContactPhone: company.ContactPhone, ContactEmail: company.ContactEmail,
		SupportEmail: company.SupportEmail, SupportPhone: company.SupportPhone, SupportHours: company.SupportHours,
		AgreementVersion: AgreementVersion, AgreedAt: now, Status: StatusPending, SubmittedAt: now, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		// The company's owners take turns: two of them cannot open two changes at once.
		if err := sqldb.LockRow(tx, &account.Seller{}, company.ID); err != nil {
			return err
		}
		var open int64
		if err := tx.Model(&Application{}).Where("seller_id = ? AND kind = ? AND status IN ?", company.ID, KindChange, []Status{StatusPending, StatusNeedsInfo}).
			Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return ErrOpen // a change waiting for the company is answered with ResubmitChange
		}
		if err := checkFree(tx, app, company.ID); err != nil {
			return err
		}
		return s.file(tx, now, app, owner, lic, EventSubmitted)
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// file stores a new application with its licence, its first event, and tells the applicant.
func (s *Store) file(tx *gorm.DB, now time.Time, app *Application, applicant *account.User, lic *attachment.Checked, event string) error {
	if err := tx.Create(app).Error; err != nil {
		return err
	}
	att, err := attachment.Save(tx, now, AttachLicense, app.ID, applicant, lic)
	if err != nil {
		return err
	}
	app.LicenseID = att.ID
	if err := tx.Model(app).Update("license_id", att.ID).Error; err != nil {
		return err
	}
	if err := tx.Create(&Event{ApplicationID: app.ID, ActorID: applicant.ID, Action: event, CreatedAt: now}).Error; err != nil {
		return err
	}
	return s.tell(tx, now, app, applicant, event)
}

// checkFree refuses a name or code of another registered seller, or of another open
// application (except the company's own, keep).
func checkFree(tx *gorm.DB, app *Application, keep uint) error {
	errs := sqldb.FieldErrors{}
	var sellers []account.Seller
	// Names compare ignoring case, as MySQL's collation of the unique index does.
	if err := tx.Where("(LOWER(name) = LOWER(?) OR uscc = ?) AND id <> ?", app.CompanyName, app.USCC, keep).Find(&sellers).Error; err != nil {
		return err
	}
	var apps []Application
	if err := tx.Where("(LOWER(company_name) = LOWER(?) OR uscc = ?) AND status IN ? AND id <> ? AND applicant_id <> ?", app.CompanyName, app.USCC,
		[]Status{StatusPending, StatusNeedsInfo}, app.ID, app.ApplicantID).Find(&apps).Error; err != nil {
		return err
	}
	for _, sel := range sellers {
		if strings.EqualFold(sel.Name, app.CompanyName) {
			errs["company"] = MsgCompanyTaken
		}
		if sel.USCC != nil && *sel.USCC == app.USCC {
			errs["uscc"] = MsgUSCCTaken
		}
	}
	for _, a := range apps {
		if strings.EqualFold(a.CompanyName, app.CompanyName) {
			errs["company"] = MsgCompanyTaken
		}
		if a.USCC == app.USCC {
			errs["uscc"] = MsgUSCCTaken
		}
	}
	if errs.Has() {
		return errs
	}
	return nil
}

// Resubmit answers operations' request for more information: the applicant's corrected
// application goes back to the queue (with a new licence when one is sent). Only an
// application waiting for the applicant may be resubmitted (sqldb.ErrStale otherwise).
func (s *Store) Resubmit(ctx context.Context, applicant *account.User, id uint, in Input) error {
	in, errs, lic := Check(in, false)
	if errs.Has() {
		return errs
	}
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var app Application
		if err := tx.Where("id = ? AND applicant_id = ? AND kind = ?", id, applicant.ID, KindJoin).First(&app).Error; err != nil {
			return sqldb.NotFound(err)
		}
		app.CompanyName, app.USCC = in.CompanyName, in.USCC
		if err := checkFree(tx, &app, 0); err != nil {
			return err
		}
		return s.reopen(tx, now, &app, applicant, lic, map[string]any{"company_name": in.CompanyName, "uscc": in.USCC,
			"contact_name": in.ContactName, "contact_phone": in.ContactPhone, "contact_email": in.ContactEmail,
			"support_email": in.SupportEmail, "support_phone": in.SupportPhone, "support_hours": in.SupportHours,
			"agreement_version": AgreementVersion, "agreed_at": now})
	})
}

// ResubmitChange answers operations' request for more information on a company's change of
// legal name or code: an owner's corrected name and code go back to the queue (with a new
// licence when one is sent, else the one already sent stays). Only a change waiting for the
// company may be resubmitted (sqldb.ErrStale otherwise); another company's is ErrNotFound.
func (s *Store) ResubmitChange(ctx context.Context, owner *account.User, id uint, name, code string, license *attachment.Upload) error {
	if !owner.Can(account.Owner) || owner.Seller == nil {
		return account.ErrNotEligible
	}
	company := owner.Seller
	in, lic, err := checkChange(company, name, code, license, false)
	if err != nil {
		return err
	}
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var app Application
		if err := tx.Where("id = ? AND seller_id = ? AND kind = ?", id, company.ID, KindChange).First(&app).Error; err != nil {
			return sqldb.NotFound(err)
		}
		app.CompanyName, app.USCC = in.CompanyName, in.USCC
		if err := checkFree(tx, &app, company.ID); err != nil {
			return err
		}
		return s.reopen(tx, now, &app, owner, lic, map[string]any{"company_name": in.CompanyName, "uscc": in.USCC})
	})
}

// checkChange checks a company's new legal name and code (one of them must change) and the
// licence that shows them.
func checkChange(company *account.Seller, name, code string, license *attachment.Upload, licenseRequired bool) (Input, *attachment.Checked, error) {
	in := Input{CompanyName: name, USCC: code}.normalize()
	errs := sqldb.FieldErrors{}
	CheckCompany(errs, in.CompanyName, in.USCC)
	current := ""
	if company.USCC != nil {
		current = *company.USCC
	}
	if !errs.Has() && in.CompanyName == company.Name && in.USCC == current {
		errs["company"] = MsgNothingChanged
	}
	lic := checkLicense(errs, license, licenseRequired)
	if errs.Has() {
		return in, nil, errs
	}
	return in, lic, nil
}

// reopen sends an application waiting for its applicant back to the queue with the corrected
// fields and, when lic is set, a new licence; the resubmission is an event and told to by.
// An application no longer waiting is sqldb.ErrStale.
func (s *Store) reopen(tx *gorm.DB, now time.Time, app *Application, by *account.User, lic *attachment.Checked, fields map[string]any) error {
	fields["status"], fields["submitted_at"], fields["updated_at"] = StatusPending, now, now
	res := tx.Model(&Application{}).Where("id = ? AND status = ?", app.ID, StatusNeedsInfo).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrStale
	}
	if lic != nil {
		att, err := attachment.Save(tx, now, AttachLicense, app.ID, by, lic)
		if err != nil {
			return err
		}
		if err := tx.Model(&Application{}).Where("id = ?", app.ID).Update("license_id", att.ID).Error; err != nil {
			return err
		}
	}
	if err := tx.Create(&Event{ApplicationID: app.ID, ActorID: by.ID, Action: EventResubmitted, CreatedAt: now}).Error; err != nil {
		return err
	}
	return s.tell(tx, now, app, by, EventResubmitted)
}

// Approve accepts a pending application. For a new company the seller is created and the
// applicant becomes its owner with the seller center; for a change the company takes the new
// name and code. Of two admins approving at once one does it; the other gets sqldb.ErrStale.
// A name or code registered meanwhile is ErrTaken, an applicant who joined something else
// meanwhile ErrApplicantChanged; then nothing is applied.
func (s *Store) Approve(ctx context.Context, admin *account.User, id uint, note string) error {
	note, err := optionalNote(note)
	if err != nil {
		return err
	}
	var applicantID uint
	err = s.decide(ctx, admin, id, StatusApproved, EventApproved, note, func(tx *gorm.DB, now time.Time, app *Application) error {
		applicantID = app.ApplicantID
		if app.Kind == KindChange {
			code := app.USCC
			res := tx.Model(&account.Seller{}).Where("id = ?", *app.SellerID).Updates(map[string]any{"name": app.CompanyName, "uscc": &code})
			if sqldb.IsDuplicate(res.Error) {
				return ErrTaken
			}
			return res.Error
		}
		code := app.USCC
		sel := &account.Seller{Name: app.CompanyName, USCC: &code, ContactName: app.ContactName, ContactEmail: app.ContactEmail,
			ContactPhone: app.ContactPhone, SupportEmail: app.SupportEmail, SupportPhone: app.SupportPhone, SupportHours: app.SupportHours, CreatedAt: now}
		if err := tx.Create(sel).Error; err != nil {
			if sqldb.IsDuplicate(err) {
				return ErrTaken
			}
			return err
		}
		res := tx.Model(&account.User{}).Where("id = ? AND role = ? AND seller_id IS NULL", app.ApplicantID, account.RoleBuyer).Updates(map[string]any{
			"role": account.RoleSeller, "seller_id": sel.ID, "seller_roles": account.NewMemberRoles(account.Owner),
			"auth_version": gorm.Expr("auth_version + 1")})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrApplicantChanged
		}
		return tx.Model(&Application{}).Where("id = ?", app.ID).Update("seller_id", sel.ID).Error
	})
	if err == nil {
		s.accounts.ForgetCached(applicantID)
	}
	return err
}

// Reject refuses a pending application with a reason the applicant reads.
func (s *Store) Reject(ctx context.Context, admin *account.User, id uint, reason string) error {
	reason, err := checkNote(reason)
	if err != nil {
		return err
	}
	return s.decide(ctx, admin, id, StatusRejected, EventRejected, reason, nil)
}

// RequestInfo sends a pending application back to its applicant with what more is needed.
func (s *Store) RequestInfo(ctx context.Context, admin *account.User, id uint, message string) error {
	message, err := checkNote(message)
	if err != nil {
		return err
	}
	return s.decide(ctx, admin, id, StatusNeedsInfo, EventInfo, message, nil)
}

// decide moves a pending application to status in one transaction with effect, its event,
// the audit line and the applicant's notice and mail.
func (s *Store) decide(ctx context.Context, admin *account.User, id uint, status Status, event, note string,
	effect func(tx *gorm.DB, now time.Time, app *Application) error) error {
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		fields := map[string]any{"status": status, "note": note, "updated_at": now}
		if status != StatusNeedsInfo {
			fields["reviewer_id"], fields["decided_at"] = admin.ID, now
		}
		res := tx.Model(&Application{}).Where("id = ? AND status = ?", id, StatusPending).Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&Application{}).Where("id = ?", id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return sqldb.ErrNotFound
			}
			return sqldb.ErrStale
		}
		var app Application
		if err := tx.Preload("Applicant").First(&app, id).Error; err != nil {
			return err
		}
		if effect != nil {
			if err := effect(tx, now, &app); err != nil {
				return err
			}
		}
		if err := tx.Create(&Event{ApplicationID: id, ActorID: admin.ID, Action: event, Note: note, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := tx.Create(&account.AuditEvent{ActorID: admin.ID, Action: "seller." + event, TargetType: AuditApplication, TargetID: id,
			Detail: sqldb.ClipText(string(app.Kind)+" · "+app.CompanyName+" · "+app.USCC, 200), Reason: note, CreatedAt: now}).Error; err != nil {
			return err
		}
		return s.tell(tx, now, &app, app.Applicant, event)
	})
}

// tell writes the applicant's in-site message and mail about an event of their application.
func (s *Store) tell(tx *gorm.DB, now time.Time, app *Application, applicant *account.User, event string) error {
	link := "/seller/apply"
	if app.Kind == KindChange {
		link = "/seller/profile"
	}
	key := "apply_" + event
	if app.Kind == KindChange {
		key = "change_" + event
	}
	text := app.CompanyName
	if app.Note != "" {
		text += " · " + app.Note
	}
	if err := notice.TellUser(tx, now, applicant.ID, key, text, link); err != nil {
		return err
	}
	loc := applicant.Locale
	if i18n.Normalize(loc) == "" {
		loc = i18n.Default
	}
	subject := "[KooGallery] " + i18n.T(loc, "mail."+key+".subject")
	body := i18n.T(loc, "mail."+key+".body", applicant.Name, app.CompanyName, app.Note, s.baseURL+link)
	return notice.QueueMail(tx, now, applicant.Email, subject, body+"\n")
}

// optionalNote checks an approval's optional remark.
func optionalNote(note string) (string, error) {
	if note == "" {
		return "", nil
	}
	return checkNote(note)
}

// lockUser serialises an applicant's submissions.
func lockUser(tx *gorm.DB, userID uint) error { return sqldb.LockRow(tx, &account.User{}, userID) }

// lockRow locks one row of a model for the transaction on MySQL; SQLite's immediate
