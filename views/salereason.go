package views

import (
	"context"
	"strconv"
	"strings"
)

// SaleReasonText says in the user's language why a product was frozen or delisted: the
// interface-failure rule's code ("interface_failures:N") becomes a sentence with what to fix;
// a reason written by operations is shown as written.
func SaleReasonText(ctx context.Context, reason string) string {
	if n, ok := InterfaceFailures(reason); ok {
		return T(ctx, "product.sale_reason.interface_failures", n)
	}
	return reason
}

// InterfaceFailures reads the failed-order count of the interface-failure rule's reason code.
func InterfaceFailures(reason string) (int, bool) {
	rest, ok := strings.CutPrefix(reason, "interface_failures:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}
