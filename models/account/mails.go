package account

import (
	"time"

	"gorm.io/gorm"

	"koogallery/i18n"
	"koogallery/models/notice"
)

// mailTo queues the account mail named key (i18n keys mail.<key>.subject and .body, the body
// formatted with args) to an address in a language, inside tx.
func mailTo(tx *gorm.DB, now time.Time, to, locale, key string, args ...any) error {
	if i18n.Normalize(locale) == "" {
		locale = i18n.Default
	}
	subject := "[KooGallery] " + i18n.T(locale, "mail."+key+".subject")
	return notice.QueueMail(tx, now, to, subject, i18n.T(locale, "mail."+key+".body", args...)+"\n")
}
