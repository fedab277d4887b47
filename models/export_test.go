package models

import (
	"time"

	"koogallery/models/catalog"
	"koogallery/models/orders"
)

// SetDeferredJoinOffset makes the buyer's list pages pick their ids first (listSQL) from
// OFFSET n on, until the returned undo runs.
func SetDeferredJoinOffset(n int) (undo func()) {
	return orders.SetDeferredJoinOffset(n)
}

// SetListProductTTL changes how long the service list reuses a product, until undo runs.
func SetListProductTTL(d time.Duration) (undo func()) {
	old := catalog.ListProductTTL
	catalog.ListProductTTL = d
	return func() { catalog.ListProductTTL = old }
}
