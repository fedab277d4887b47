package models

import "gorm.io/gorm"

// migrateSettlementIndexes is schema step 9: the indexes settlement reads by. A seller's
// period of orders is a range of (seller_id, created_at); a seller's statements scan a covering
// index instead of the wide order rows; the unpaid credit bills are a range of (pay_method,
// repayment) instead of a full scan.
func migrateSettlementIndexes(tx *gorm.DB) error {
	for _, stmt := range []string{
		"CREATE INDEX idx_orders_seller_created ON orders (seller_id, created_at)",
		"CREATE INDEX idx_orders_seller_billing ON orders (seller_id, paid_at, product_id, paid_fen, status, type)",
		"CREATE INDEX idx_orders_credit_bill ON orders (pay_method, repayment, buyer_id, paid_at)",
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}
