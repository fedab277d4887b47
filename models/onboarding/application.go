// Package onboarding is seller onboarding (入驻): a signed-in user applies for a company with
// its 统一社会信用代码 and business licence, operations approve, reject or ask for more
// information, and on approval the applicant becomes the company's owner. A company's later
// change of legal name or code goes through the same review.
package onboarding

import (
	"errors"
	"time"

	"koogallery/models/account"
)

// Kind is what an application asks for.
type Kind string

// The kinds of application.
const (
	KindJoin   Kind = "join"   // 入驻: a new seller company
	KindChange Kind = "change" // a company's new legal name or code
)

// Status is where an application stands.
type Status string

// The application states: pending → approved | rejected | needs_info; needs_info → pending
// when the applicant answers.
const (
	StatusPending   Status = "pending"
	StatusNeedsInfo Status = "needs_info"
	StatusApproved  Status = "approved"
	StatusRejected  Status = "rejected"
)

// Statuses lists every state in the order operations filter them.
var Statuses = []Status{StatusPending, StatusNeedsInfo, StatusApproved, StatusRejected}

// Open reports whether the application still waits for someone.
func (s Status) Open() bool { return s == StatusPending || s == StatusNeedsInfo }

// AgreementVersion is the version of the seller agreement applicants accept.
const AgreementVersion = "2026-12"

// Application is a request to become a seller company, or to change one's legal identity.
type Application struct {
	ID          uint          `gorm:"primaryKey"`
	Kind        Kind          `gorm:"size:10;not null"`
	ApplicantID uint          `gorm:"not null;index"`
	Applicant   *account.User `gorm:"foreignKey:ApplicantID"`
	// SellerID is the company a change is for.
	SellerID     *uint  `gorm:"index"`
	CompanyName  string `gorm:"size:100;not null;index"`
	USCC         string `gorm:"column:uscc;size:18;not null;index"`
	LicenseID    uint   `gorm:"not null"` // the business licence (营业执照), an attachment
	ContactName  string `gorm:"size:50;not null"`
	ContactPhone string `gorm:"size:20;not null"`
	ContactEmail string `gorm:"size:190;not null"`
	SupportEmail string `gorm:"size:190;not null"`
	SupportPhone string `gorm:"size:20;not null"`
	SupportHours string `gorm:"size:50;not null"`
	// AgreementVersion and AgreedAt record the seller agreement the applicant accepted.
	AgreementVersion string    `gorm:"size:20;not null"`
	AgreedAt         time.Time `gorm:"not null"`
	Status           Status    `gorm:"size:12;not null;index:idx_applications_queue,priority:1"`
	// Note is operations' last word: the reason of a rejection or what more is needed.
	Note       string `gorm:"size:500;not null;default:''"`
	ReviewerID *uint
	DecidedAt  *time.Time
	// SubmittedAt is the last submission, from which the queue counts an application's age.
	SubmittedAt time.Time `gorm:"not null;index:idx_applications_queue,priority:2"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Event is one step of an application's history.
type Event struct {
	ID            uint          `gorm:"primaryKey"`
	ApplicationID uint          `gorm:"not null;index"`
	ActorID       uint          `gorm:"not null"`
	Actor         *account.User `gorm:"foreignKey:ActorID"`
	Action        string        `gorm:"size:20;not null"`
	Note          string        `gorm:"size:500;not null;default:''"`
	CreatedAt     time.Time     `gorm:"not null"`
}

// TableName keeps the events apart from other domains' events.
func (Event) TableName() string { return "application_events" }

// The events of an application, also its audit actions ("seller.<action>").
const (
	EventSubmitted   = "submitted"
	EventResubmitted = "resubmitted"
	EventInfo        = "info_requested"
	EventApproved    = "approved"
	EventRejected    = "rejected"
)

// AuditApplication is the audit target type of applications.
const AuditApplication = "seller_application"

// Attachment owner of a business licence.
const AttachLicense = "seller_application"

// Errors of onboarding.
var (
	// ErrOpen: the applicant (or company) has an application waiting already.
	ErrOpen = errors.New("an application is open")
	// ErrTaken: the company name or code belongs to a registered seller; approving would
	// make a second one. Nothing was applied.
	ErrTaken = errors.New("company already registered")
	// ErrApplicantChanged: the applicant's account is no longer a plain buyer account (it
	// joined a company or became an admin meanwhile). Nothing was applied.
	ErrApplicantChanged = errors.New("applicant account changed")
)
