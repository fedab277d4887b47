package orders

import "context"

// BuyerOrderCount counts the orders a user placed as a buyer, whatever their state: an
// account with any cannot become a seller member or an admin, whose accounts have no buyer
// console to see them in.
func (s *Store) BuyerOrderCount(ctx context.Context, buyerID uint) (int64, error) {
	var n int64
	return n, s.Conn(ctx).Model(&Order{}).Where("buyer_id = ?", buyerID).Count(&n).Error
}
