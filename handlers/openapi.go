package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/money"
	"koogallery/protocol"
	"koogallery/sellerkit"
)

// OpenAPI serves the platform's open API that sellers call (spec §2.5), authenticated with the
// seller's access key in the API Gateway AK/SK style: the key id is the AK, its secret the SK.
type OpenAPI struct {
	store    *models.Store
	keys     *sellerkit.Keys
	verifier *protocol.AKSKVerifier
}

// OpenAPIPrefix is where the open API lives.
const OpenAPIPrefix = "/api/mkp-openapi-public/global/v1"

// Routes registers the open API.
func (h *OpenAPI) Routes(e *echo.Echo) {
	h.verifier = &protocol.AKSKVerifier{Lookup: h.lookup, Now: h.store.Now}
	e.GET(OpenAPIPrefix+"/order/query", h.QueryOrder)
	e.POST(OpenAPIPrefix+"/market-event/:event_id/file", h.PushLicense) // openapi_license.go
}

func (h *OpenAPI) lookup(ctx context.Context, ak string) (string, error) {
	k, err := h.store.AccessKeyByKeyID(ctx, ak)
	if errors.Is(err, sqldb.ErrNotFound) {
		return "", protocol.ErrAKSKUnknownAccessKey
	}
	if err != nil {
		return "", err
	}
	return h.keys.Open(k)
}

// apiError is the open API's error body.
type apiError struct {
	Code string `json:"error_code"`
	Msg  string `json:"error_msg"`
}

// authenticate verifies the request's AK/SK signature and returns the calling key.
func (h *OpenAPI) authenticate(c echo.Context) (*sellertools.AccessKey, error) {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 1<<20))
	if err != nil {
		return nil, c.JSON(http.StatusBadRequest, apiError{"MKT.0400", "unreadable body"})
	}
	return h.authenticateBody(c, body)
}

// authenticateBody is authenticate over a body the handler has already read (the raw bytes).
func (h *OpenAPI) authenticateBody(c echo.Context, body []byte) (*sellertools.AccessKey, error) {
	ak, err := h.verifier.Verify(c.Request(), body)
	if err != nil {
		msg := "authentication failed"
		switch {
		case errors.Is(err, protocol.ErrAKSKSkew):
			msg = "X-Sdk-Date is more than 15 minutes from the server time"
		case errors.Is(err, protocol.ErrAKSKMissing), errors.Is(err, protocol.ErrAKSKMalformed), errors.Is(err, protocol.ErrAKSKBadDate):
			msg = "missing or malformed SDK-HMAC-SHA256 authorization"
		case errors.Is(err, protocol.ErrAKSKUnknownAccessKey), errors.Is(err, protocol.ErrAKSKSignature):
			msg = "signature does not match (unknown AK or wrong SK)"
		}
		return nil, c.JSON(http.StatusUnauthorized, apiError{"MKT.0401", msg})
	}
	k, err := h.store.AccessKeyByKeyID(c.Request().Context(), ak)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// OrderInfo is what 查询订单 answers. The real platform's field list is unconfirmed; these
// mirror the order model: ids, type, times, customer, product and SKU, charging, amounts.
type OrderInfo struct {
	OrderID      string `json:"orderId"`
	OrderLineID  string `json:"orderLineId"`
	OrderType    string `json:"orderType"`
	CreateTime   string `json:"createTime"`
	CustomerID   string `json:"customerId"`
	CustomerName string `json:"customerName"`
	ProductID    string `json:"productId"`
	SKUCode      string `json:"skuCode"`
	ProductName  string `json:"productName"`
	ChargingMode string `json:"chargingMode"`
	PeriodType   string `json:"periodType,omitempty"`
	PeriodNumber int    `json:"periodNumber,omitempty"`
	Amount       string `json:"amount"` // yuan, two decimals
	Currency     string `json:"currency"`
	ExpireTime   string `json:"expireTime,omitempty"` // yyyyMMddHHmmss UTC
	// SpecCode and SpecName are the spec (规格) bought; on a CHANGE order the spec changed to,
	// which is how a seller that received upgradeInstance learns the new spec.
	SpecCode string `json:"specCode,omitempty"`
	SpecName string `json:"specName,omitempty"`
}

// QueryOrder answers the order details of one of the calling seller's orders, or of a mock
// debugging order.
func (h *OpenAPI) QueryOrder(c echo.Context) error {
	key, err := h.authenticate(c)
	if key == nil {
		return err
	}
	orderID, lineID := strings.TrimSpace(c.QueryParam("orderId")), strings.TrimSpace(c.QueryParam("orderLineId"))
	if orderID == "" || len(orderID) > 64 || len(lineID) > 64 {
		return c.JSON(http.StatusBadRequest, apiError{"MKT.0400", "orderId is required (at most 64 characters)"})
	}
	if info, ok := mockOrder(orderID, lineID, h.store.Now()); ok {
		return c.JSON(http.StatusOK, map[string]any{"error_code": "MKT.0000", "error_msg": "success", "orderInfo": info})
	}
	o, err := h.store.SellerOrderByNo(c.Request().Context(), key.SellerID, orderID, lineID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return c.JSON(http.StatusNotFound, apiError{"MKT.0404", "no such order for this seller"})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"error_code": "MKT.0000", "error_msg": "success", "orderInfo": orderInfo(o)})
}

func orderInfo(o *orders.Order) OrderInfo {
	info := OrderInfo{OrderID: o.OrderNo, OrderLineID: o.LineNo, OrderType: string(o.Type), CreateTime: protocol.FormatExpireTime(o.CreatedAt),
		ProductName: o.ProductName, ChargingMode: string(o.ChargingMode), Amount: money.Fen(o.PaidFen).Plain(), Currency: "CNY"}
	if o.Buyer != nil {
		info.CustomerID, info.CustomerName = fmt.Sprintf("cust-%08d", o.Buyer.ID), o.Buyer.Name
	}
	if o.Product != nil {
		info.ProductID, info.SKUCode = o.Product.Code, o.Product.Code+"-"+string(o.Plan)
	}
	if o.Spec != nil && o.Product != nil {
		info.SpecCode, info.SpecName = o.Spec.Code, o.Spec.Name
		info.SKUCode = o.Product.Code + "-" + o.Spec.Code + "-" + string(o.Plan)
	}
	if o.Plan == catalog.PlanMonth || o.Plan == catalog.PlanYear {
		info.PeriodType, info.PeriodNumber = string(o.Plan), o.PeriodCount
	}
	if o.ExpireAt != nil {
		info.ExpireTime = protocol.FormatExpireTime(*o.ExpireAt)
	}
	return info
}
