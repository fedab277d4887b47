package handlers

import (
	"strings"
	"time"

	"koogallery/money"
	"koogallery/protocol"
	"koogallery/sellerkit"
)

// mockOrder answers the debugging orders of spec §1 (MOCKPERIODYEARNEW …) for every seller, so
// a seller's query after a debug newInstance gets a realistic answer.
func mockOrder(orderID, lineID string, now time.Time) (OrderInfo, bool) {
	known := false
	for _, m := range sellerkit.MockOrderIDs {
		known = known || m == orderID
	}
	if !known || (lineID != "" && lineID != orderID+"-000001") {
		return OrderInfo{}, false
	}
	info := OrderInfo{OrderID: orderID, OrderLineID: orderID + "-000001", OrderType: "NEW", CreateTime: protocol.FormatExpireTime(now),
		CustomerID: "cust-mock-0001", CustomerName: "mock customer", ProductID: "00301-666688-0--0", SKUCode: "mock-sku-0001",
		ProductName: "mock product", ChargingMode: "PERIOD", PeriodType: "year", PeriodNumber: 1, Amount: money.Fen(0).Plain(), Currency: "CNY"}
	switch {
	case strings.Contains(orderID, "ONETIME"):
		info.ChargingMode, info.PeriodType, info.PeriodNumber = "ONE_TIME", "", 0
	case strings.Contains(orderID, "ONDEMANDPKG"):
		info.ChargingMode, info.PeriodType, info.PeriodNumber = "ON_DEMAND_PKG", "", 0
	case strings.Contains(orderID, "ONDEMAND"):
		info.ChargingMode, info.PeriodType, info.PeriodNumber = "ON_DEMAND", "", 0
	case strings.Contains(orderID, "MONTY"):
		info.PeriodType = "month"
	case strings.Contains(orderID, "DAYTRIAL"):
		info.OrderType, info.PeriodType = "TRIAL", "day"
	}
	for suffix, t := range map[string]string{"TRIALTOFORMAL": "TRIAL_TO_FORMAL", "UNSUBSCRIBE": "UNSUBSCRIBE", "RENEW": "RENEW", "CHANGE": "CHANGE"} {
		if strings.HasSuffix(orderID, suffix) {
			info.OrderType = t
		}
	}
	if info.PeriodType != "" {
		info.ExpireTime = protocol.FormatExpireTime(now.AddDate(1, 0, 0))
	}
	return info, true
}
