package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"koogallery/models/sellertools"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrUnderReview: the product has a version waiting for operations; withdraw it (撤回) first.
var ErrUnderReview = errors.New("version under review")

// Messages of product publishing that the store itself decides.
const (
	MsgProductAddressNotYours = "product.err.address_unknown"
	MsgProductAddressLocked   = "product.err.address_locked"
	MsgProductTypeLocked      = "product.err.type_locked"
	MsgProductSpecRemoved     = "product.err.spec_removed"
)

// SellerProductRow is one line of 我的商品: the live product and its open version, if any.
type SellerProductRow struct {
	Product
	Open *ProductVersion
}

// SellerProductList lists the seller's products, newest first, with each one's open version
// (a draft, a submission or a rejection), in two queries whatever the number of products.
func (s *Store) SellerProductList(ctx context.Context, sellerID uint, status SaleStatus, page int) (sqldb.Page[SellerProductRow], error) {
	q := s.Conn(ctx).Where("seller_id = ?", sellerID)
	if status != "" {
		q = q.Where("sale_status = ?", status)
	}
	ps, err := sqldb.Paginate[Product](q.Order("id DESC"), page)
	if err != nil {
		return sqldb.Page[SellerProductRow]{}, err
	}
	out := sqldb.Page[SellerProductRow]{Number: ps.Number, HasNext: ps.HasNext}
	opens, err := s.openVersions(s.Conn(ctx), ps.Items)
	if err != nil {
		return out, err
	}
	for _, p := range ps.Items {
		out.Items = append(out.Items, SellerProductRow{Product: p, Open: opens[p.ID]})
	}
	return out, nil
}

// openVersions loads the open version of each product: the one numbered after the live one.
func (s *Store) openVersions(db *gorm.DB, ps []Product) (map[uint]*ProductVersion, error) {
	out := map[uint]*ProductVersion{}
	if len(ps) == 0 {
		return out, nil
	}
	ids := make([]uint, len(ps))
	next := map[uint]int{}
	for i, p := range ps {
		ids[i], next[p.ID] = p.ID, p.Version+1
	}
	var vs []ProductVersion
	if err := db.Where("product_id IN ? AND status <> ?", ids, VersionApproved).Find(&vs).Error; err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].Number == next[vs[i].ProductID] {
			out[vs[i].ProductID] = &vs[i]
		}
	}
	return out, nil
}

// SellerProduct loads one of the seller's products with its open version (nil when none).
func (s *Store) SellerProduct(ctx context.Context, sellerID, id uint) (*Product, *ProductVersion, error) {
	return s.sellerProduct(s.Conn(ctx), sellerID, id, false)
}

// sellerProduct loads the seller's product and its open version through db, locking the
// product's row on MySQL when lock is set (inside a transaction).
func (s *Store) sellerProduct(db *gorm.DB, sellerID, id uint, lock bool) (*Product, *ProductVersion, error) {
	q := db.Where("seller_id = ?", sellerID)
	if lock && s.Dialect() == sqldb.MySQL {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var p Product
	if err := q.First(&p, id).Error; err != nil {
		return nil, nil, sqldb.NotFound(err)
	}
	opens, err := s.openVersions(db, []Product{p})
	if err != nil {
		return nil, nil, err
	}
	return &p, opens[p.ID], nil
}

// ProductVersions lists a product's versions, newest first, for its history.
func (s *Store) ProductVersions(ctx context.Context, productID uint) ([]ProductVersion, error) {
	var out []ProductVersion
	err := s.Conn(ctx).Where("product_id = ?", productID).Order("number DESC").Limit(50).Find(&out).Error
	return out, err
}

// checkAddress refuses an address that is not the seller's.
func checkAddress(tx *gorm.DB, sellerID uint, c ProductContent) error {
	if c.AddressID == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&sellertools.ProductionAddress{}).Where("id = ? AND seller_id = ?", *c.AddressID, sellerID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return sqldb.FieldErrors{"address": MsgProductAddressNotYours}
	}
	return nil
}

