package license

import (
	"strings"
	"time"
	"unicode/utf8"
)

// LicenseStatus is where an online License application (在线开通License) stands.
type LicenseStatus string

// The License application states. pending waits for the seller (the getLicenseAsync call is
// being delivered, or the seller answered 000004 and pushes the License later); issued holds
// the License; failed means the call exhausted its retries without a License.
const (
	LicensePending LicenseStatus = "pending"
	LicenseIssued  LicenseStatus = "issued"
	LicenseFailed  LicenseStatus = "failed"
)

// LicenseStatuses lists every status in display order.
var LicenseStatuses = []LicenseStatus{LicensePending, LicenseIssued, LicenseFailed}

// License types, as the seller delivers them (protocol.LicenseCharacters / LicenseFile).
const (
	LicenseTypeCharacters = "CHARACTERS"
	LicenseTypeFile       = "FILE"
)

// Limits of a License application.
const (
	// MaxFingerprintLength bounds the device fingerprint (getLicenseAsync deviceFingerprint).
	MaxFingerprintLength = 1024
	// MaxLicenseCharacters bounds a CHARACTERS License, in characters.
	MaxLicenseCharacters = 1024
	// MaxLicenseFileBytes bounds a FILE License's content.
	MaxLicenseFileBytes = 1 << 20
	// MaxLicenseFileName bounds the file name a seller gives a FILE License.
	MaxLicenseFileName = 255
)

// LicenseApplication is one online License application: the buyer names a device by its
// fingerprint, the platform calls the seller's getLicenseAsync with a fresh eventId, and the
// License arrives in the answer or is pushed back later (POST …/market-event/{eventId}/file).
// The same eventId always stands for the same License: once issued it never changes.
type LicenseApplication struct {
	ID         uint `gorm:"primaryKey"`
	InstanceID uint `gorm:"not null;index:idx_licenses_instance,priority:1"`
	BuyerID    uint `gorm:"not null;index"`
	SellerID   uint `gorm:"not null;index"`
	ProductID  uint `gorm:"not null;index"`
	// EventID is the platform's id of the application, sent as eventId (≤64).
	EventID           string `gorm:"size:64;not null;uniqueIndex"`
	DeviceFingerprint string `gorm:"size:1024;not null"`
	EffectiveTime     time.Time
	ExpireTime        *time.Time    // periodic products only
	Status            LicenseStatus `gorm:"size:16;not null"`
	// The License: LicenseType is set once the seller has said what it is. For a FILE answered
	// synchronously the name and digest may arrive before the bytes are pushed.
	LicenseType string `gorm:"size:16"`
	Characters  string `gorm:"size:1024"`
	FileName    string `gorm:"size:255"`
	FileSHA256  string `gorm:"size:64"`
	FileSize    int64  `gorm:"not null;default:0"`
	FileData    []byte `gorm:"size:1048576"`
	// CallID is the getLicenseAsync call in the outbox.
	CallID *uint `gorm:"index"`
	// SubmitKey is "<buyer id>:<form key>": a resubmitted form finds this application.
	SubmitKey *string `gorm:"size:64;uniqueIndex"`
	// ActiveKey is "<instance id>:<sha256 of the fingerprint>" while the application is pending
	// or issued (NULL once failed): one live application per device and service, also when two
	// submits race.
	ActiveKey *string `gorm:"size:80;uniqueIndex"`
	CreatedAt time.Time
	IssuedAt  *time.Time
}

// HasFile reports whether the License is a file the buyer can download.
func (a *LicenseApplication) HasFile() bool {
	return a.Status == LicenseIssued && a.LicenseType == LicenseTypeFile && a.FileSize > 0
}

// Message keys of License applications (translated by the web layer).
const (
	MsgFingerprintRequired = "license.err.fingerprint_required"
	MsgFingerprintFields   = "license.err.fingerprint_fields"
	MsgFingerprintChars    = "license.err.fingerprint_chars"
	MsgFingerprintEmptyVal = "license.err.fingerprint_empty_value"
	MsgFingerprintTooLong  = "license.err.fingerprint_too_long"
	MsgFingerprintBlank    = "license.err.fingerprint_blank"
	MsgLicenseNotLicense   = "license.err.not_license"
	MsgLicenseNotNormal    = "license.err.not_normal"
	MsgLicenseExpired      = "license.err.expired"
)

// NormalizeFingerprint checks a device fingerprint in the specification's form
// "MAC|disk serial|board serial|CPU serial": four fields separated by '|', each empty (where the
// device has none) or one or more values separated by ',', each value made of letters, digits,
// ':' and '-'. It returns the fingerprint in upper case without blanks around values, or a
// message key. At least one field must carry a value.
func NormalizeFingerprint(in string) (string, string) {
	s := strings.TrimSpace(in)
	if s == "" {
		return "", MsgFingerprintRequired
	}
	fields := strings.Split(s, "|")
	if len(fields) != 4 {
		return "", MsgFingerprintFields
	}
	blank := true
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			fields[i] = ""
			continue
		}
		blank = false
		vals := strings.Split(f, ",")
		for j, v := range vals {
			v = strings.ToUpper(strings.TrimSpace(v))
			if v == "" {
				return "", MsgFingerprintEmptyVal
			}
			for k := 0; k < len(v); k++ {
				c := v[k]
				if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ':' || c == '-') {
					return "", MsgFingerprintChars
				}
			}
			vals[j] = v
		}
		fields[i] = strings.Join(vals, ",")
	}
	if blank {
		return "", MsgFingerprintBlank
	}
	out := strings.Join(fields, "|")
	if len(out) > MaxFingerprintLength {
		return "", MsgFingerprintTooLong
	}
	return out, ""
}

// LicensePush is a License a seller delivers for an application: in the getLicenseAsync
// answer or pushed back to the open API.
type LicensePush struct {
	Type       string
	Characters string
	FileName   string
	SHA256     string // lower-case hex
	Data       []byte // FILE only; nil in a synchronous answer
}

// sameLicense reports whether p is the License a issued (or announced, for a FILE).
func (a *LicenseApplication) sameLicense(p LicensePush) bool {
	if a.LicenseType != p.Type {
		return false
	}
	if p.Type == LicenseTypeCharacters {
		return a.Characters == p.Characters
	}
	return strings.EqualFold(a.FileSHA256, p.SHA256)
}

// charCount counts characters (runes), as the specification's limits do.
func charCount(s string) int { return utf8.RuneCountInString(s) }
