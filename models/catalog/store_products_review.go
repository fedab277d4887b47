package catalog

import (
	"context"
	"fmt"
	"time"

	"koogallery/models/account"
	"koogallery/models/notice"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ReviewQueue lists the versions waiting for review, oldest submission first.
func (s *Store) ReviewQueue(ctx context.Context, page int) (sqldb.Page[ProductVersion], error) {
	q := s.Conn(ctx).Preload("Product.Seller").Where("status = ?", VersionReviewing).Order("submitted_at, id")
	return sqldb.Paginate[ProductVersion](q, page)
}

// ReviewVersion loads one version with its product and seller, for operations.
func (s *Store) ReviewVersion(ctx context.Context, id uint) (*ProductVersion, error) {
	var v ProductVersion
	if err := s.Conn(ctx).Preload("Product.Seller").First(&v, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &v, nil
}

// DecideProductVersion approves (上架) or rejects (驳回, with a reason) a submitted version.
// Approval makes it the live product: its content is copied onto the product, which goes on
// sale if it never was (a listed, unlisted, frozen or delisted product keeps its sale status);
// the version it replaces stays as an approved snapshot, so orders keep showing what they were
// bought under. Guarded in SQL (only from 待审核), so two admins or a double click decide once;
// the seller is told in-site, and the decision is audited.
func (s *Store) DecideProductVersion(ctx context.Context, actorID, versionID uint, approve bool, reason string) error {
	var errs sqldb.FieldErrors
	if !approve {
		if reason, errs = CheckReason(reason); errs.Has() {
			return errs
		}
	}
	now := s.Now()
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		var v ProductVersion
		if err := tx.First(&v, versionID).Error; err != nil {
			return sqldb.NotFound(err)
		}
		q := tx
		if s.Dialect() == sqldb.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var p Product
		if err := q.First(&p, v.ProductID).Error; err != nil {
			return sqldb.NotFound(err)
		}
		to, action := VersionRejected, "product.reject"
		if approve {
			to, action = VersionApproved, "product.approve"
		}
		res := tx.Model(&ProductVersion{}).Where("id = ? AND status = ? AND number = ?", v.ID, VersionReviewing, p.Version+1).
			Updates(map[string]any{"status": to, "reject_reason": reason, "decided_at": now, "decided_by_id": actorID, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		if approve {
			if err := s.goLive(tx, &p, &v); err != nil {
				return err
			}
		}
		if err := tx.Create(&account.AuditEvent{ActorID: actorID, Action: action, TargetType: account.AuditProduct, TargetID: p.ID,
			Detail: fmt.Sprintf("v%d", v.Number), Reason: reason, CreatedAt: now}).Error; err != nil {
			return err
		}
		kind, text := "product_approved", fmt.Sprintf("%s · v%d", p.Name, v.Number)
		if !approve {
			kind, text = "product_rejected", sqldb.ClipText(text+" · "+reason, 1000)
		}
		return tx.Create(&notice.Notice{SellerID: &p.SellerID, Kind: kind, Text: text, Link: fmt.Sprintf("/seller/products/%d", p.ID), CreatedAt: now}).Error
	})
}

// goLive makes an approved version the live product, keeping the replaced content as the
// snapshot of its version number.
func (s *Store) goLive(tx *gorm.DB, p *Product, v *ProductVersion) error {
	c, err := v.Decode()
	if err != nil {
		return err
	}
	now := s.Now()
	var specs []ProductSpec
	if err := tx.Where("product_id = ?", p.ID).Order("spec_rank, id").Find(&specs).Error; err != nil {
		return err
	}
	if p.Version > 0 {
		var n int64
		if err := tx.Model(&ProductVersion{}).Where("product_id = ? AND number = ?", p.ID, p.Version).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			old := ProductVersion{ProductID: p.ID, Number: p.Version, Status: VersionApproved, Content: mustJSON(ContentOf(p, specs)), Rev: 1,
				DecidedAt: &p.UpdatedAt, CreatedAt: p.CreatedAt, UpdatedAt: now}
			if err := tx.Create(&old).Error; err != nil {
				return err
			}
		}
	}
	if err := syncSpecs(tx, p.ID, specs, c.Specs, now); err != nil {
		return err
	}
	cols := c.columns()
	cols["version"], cols["updated_at"] = v.Number, now
	if p.SaleStatus == SaleDraft {
		cols["sale_status"], cols["sale_reason"] = SaleOnSale, ""
	}
	return tx.Model(&Product{}).Where("id = ? AND version = ?", p.ID, p.Version).Updates(cols).Error
}

// syncSpecs makes a product's specs those of the approved content, ranked in its order: specs
// are updated by code (keeping their ids, which orders and services point at) or added; a spec
// the content drops is deleted only when nothing refers to it (the editor refuses dropping a
// published spec). Ranks move out of the way first: they are unique per product.
func syncSpecs(tx *gorm.DB, productID uint, live []ProductSpec, want []SpecContent, now time.Time) error {
	if len(live) > 0 {
		if err := tx.Model(&ProductSpec{}).Where("product_id = ?", productID).Update("spec_rank", gorm.Expr("spec_rank + 1000")).Error; err != nil {
			return err
		}
	}
	byCode := map[string]ProductSpec{}
	for _, sp := range live {
		byCode[sp.Code] = sp
	}
	for i, w := range want {
		cols := map[string]any{"name": w.Name, "spec_rank": i + 1, "price_month": w.PriceMonth, "price_year": w.PriceYear}
		if sp, ok := byCode[w.Code]; ok {
			delete(byCode, w.Code)
			if err := tx.Model(&ProductSpec{}).Where("id = ?", sp.ID).Updates(cols).Error; err != nil {
				return err
			}
			continue
		}
		sp := ProductSpec{ProductID: productID, Code: w.Code, Name: w.Name, Rank: i + 1, PriceMonth: w.PriceMonth, PriceYear: w.PriceYear, CreatedAt: now}
		if err := tx.Create(&sp).Error; err != nil {
			return err
		}
	}
	for _, sp := range byCode {
		err := tx.Where("id = ? AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.spec_id = product_specs.id OR o.from_spec_id = product_specs.id)"+
			" AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.spec_id = product_specs.id)", sp.ID).Delete(&ProductSpec{}).Error
		if err != nil {
			return err
		}
	}
	return nil
}
