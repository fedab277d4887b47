package sellerkit

import (
	"context"
	"errors"
	"strings"

	"koogallery/models"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/secrets"
)

// SecretLength is the length of a generated access key secret.
const SecretLength = 32

// Keys creates sellers' access keys and opens them when the platform signs a call. The secret
// comes from a cryptographic random source and is stored sealed under the master key.
type Keys struct {
	Store *models.Store
	Box   *secrets.Box
}

// MsgKeyNameTooLong is the message for an over-long key name.
const MsgKeyNameTooLong = "keys.err.name"

// Create makes a new key for the seller with an optional label.
func (k *Keys) Create(ctx context.Context, sellerID uint, name string) (*sellertools.AccessKey, error) {
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 60 {
		return nil, sqldb.FieldErrors{"name": MsgKeyNameTooLong}
	}
	secret := protocol.RandomAlnum(SecretLength)
	sealed, err := k.Box.Seal([]byte(secret))
	if err != nil {
		return nil, err
	}
	for range 3 {
		key, err := k.Store.CreateAccessKey(ctx, sellerID, "KG"+strings.ToUpper(protocol.RandomAlnum(14)), name, sealed, secret[len(secret)-4:])
		if !errors.Is(err, sellertools.ErrDuplicate) {
			return key, err
		}
	}
	return nil, sellertools.ErrDuplicate
}

// Secret opens one of the seller's keys, for 显示 and copy.
func (k *Keys) Secret(ctx context.Context, sellerID, id uint) (string, error) {
	key, err := k.Store.SellerKey(ctx, sellerID, id)
	if err != nil {
		return "", err
	}
	return k.Open(key)
}

// Open unseals a key's secret.
func (k *Keys) Open(key *sellertools.AccessKey) (string, error) {
	b, err := k.Box.Open(key.Sealed)
	return string(b), err
}

// ForAddress opens the key bound to an address for an interface type; ErrNotFound when none is bound.
func (k *Keys) ForAddress(ctx context.Context, addressID uint, t sellertools.InterfaceType) (*sellertools.AccessKey, string, error) {
	key, err := k.Store.AddressKey(ctx, addressID, t)
	if err != nil {
		return nil, "", err
	}
	secret, err := k.Open(key)
	return key, secret, err
}
