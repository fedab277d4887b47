package models

import (
	"gorm.io/gorm"

	"koogallery/models/catalog"
	"koogallery/models/orders"
)

// migrateRefunds is schema step 6: the refund request, attachment and blob tables, the orders'
// supervision state and settlement exclusion, and the refund records' link to their request.
// Orders written before the step get their supervision state from their product: supervised
// purchases and trials still processing are in supervision, finished ones completed; the rest
// are not involved.
func migrateRefunds(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&orders.Order{}, &orders.Refund{}, &RefundRequest{}, &AttachmentBlob{}, &Attachment{}); err != nil {
		return err
	}
	supervised := func() *gorm.DB { return tx.Model(&catalog.Product{}).Select("id").Where("supervised = ?", true) }
	steps := []struct {
		to    orders.SupervisionStatus
		where func(*gorm.DB) *gorm.DB
	}{
		{orders.SupervisionInProgress, func(q *gorm.DB) *gorm.DB {
			return q.Where("product_id IN (?) AND type IN ? AND status = ?", supervised(), []orders.OrderType{orders.OrderNew, orders.OrderTrial}, orders.OrderProcessing)
		}},
		{orders.SupervisionCompleted, func(q *gorm.DB) *gorm.DB {
			return q.Where("product_id IN (?) AND type IN ?", supervised(), []orders.OrderType{orders.OrderNew, orders.OrderTrial})
		}},
		{orders.SupervisionNotInvolved, func(q *gorm.DB) *gorm.DB { return q }},
	}
	for _, st := range steps {
		q := tx.Model(&orders.Order{}).Where("(supervision_status IS NULL OR supervision_status = ?)", orders.SupervisionUnknown)
		if err := st.where(q).Update("supervision_status", st.to).Error; err != nil {
			return err
		}
	}
	return nil
}
