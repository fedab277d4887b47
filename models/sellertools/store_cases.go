package sellertools

import (
	"context"

	"koogallery/models/sqldb"

	"gorm.io/gorm/clause"
)

// SaveDebugCase stores a run case, replacing the earlier case of the same address, path and
// scenario.
func (s *Store) SaveDebugCase(ctx context.Context, c *DebugCase) error {
	now := s.Now()
	c.CreatedAt, c.UpdatedAt = now, now
	return s.Conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "address_id"}, {Name: "path"}, {Name: "scenario"}},
		DoUpdates: clause.AssignmentColumns([]string{"kind", "params", "status", "report", "run_at", "updated_at"}),
	}).Create(c).Error
}

// UpdateCaseResult records a re-run's result.
func (s *Store) UpdateCaseResult(ctx context.Context, sellerID, id uint, status CaseStatus, report string) error {
	res := s.Conn(ctx).Model(&DebugCase{}).Where("id = ? AND seller_id = ?", id, sellerID).
		Updates(map[string]any{"status": status, "report": report, "run_at": s.Now(), "updated_at": s.Now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrNotFound
	}
	return nil
}

// SellerCases lists the seller's saved debug cases with their addresses.
func (s *Store) SellerCases(ctx context.Context, sellerID uint) ([]DebugCase, error) {
	var out []DebugCase
	err := s.Conn(ctx).Preload("Address").Where("seller_id = ?", sellerID).Order("address_id DESC, kind, scenario").Limit(500).Find(&out).Error
	return out, err
}

// SellerCase loads one of the seller's debug cases with its address.
func (s *Store) SellerCase(ctx context.Context, sellerID, id uint) (*DebugCase, error) {
	var c DebugCase
	if err := s.Conn(ctx).Preload("Address").Where("seller_id = ?", sellerID).First(&c, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &c, nil
}

// DeleteDebugCase removes one of the seller's cases.
func (s *Store) DeleteDebugCase(ctx context.Context, sellerID, id uint) error {
	res := s.Conn(ctx).Where("id = ? AND seller_id = ?", id, sellerID).Delete(&DebugCase{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrNotFound
	}
	return nil
}
