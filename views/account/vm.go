// Package account holds the pages of a person's account: sign-up, email verification,
// forgotten and reset passwords, and the account settings with the signed-in sessions.
package account

import (
	"strings"
	"time"

	"github.com/mssola/useragent"

	"koogallery/models/account"
)

// SignupForm is the sign-up page's state: what was typed (never the password) and the
// message per field.
type SignupForm struct {
	Email, Name, Phone string
	Errors             map[string]string
}

// LinkState is what became of a mailed link.
type LinkState string

// The states of a mailed link as its page shows them.
const (
	LinkOpen    LinkState = "open"
	LinkExpired LinkState = "expired"
	LinkUsed    LinkState = "used"
)

// VerifyVM is the page a verification link opens.
type VerifyVM struct {
	Token string
	State LinkState
	// SignedIn: the visitor is signed in (and may ask for a new link when this one failed).
	SignedIn bool
	Verified bool // the signed-in account is verified already
}

// ForgotForm is the forgotten-password page's state.
type ForgotForm struct {
	Email string
	Error string // translated
}

// ResetForm is the page a reset link opens.
type ResetForm struct {
	Token  string
	State  LinkState
	Errors map[string]string
}

// SessionRow is one signed-in browser on the account page.
type SessionRow struct {
	ID                uint
	Device            string
	IP                string
	Created, LastSeen time.Time
	Current           bool
}

// SettingsVM is the account settings page: profile, password and sessions, with the forms'
// state after a refused change.
type SettingsVM struct {
	User     *account.User
	Profile  account.Profile
	Sessions []SessionRow
	// Errors are the messages per field of the form that was refused ("profile.name",
	// "password.current", …).
	Errors map[string]string
}

// Rows turns sessions into rows, marking the current one.
func Rows(sessions []account.Session, current uint) []SessionRow {
	out := make([]SessionRow, 0, len(sessions))
	for _, s := range sessions {
		out = append(out, SessionRow{ID: s.ID, Device: Device(s.UserAgent), IP: s.IP, Created: s.CreatedAt, LastSeen: s.LastSeenAt, Current: s.ID == current})
	}
	return out
}

// Device names a browser from its user agent: "Chrome 131 · Windows 10"; "" when unknown.
func Device(ua string) string {
	if ua == "" {
		return ""
	}
	a := useragent.New(ua)
	name, version := a.Browser()
	if name == "" {
		return ""
	}
	if i := strings.IndexByte(version, '.'); i > 0 {
		version = version[:i]
	}
	out := name
	if version != "" {
		out += " " + version
	}
	if os := a.OSInfo().Name; os != "" {
		out += " · " + os
		if v := a.OSInfo().Version; v != "" && os != "Linux" {
			out += " " + v
		}
	}
	return out
}
