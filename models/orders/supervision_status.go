package orders

import "koogallery/models/catalog"

// SupervisionStatus is where an order stands in service supervision (服务监管状态), as the
// refund rules and settlement read it. Purchase sets it (in_progress for a supervised product's
// new purchase or trial, not_involved otherwise); the supervision feature moves it to completed
// when the buyer accepts delivery; an approved refund closes it. Orders written before the
// column existed hold "" (treated like not_involved for unsupervised products and like
// in_progress for supervised ones still processing).
type SupervisionStatus string

// The supervision states.
const (
	SupervisionUnknown     SupervisionStatus = ""
	SupervisionNotInvolved SupervisionStatus = "not_involved" // 不涉及
	SupervisionInProgress  SupervisionStatus = "in_progress"  // 监管中: the transaction guarantee period runs
	SupervisionCompleted   SupervisionStatus = "completed"    // 已完成: accepted; the guarantee period is over
	SupervisionClosed      SupervisionStatus = "closed"       // 已关闭: ended by an approved refund
)

// SupervisionStatuses lists every state in display order.
var SupervisionStatuses = []SupervisionStatus{SupervisionNotInvolved, SupervisionInProgress, SupervisionCompleted, SupervisionClosed}

// supervisionAtPurchase is the supervision state a new order starts in: a supervised product's
// purchase (or trial) is delivered under supervision; renewals and everything else are not
// supervised themselves (a renewal's guarantee period is its service's).
func SupervisionAtPurchase(p *catalog.Product, t OrderType) SupervisionStatus {
	if p.Supervised && (t == OrderNew || t == OrderTrial) {
		return SupervisionInProgress
	}
	return SupervisionNotInvolved
}

// Settled reports whether supervision no longer holds the order back from settlement.
func (s SupervisionStatus) Settled() bool {
	return s == SupervisionNotInvolved || s == SupervisionCompleted
}
