package models

import (
	"gorm.io/gorm"

	"koogallery/models/catalog"
)

// migrateRefunds is schema step 6: the refund request, attachment and blob tables, the orders'
// supervision state and settlement exclusion, and the refund records' link to their request.
// Orders written before the step get their supervision state from their product: supervised
// purchases and trials still processing are in supervision, finished ones completed; the rest
// are not involved.
func migrateRefunds(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&Order{}, &Refund{}, &RefundRequest{}, &AttachmentBlob{}, &Attachment{}); err != nil {
		return err
	}
	supervised := func() *gorm.DB { return tx.Model(&catalog.Product{}).Select("id").Where("supervised = ?", true) }
	steps := []struct {
		to    SupervisionStatus
		where func(*gorm.DB) *gorm.DB
	}{
		{SupervisionInProgress, func(q *gorm.DB) *gorm.DB {
			return q.Where("product_id IN (?) AND type IN ? AND status = ?", supervised(), []OrderType{OrderNew, OrderTrial}, OrderProcessing)
		}},
		{SupervisionCompleted, func(q *gorm.DB) *gorm.DB {
			return q.Where("product_id IN (?) AND type IN ?", supervised(), []OrderType{OrderNew, OrderTrial})
		}},
		{SupervisionNotInvolved, func(q *gorm.DB) *gorm.DB { return q }},
	}
	for _, st := range steps {
		q := tx.Model(&Order{}).Where("(supervision_status IS NULL OR supervision_status = ?)", SupervisionUnknown)
		if err := st.where(q).Update("supervision_status", st.to).Error; err != nil {
			return err
		}
	}
	return nil
}
