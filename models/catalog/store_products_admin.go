package catalog

import (
	"context"
	"strings"
	"unicode/utf8"

	"koogallery/models/account"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SaleAction is a change operations make to a product's sale status.
type SaleAction string

// The sale actions of operations.
const (
	SaleFreeze SaleAction = "freeze" // 冻结: trading stops, the product stays visible to its seller
	SaleDelist SaleAction = "delist" // 下架: hidden from the catalog
	SaleRelist SaleAction = "relist" // 重新上架: back on sale
)

// SaleActions lists every action in display order.
var SaleActions = []SaleAction{SaleFreeze, SaleDelist, SaleRelist}

// saleTransitions says, per action, the states it may start from and the state it leads to.
var saleTransitions = map[SaleAction]struct {
	from []SaleStatus
	to   SaleStatus
}{
	SaleFreeze: {[]SaleStatus{SaleOnSale}, SaleFrozen},
	SaleDelist: {[]SaleStatus{SaleOnSale, SaleUnlisted, SaleFrozen}, SaleDelisted},
	SaleRelist: {[]SaleStatus{SaleFrozen, SaleDelisted}, SaleOnSale},
}

// Valid reports whether a is a known action.
func (a SaleAction) Valid() bool { _, ok := saleTransitions[a]; return ok }

// To is the sale status the action leads to.
func (a SaleAction) To() SaleStatus { return saleTransitions[a].to }

// AllowedFrom reports whether the action may be taken on a product in status st.
func (a SaleAction) AllowedFrom(st SaleStatus) bool {
	for _, f := range saleTransitions[a].from {
		if f == st {
			return true
		}
	}
	return false
}

// MaxReasonLen is the longest reason (in characters) an admin may write.
const MaxReasonLen = 500

// CheckReason trims a written reason and checks it is 1–MaxReasonLen characters.
func CheckReason(reason string) (string, sqldb.FieldErrors) {
	r := strings.TrimSpace(reason)
	switch {
	case r == "":
		return r, sqldb.FieldErrors{"reason": "sale_reason.err.required"}
	case !utf8.ValidString(r) || utf8.RuneCountInString(r) > MaxReasonLen:
		return r, sqldb.FieldErrors{"reason": "sale_reason.err.too_long"}
	}
	return r, nil
}

// AdminProductFilter narrows operations' product list.
type AdminProductFilter struct {
	SaleStatus SaleStatus
	SellerID   uint
	Page       int
}

// AdminProducts lists every seller's products, newest first, for operations.
func (s *Store) AdminProducts(ctx context.Context, f AdminProductFilter) (sqldb.Page[Product], error) {
	q := s.Conn(ctx).Model(&Product{}).Preload("Seller")
	if f.SaleStatus != "" {
		q = q.Where("sale_status = ?", f.SaleStatus)
	}
	if f.SellerID != 0 {
		q = q.Where("seller_id = ?", f.SellerID)
	}
	return sqldb.Paginate[Product](q.Order("id DESC"), f.Page)
}

// AdminProduct loads any product with its seller, for operations.
func (s *Store) AdminProduct(ctx context.Context, id uint) (*Product, error) {
	var p Product
	if err := s.Conn(ctx).Preload("Seller").First(&p, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &p, nil
}

// SellerCompanies lists the seller companies by name, for operations' filters.
func (s *Store) SellerCompanies(ctx context.Context) ([]account.Seller, error) {
	var out []account.Seller
	err := s.Conn(ctx).Order("name, id").Limit(1000).Find(&out).Error
	return out, err
}

// ChangeSaleStatus freezes, delists or relists a product for a written reason, as operations
// decide. The transition is guarded in SQL (only from the states the action allows), so a
// double click or two admins at once apply it once; the loser gets ErrStale. The reason is kept
// on the product for its seller to read and in an audit line with who did it, and the seller
// is told (an in-site notice and a mail) in the same transaction.
func (s *Store) ChangeSaleStatus(ctx context.Context, actorID, productID uint, action SaleAction, reason string) error {
	if !action.Valid() {
		return sqldb.ErrNotFound
	}
	reason, errs := CheckReason(reason)
	if errs.Has() {
		return errs
	}
	t := saleTransitions[action]
	now := s.Now()
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the row first (MySQL): concurrent changes queue on it instead of deadlocking on
		// the sale-status index; each then finds the status the one before it left.
		q := tx.Select("id", "sale_status")
		if s.Dialect() == sqldb.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var before Product
		if err := q.First(&before, productID).Error; err != nil {
			return sqldb.NotFound(err)
		}
		res := tx.Model(&Product{}).Where("id = ? AND sale_status IN ?", productID, t.from).
			Updates(map[string]any{"sale_status": t.to, "sale_reason": reason, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		if err := tx.Create(&account.AuditEvent{ActorID: actorID, Action: "product." + string(action), TargetType: account.AuditProduct, TargetID: productID,
			Detail: string(before.SaleStatus) + "→" + string(t.to), Reason: reason, CreatedAt: now}).Error; err != nil {
			return err
		}
		return s.tellSaleDecision(tx, productID, action, reason) // store_products_notify.go
	})
}

// AuditTrail lists the audit lines of an object, newest first, with who made them.
func (s *Store) AuditTrail(ctx context.Context, targetType string, targetID uint, limit int) ([]account.AuditEvent, error) {
	var out []account.AuditEvent
	err := s.Conn(ctx).Preload("Actor").Where("target_type = ? AND target_id = ?", targetType, targetID).
		Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// SellerCompany loads one seller company.
func (s *Store) SellerCompany(ctx context.Context, id uint) (*account.Seller, error) {
	var out account.Seller
	if err := s.Conn(ctx).First(&out, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &out, nil
}
