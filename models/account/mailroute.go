package account

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

// MailCategory is a kind of mail a seller company receives (消息接收管理).
type MailCategory string

// The categories of a seller company's mail.
const (
	MailCalls       MailCategory = "calls"       // production interface call failures
	MailRefunds     MailCategory = "refunds"     // refund requests and decisions
	MailSupervision MailCategory = "supervision" // supervision steps and appeals
	MailReviews     MailCategory = "reviews"     // product reviews, freezing and delisting
	MailSettlement  MailCategory = "settlement"  // statements and settlement
	MailDialTests   MailCategory = "dial_tests"  // dial-test failures
)

// MailCategories lists the categories in display order.
var MailCategories = []MailCategory{MailCalls, MailRefunds, MailSupervision, MailReviews, MailSettlement, MailDialTests}

// MaxRouteAddresses bounds the extra addresses of one category.
const MaxRouteAddresses = 5

// MailRoute is where a company's mail of one category goes, instead of (or, for call
// failures, besides) the default: the support email and the owners' account emails.
type MailRoute struct {
	ID       uint         `gorm:"primaryKey"`
	SellerID uint         `gorm:"not null;uniqueIndex:idx_mail_routes_seller_category,priority:1"`
	Category MailCategory `gorm:"size:20;not null;uniqueIndex:idx_mail_routes_seller_category,priority:2"`
	// Emails is a comma-separated list of at most MaxRouteAddresses addresses.
	Emails    string `gorm:"size:1000;not null"`
	UpdatedAt time.Time
}

// Route messages (i18n keys).
const (
	MsgRouteTooMany = "profile.err.route_too_many"
	MsgRouteInvalid = "profile.err.route_invalid"
)

// Recipients are the addresses a company's mail of a category goes to. Call failures always
// reach the support email and the owners' account emails (the platform's rule), plus any
// configured addresses; other categories go to the configured addresses, or to the same
// default when none are configured.
func Recipients(tx *gorm.DB, sellerID uint, cat MailCategory) ([]string, error) {
	var route MailRoute
	if err := tx.Where("seller_id = ? AND category = ?", sellerID, cat).Limit(1).Find(&route).Error; err != nil {
		return nil, err
	}
	configured := splitEmails(route.Emails)
	if len(configured) > 0 && cat != MailCalls {
		return configured, nil
	}
	var company Seller
	if err := tx.First(&company, sellerID).Error; err != nil {
		return nil, err
	}
	var owners []User
	if err := tx.Where("seller_id = ? AND role = ?", sellerID, RoleSeller).Order("id").Find(&owners).Error; err != nil {
		return nil, err
	}
	out := []string{company.SupportEmail}
	for _, o := range owners {
		if o.SellerRoles.Has(Owner) {
			out = append(out, o.Email)
		}
	}
	return dedupe(append(out, configured...)), nil
}

// MailSeller queues one mail to each recipient of a company's category inside tx.
func MailSeller(tx *gorm.DB, now time.Time, sellerID uint, cat MailCategory, subject, body string) error {
	to, err := Recipients(tx, sellerID, cat)
	if err != nil {
		return err
	}
	for _, addr := range to {
		if err := notice.QueueMail(tx, now, addr, subject, body); err != nil {
			return err
		}
	}
	return nil
}

// MailRoutes is a company's configured addresses per category.
func (s *Store) MailRoutes(ctx context.Context, sellerID uint) (map[MailCategory][]string, error) {
	var rows []MailRoute
	if err := s.conn(ctx).Where("seller_id = ?", sellerID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[MailCategory][]string{}
	for _, r := range rows {
		out[r.Category] = splitEmails(r.Emails)
	}
	return out, nil
}

// ParseRouteAddresses reads a form's list of addresses (commas, semicolons, spaces or new
// lines between them): lower-cased, deduplicated, each checked, at most MaxRouteAddresses.
func ParseRouteAddresses(text string) ([]string, string) {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == '，' || r == '；' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	var out []string
	for _, f := range fields {
		if CheckEmail(f) != "" {
			return nil, MsgRouteInvalid
		}
		out = append(out, NormalizeEmail(f))
	}
	out = dedupe(out)
	if len(out) > MaxRouteAddresses {
		return nil, MsgRouteTooMany
	}
	return out, ""
}

// SetMailRoutes replaces a company's configured addresses (a category with none goes back
// to the default).
func (s *Store) SetMailRoutes(ctx context.Context, sellerID uint, routes map[MailCategory][]string) error {
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		for _, cat := range MailCategories {
			list := routes[cat]
			if len(list) > MaxRouteAddresses {
				return sqldb.FieldErrors{string(cat): MsgRouteTooMany}
			}
			if err := tx.Where("seller_id = ? AND category = ?", sellerID, cat).Delete(&MailRoute{}).Error; err != nil {
				return err
			}
			if len(list) == 0 {
				continue
			}
			if err := tx.Create(&MailRoute{SellerID: sellerID, Category: cat, Emails: strings.Join(list, ","), UpdatedAt: now}).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

func splitEmails(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// dedupe drops empty and repeated addresses (ignoring case), keeping the first of each.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range list {
		k := NormalizeEmail(e)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}
