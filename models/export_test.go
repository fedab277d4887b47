package models

import (
	"time"

	"koogallery/models/catalog"
)

// SetDeferredJoinOffset makes the buyer's list pages pick their ids first (listSQL) from
// OFFSET n on, until the returned undo runs.
func SetDeferredJoinOffset(n int) (undo func()) {
	old := deferredJoinOffset.Swap(int64(n))
	return func() { deferredJoinOffset.Store(old) }
}

// SetListProductTTL changes how long the service list reuses a product, until undo runs.
func SetListProductTTL(d time.Duration) (undo func()) {
	old := catalog.ListProductTTL
	catalog.ListProductTTL = d
	return func() { catalog.ListProductTTL = old }
}
