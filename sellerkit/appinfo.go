package sellerkit

import (
	"context"
	"encoding/json"
	"errors"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/protocol"
)

// ErrNoAppInfo: the seller has not (yet) given login information for the service.
var ErrNoAppInfo = errors.New("no appInfo")

// AppInfo is a service's login information as the buyer sees it, sensitive fields decrypted.
type AppInfo struct {
	FrontEndURL, AdminURL, UserName, Password, Memo string
	// Undecryptable is set when the seller's encrypted fields could not be decrypted with the
	// key bound for the product (shown as such, never as garbage).
	Undecryptable bool
}

// OpenAppInfo decrypts the appInfo the seller returned for an instance, with the key bound to
// the product's production address for its interface type.
func (k *Keys) OpenAppInfo(ctx context.Context, inst *orders.Instance) (AppInfo, error) {
	if inst.AppInfo == "" || inst.Product == nil {
		return AppInfo{}, ErrNoAppInfo
	}
	var raw protocol.AppInfo
	if err := json.Unmarshal([]byte(inst.AppInfo), &raw); err != nil {
		return AppInfo{}, ErrNoAppInfo
	}
	out := AppInfo{FrontEndURL: raw.FrontEndURL, AdminURL: raw.AdminURL, Memo: raw.Memo}
	if raw.UserName == "" && raw.Password == "" {
		return out, nil
	}
	t := sellertools.IfaceBasic
	if inst.Product.Type == catalog.TypeLicense {
		t = sellertools.IfaceLicenseCode
	}
	if inst.Product.AddressID == nil {
		out.Undecryptable = true
		return out, nil
	}
	_, secret, err := k.ForAddress(ctx, *inst.Product.AddressID, t)
	if err != nil {
		out.Undecryptable = true
		return out, nil
	}
	for _, f := range []struct {
		src string
		dst *string
	}{{raw.UserName, &out.UserName}, {raw.Password, &out.Password}} {
		if f.src == "" {
			continue
		}
		plain, err := protocol.DecryptField(secret, inst.EncryptType, f.src)
		if err != nil {
			out.Undecryptable = true
			continue
		}
		*f.dst = plain
	}
	return out, nil
}