// CreateProductDraft creates a new product as a draft (never listed) with its first version.
// submitKey is the form's one-time key: a resubmitted form finds the product it created.
func (s *Store) CreateProductDraft(ctx context.Context, sellerID uint, c ProductContent, submitKey string) (*Product, error) {
	var out *Product
	err := s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		if submitKey != "" {
			var v ProductVersion
			err := tx.Joins("JOIN products ON products.id = product_versions.product_id").
				Where("product_versions.submit_key = ? AND products.seller_id = ?", submitKey, sellerID).First(&v).Error
			if err == nil {
				var p Product
				if err := tx.First(&p, v.ProductID).Error; err != nil {
					return err
				}
				out = &p
				return nil
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		if err := checkAddress(tx, sellerID, c); err != nil {
			return err
		}
		now := s.Now()
		p := &Product{SellerID: sellerID, Code: sqldb.RandomID("new-biz-"), SaleStatus: SaleDraft, CreatedAt: now, UpdatedAt: now}
		applyContent(p, c)
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		p.Code, p.Version = fmt.Sprintf("%05d-%06d-0--0", 300+sellerID, 500000+p.ID), 0
		if err := tx.Model(p).Updates(map[string]any{"code": p.Code, "version": 0}).Error; err != nil {
			return err
		}
		v := &ProductVersion{ProductID: p.ID, Number: 1, Status: VersionDraft, Content: mustJSON(c), Rev: 1, CreatedAt: now, UpdatedAt: now}
		if submitKey != "" {
			v.SubmitKey = &submitKey
		}
		if err := tx.Create(v).Error; err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

// applyContent copies content onto a product in memory.
func applyContent(p *Product, c ProductContent) {
	p.Name, p.Summary, p.Description, p.Type, p.ChargingMode = c.Name, c.Summary, c.Description, c.Type, c.ChargingMode
	p.Supervised, p.CodeKind, p.Deployable, p.DeployPackage, p.DeployPort = c.Supervised, c.CodeKind, c.Deployable, c.DeployPackage, c.DeployPort
	p.SecurityRules, p.ExtParams = encodeJSON(c.SecurityRules), encodeJSON(c.ExtParams)
	p.PriceMonth, p.PriceYear, p.PriceOnce, p.PriceHour, p.TrialDays = c.PriceMonth, c.PriceYear, c.PriceOnce, c.PriceHour, c.TrialDays
	p.AddressID, p.Path = c.AddressID, c.Path
}

func mustJSON(c ProductContent) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return string(b)
}

// lockSellerProduct loads the seller's product inside tx, locking its row on MySQL so that
// changes to one product queue instead of interleaving.
func (s *Store) lockSellerProduct(tx *gorm.DB, sellerID, id uint) (*Product, *ProductVersion, error) {
	return s.sellerProduct(tx, sellerID, id, true)
}

// SaveProductDraft saves the seller's edit of a product: into its open version when it is a
// draft or a rejection (rev is the revision the form was built from), or as a new draft
// version of a listed product. A published product keeps its type, charging mode and
// production address (the associated application credential). Saving the same content twice
// (a double click) is one save; an edit made from an older revision gets ErrStale.
func (s *Store) SaveProductDraft(ctx context.Context, sellerID, productID uint, c ProductContent, rev int) (*ProductVersion, error) {
	var out *ProductVersion
	err := s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		p, open, err := s.lockSellerProduct(tx, sellerID, productID)
		if err != nil {
			return err
		}
		if err := checkAddress(tx, sellerID, c); err != nil {
			return err
		}
		if p.Version > 0 {
			var live []ProductSpec
			if err := tx.Where("product_id = ?", p.ID).Find(&live).Error; err != nil {
				return err
			}
			if errs := lockedFields(p, live, c); errs.Has() {
				return errs
			}
		}
		now := s.Now()
		if open == nil {
			v := &ProductVersion{ProductID: p.ID, Number: p.Version + 1, Status: VersionDraft, Content: mustJSON(c), Rev: 1, CreatedAt: now, UpdatedAt: now}
			if rev != 0 {
				return sqldb.ErrStale
			}
			out = v
			return tx.Create(v).Error
		}
		if open.Status == VersionReviewing {
			return ErrUnderReview
		}
		if open.Rev != rev {
			if same, _ := sameContent(open, c); same {
				out = open
				return nil
			}
			return sqldb.ErrStale
		}
		res := tx.Model(&ProductVersion{}).Where("id = ? AND rev = ? AND status IN ?", open.ID, rev, []VersionStatus{VersionDraft, VersionRejected}).
			Updates(map[string]any{"content": mustJSON(c), "status": VersionDraft, "rev": rev + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		if p.Version == 0 {
			// A never-listed product shows its draft in the seller's list.
			applyContent(p, c)
			if err := tx.Model(&Product{}).Where("id = ?", p.ID).Updates(c.columns()).Error; err != nil {
				return err
			}
		}
		open.Content, open.Status, open.Rev, open.UpdatedAt = mustJSON(c), VersionDraft, rev+1, now
		out = open
		return nil
	})
	return out, err
}

// lockedFields refuses changing what a published product cannot change: its type, charging
// mode and address, and the specs it sells (orders and services point at them; they may be
// renamed, repriced and joined by new ones).
func lockedFields(p *Product, live []ProductSpec, c ProductContent) sqldb.FieldErrors {
	errs := sqldb.FieldErrors{}
	kept := map[string]bool{}
	for _, sp := range c.Specs {
		kept[sp.Code] = true
	}
	for _, sp := range live {
		if !kept[sp.Code] {
			errs["specs"] = MsgProductSpecRemoved
		}
	}
	if c.Type != p.Type {
		errs["type"] = MsgProductTypeLocked
	}
	if c.ChargingMode != p.ChargingMode {
		errs["charging_mode"] = MsgProductTypeLocked
	}
	if p.AddressID != nil && (c.AddressID == nil || *c.AddressID != *p.AddressID) {
		errs["address"] = MsgProductAddressLocked
	}
	return errs
}

func sameContent(v *ProductVersion, c ProductContent) (bool, error) {
	got, err := v.Decode()
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(got, c), nil
}

// SubmitProductVersion sends the open version to operations for review (待审核), recording
// the debug-case report it passed with. The caller has checked the listing rules; rev guards
// against submitting something other than what the seller saw.
func (s *Store) SubmitProductVersion(ctx context.Context, sellerID, productID uint, rev int, report string) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		_, open, err := s.lockSellerProduct(tx, sellerID, productID)
		if err != nil {
			return err
		}
		if open == nil || open.Rev != rev {
			return sqldb.ErrStale
		}
		if open.Status == VersionReviewing {
			return nil // a double click: already submitted
		}
		now := s.Now()
		return tx.Model(&ProductVersion{}).Where("id = ? AND rev = ?", open.ID, rev).
			Updates(map[string]any{"status": VersionReviewing, "submitted_at": now, "case_report": report, "reject_reason": "", "updated_at": now}).Error
	})
}

