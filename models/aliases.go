package models

import (
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

// The names below moved to the domain packages models/sqldb, notice, account and attachment
// when accounts got their own package. They stay here as aliases until the rest of models is
// split into domain packages the same way (the next step of the house issue), so that code
// still naming them through models keeps compiling; new code names the domain package.

// Plumbing (models/sqldb).
type (
	Dialect     = sqldb.Dialect
	OpenOptions = sqldb.OpenOptions
	FieldErrors = sqldb.FieldErrors
	Page[T any] = sqldb.Page[T]
)

// The supported databases.
const (
	SQLite = sqldb.SQLite
	MySQL  = sqldb.MySQL
)

// PageSize is the default number of rows on a list page.
const PageSize = sqldb.PageSize

// Errors the stores return.
var (
	ErrNotFound = sqldb.ErrNotFound
	ErrStale    = sqldb.ErrStale
	// ErrLeaseLost: the claimed row's lease ended and another worker took it.
	ErrLeaseLost = sqldb.ErrLeaseLost
)

// Shared helpers of the plumbing.
var (
	Open     = sqldb.Open
	MySQLDSN = sqldb.MySQLDSN
	ClipText = sqldb.ClipText
	notFound = sqldb.NotFound
)

// Mail outbox and in-site messages (models/notice).
type (
	Mail       = notice.Mail
	MailStatus = notice.MailStatus
	Notice     = notice.Notice
)

// The mail states.
const (
	MailPending = notice.MailPending
	MailSent    = notice.MailSent
	MailFailed  = notice.MailFailed
)

// Accounts, companies and the audit log (models/account).
type (
	Role       = account.Role
	User       = account.User
	Seller     = account.Seller
	AuditEvent = account.AuditEvent
)

// The three roles.
const (
	RoleBuyer  = account.RoleBuyer
	RoleSeller = account.RoleSeller
	RoleAdmin  = account.RoleAdmin
)

// Audit target types.
const AuditProduct = account.AuditProduct

// NormalizeEmail trims and lower-cases an email address.
var NormalizeEmail = account.NormalizeEmail

// Attachments (models/attachment).
type (
	Attachment      = attachment.Attachment
	AttachmentBlob  = attachment.Blob
	AttachmentOwner = attachment.Owner
	Upload          = attachment.Upload
)

// Attachment size limits: bytes of a file, characters of its name.
const (
	MaxAttachmentBytes = attachment.MaxBytes
	MaxAttachmentName  = attachment.MaxName
)

// Attachment messages.
const (
	MsgAttachmentEmpty    = attachment.MsgEmpty
	MsgAttachmentTooLarge = attachment.MsgTooLarge
	MsgAttachmentType     = attachment.MsgType
	MsgAttachmentMismatch = attachment.MsgMismatch
	MsgAttachmentAgain    = attachment.MsgAgain
)

// Attachment checks.
var (
	CheckUpload    = attachment.CheckUpload
	CleanFileName  = attachment.CleanFileName
	AttachmentExts = attachment.Exts
)
