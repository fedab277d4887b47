package models

import (
	"context"
	"time"

	"koogallery/models/outbox"
)

// FailedOrdersThisMonth counts, per product, the orders its interface failed this month (the
// number the delisting rule compares with DelistThreshold).
func (s *Store) FailedOrdersThisMonth(ctx context.Context, productIDs []uint) (map[uint]int64, error) {
	out := make(map[uint]int64, len(productIDs))
	if len(productIDs) == 0 {
		return out, nil
	}
	type row struct {
		ProductID uint
		Orders    int64
	}
	var rows []row
	if err := s.conn(ctx).Model(&outbox.InterfaceCall{}).Select("product_id, COUNT(DISTINCT order_id) AS orders").
		Where("product_id IN ? AND activity IN ? AND status = ? AND completed_at >= ? AND replay_of IS NULL",
			productIDs, outbox.OrderActivities, outbox.CallFailed, outbox.MonthStart(s.now())).
		Group("product_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ProductID] = r.Orders
	}
	return out, nil
}

// MonthStart is the first instant of the store clock's current month (UTC), from which
// interface failures are counted.
func (s *Store) MonthStart() time.Time { return outbox.MonthStart(s.now()) }