// WithdrawProductVersion takes a submission back from review (撤回): it is a draft again.
func (s *Store) WithdrawProductVersion(ctx context.Context, sellerID, productID uint) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		_, open, err := s.lockSellerProduct(tx, sellerID, productID)
		if err != nil {
			return err
		}
		if open == nil || open.Status != VersionReviewing {
			return sqldb.ErrStale
		}
		return tx.Model(&ProductVersion{}).Where("id = ? AND status = ?", open.ID, VersionReviewing).
			Updates(map[string]any{"status": VersionDraft, "rev": open.Rev + 1, "submitted_at": nil, "updated_at": s.Now()}).Error
	})
}

// DiscardProductDraft deletes the open draft or rejection; a product that was never listed
// goes with it. A submission under review must be withdrawn first.
func (s *Store) DiscardProductDraft(ctx context.Context, sellerID, productID uint) (productGone bool, err error) {
	err = s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		p, open, err := s.lockSellerProduct(tx, sellerID, productID)
		if err != nil {
			return err
		}
		if open == nil {
			return sqldb.ErrStale
		}
		if open.Status == VersionReviewing {
			return ErrUnderReview
		}
		if err := tx.Delete(&ProductVersion{}, open.ID).Error; err != nil {
			return err
		}
		if p.Version > 0 {
			return nil
		}
		productGone = true
		if err := tx.Where("product_id = ?", p.ID).Delete(&Favorite{}).Error; err != nil {
			return err
		}
		return tx.Delete(&Product{}, p.ID).Error
	})
	return productGone, err
}

// SetSellerListing takes a product off sale (下架) or puts it back (上架) as its seller
// decides. Only a product on sale can be unlisted and only an unlisted one relisted: frozen
// and delisted products wait for operations. Guarded in SQL, so a double click applies once.
func (s *Store) SetSellerListing(ctx context.Context, sellerID, productID uint, list bool) error {
	from, to := SaleOnSale, SaleUnlisted
	if list {
		from, to = SaleUnlisted, SaleOnSale
	}
	res := s.Conn(ctx).Model(&Product{}).Where("id = ? AND seller_id = ? AND sale_status = ?", productID, sellerID, from).
		Updates(map[string]any{"sale_status": to, "sale_reason": "", "updated_at": s.Now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		if _, _, err := s.SellerProduct(ctx, sellerID, productID); err != nil {
			return err
		}
		return sqldb.ErrStale
	}
	return nil
}
