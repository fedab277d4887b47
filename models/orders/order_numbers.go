package orders

import (
	"crypto/rand"
	"time"

	"koogallery/models/catalog"
)

// MsgSubmitKey: a form's one-time key is missing or malformed (reload the page).
const MsgSubmitKey = "purchase.err.submit_key"

// maxSubmitKey is the longest form key accepted: stored as "<buyer id>:<key>" in a 64-character
// column, it leaves room for any buyer id (MySQL refuses longer values).
const MaxSubmitKey = 48

// addPeriod returns t moved on by the plan's length.
func AddPeriod(t time.Time, plan catalog.Plan, count int, trialDays int) *time.Time {
	var out time.Time
	switch plan {
	case catalog.PlanMonth:
		out = t.AddDate(0, count, 0)
	case catalog.PlanYear:
		out = t.AddDate(count, 0, 0)
	case catalog.PlanTrial:
		out = t.AddDate(0, 0, trialDays)
	default:
		return nil
	}
	return &out
}

const orderLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewOrderNo makes an order id shaped like the real ones: CS + yyMMddHHmm + five letters.
func NewOrderNo(now time.Time) string {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = orderLetters[int(b[i])%len(orderLetters)]
	}
	return "CS" + now.UTC().Format("0601021504") + string(b)
}

// LineNo is the first (and here only) order line id of an order.
func LineNo(orderNo string) string { return orderNo + "-000001" }
