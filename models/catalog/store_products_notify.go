package catalog

import (
	"fmt"

	"koogallery/models/account"
	"koogallery/models/notice"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// saleDecisionTexts say, per action, what operations decided and what the seller should do,
// in the bilingual style of the platform's other mails.
var saleDecisionTexts = map[SaleAction]struct{ subject, what, next string }{
	SaleFreeze: {
		subject: "商品已冻结交易 / Trading frozen",
		what:    "运营已冻结该商品的交易：买家暂时无法购买，已购买的服务不受影响。\nOperations froze trading of this product: buyers cannot buy it for now; services already bought are not affected.",
		next:    "请按原因修复问题（例如生产接口拨测失败），再联系运营申请解冻。\nFix the cause (for example failing interface dial tests), then ask operations to lift the freeze.",
	},
	SaleDelist: {
		subject: "商品已下架 / Product delisted",
		what:    "运营已将该商品下架：云商店不再展示和销售，已购买的服务不受影响。\nOperations delisted this product: it is no longer shown or sold; services already bought are not affected.",
		next:    "如需重新上架，请按原因修复问题后联系运营。\nTo bring it back, fix the cause, then contact operations to relist it.",
	},
	SaleRelist: {
		subject: "商品已重新上架 / Product back on sale",
		what:    "运营已将该商品重新上架，买家可以再次购买。\nOperations relisted this product: buyers can buy it again.",
		next:    "无需其他操作。\nNothing else to do.",
	},
}

// tellSaleDecision tells the seller company about a sale decision of operations, in the
// transaction of the decision: an in-site notice for every user of the company and a mail to
// its contact address through the mail outbox, each naming the product, the decision, the
// reason and what to do next.
func (s *Store) tellSaleDecision(tx *gorm.DB, productID uint, action SaleAction, reason string) error {
	now := s.Now()
	var p Product
	if err := tx.Preload("Seller").First(&p, productID).Error; err != nil {
		return err
	}
	t := saleDecisionTexts[action]
	seller := p.SellerID
	if err := tx.Create(&notice.Notice{SellerID: &seller, Kind: "product_" + string(action), Text: sqldb.ClipText(fmt.Sprintf("%s · %s · %s", p.Name, p.Code, reason), 1000),
		Link: "/seller/products", CreatedAt: now}).Error; err != nil {
		return err
	}
	body := fmt.Sprintf("%s\n\n商品 Product: %s (%s)\n决定 Decision: %s\n原因 Reason: %s\n\n%s\n\n%s\n\n/seller/products\n",
		t.subject, p.Name, p.Code, t.subject, reason, t.what, t.next)
	return account.MailSeller(tx, now, p.SellerID, account.MailReviews, "[KooGallery] "+t.subject+": "+p.Name, body)
}
