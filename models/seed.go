package models

import (
	"context"
	"fmt"
	"sort"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"

	"gorm.io/gorm"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "demo-pass-2026"

// DemoAccount is one demo login, printed at start.
type DemoAccount struct {
	Email string
	Name  string
	Role  account.Role
	// Company is 1 or 2 for the members of the two demo seller companies, with their roles.
	Company int
	Roles   account.MemberRoles
}

// DemoAccounts are the accounts SeedDemo creates: an admin, the owners of the two demo
// companies, three members of the first (one per role) and two buyers.
var DemoAccounts = []DemoAccount{
	{Email: "admin@demo.test", Name: "运营管理员", Role: account.RoleAdmin},
	{Email: "seller@demo.test", Name: "王磊", Role: account.RoleSeller, Company: 1, Roles: account.NewMemberRoles(account.Owner)},
	{Email: "seller2@demo.test", Name: "李娜", Role: account.RoleSeller, Company: 2, Roles: account.NewMemberRoles(account.Owner)},
	{Email: "dev@demo.test", Name: "陈晨", Role: account.RoleSeller, Company: 1, Roles: account.NewMemberRoles(account.Developer)},
	{Email: "ops@demo.test", Name: "赵敏", Role: account.RoleSeller, Company: 1, Roles: account.NewMemberRoles(account.Operations)},
	{Email: "finance@demo.test", Name: "孙丽", Role: account.RoleSeller, Company: 1, Roles: account.NewMemberRoles(account.Finance)},
	{Email: "buyer@demo.test", Name: "张伟", Role: account.RoleBuyer},
	{Email: "buyer2@demo.test", Name: "刘洋", Role: account.RoleBuyer},
}

// SeedDemo fills an empty database with demo accounts, products of every type and orders in
// varied states. It does nothing (and reports false) when any user exists already.
func (s *Store) SeedDemo(ctx context.Context) (bool, error) {
	var users int64
	if err := s.conn(ctx).Model(&account.User{}).Count(&users).Error; err != nil {
		return false, err
	}
	if users > 0 {
		return false, nil
	}
	d := demo{s: s, ctx: ctx, now: s.now()}
	return true, d.run()
}

// demo builds the demo data set step by step.
type demo struct {
	s        *Store
	ctx      context.Context
	now      time.Time
	err      error
	products map[string]*catalog.Product
	seq      int
}

func (d *demo) run() error {
	s1 := &account.Seller{Name: "云启科技有限公司", USCC: seedText("91110108MA01C3QX55"), ContactName: "王磊", ContactEmail: "wanglei@cloudstart.demo.test", ContactPhone: "138-0000-1001",
		SupportEmail: "support@cloudstart.demo.test", SupportPhone: "400-800-1001", SupportHours: "工作日 9:00–18:00"}
	s2 := &account.Seller{Name: "数智软件有限公司", USCC: seedText("91310115MA1K4B2L3T"), ContactName: "李娜", ContactEmail: "lina@datawise.demo.test", ContactPhone: "138-0000-2002",
		SupportEmail: "service@datawise.demo.test", SupportPhone: "400-800-2002", SupportHours: "7×24 小时"}
	for _, sel := range []*account.Seller{s1, s2} {
		if err := d.s.conn(d.ctx).Create(sel).Error; err != nil {
			return err
		}
	}
	// One hash for every demo account: bcrypt is slow on purpose.
	hash, err := account.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	users := map[string]*account.User{}
	for _, a := range DemoAccounts {
		u := &account.User{Email: a.Email, Name: a.Name, PasswordHash: hash, Role: a.Role, SellerRoles: a.Roles, Locale: "zh", AuthVersion: 1,
			EmailVerifiedAt: &d.now, CreatedAt: d.now}
		switch a.Company {
		case 1:
			u.SellerID = &s1.ID
		case 2:
			u.SellerID = &s2.ID
		}
		if err := d.s.conn(d.ctx).Create(u).Error; err != nil {
			return err
		}
		users[a.Email] = u
	}
	d.products = map[string]*catalog.Product{}
	for _, p := range demoProducts(s1.ID, s2.ID) {
		if err := d.s.conn(d.ctx).Create(p).Error; err != nil {
			return err
		}
		d.products[p.Code] = p
	}
	b1, b2 := users["buyer@demo.test"].ID, users["buyer2@demo.test"].ID
	return d.s.conn(d.ctx).Transaction(func(tx *gorm.DB) error {
		d.orders(tx, b1, b2)
		return d.err
	})
}

// demoProducts lists one or more products of every type, on sale unless said otherwise.
func demoProducts(s1, s2 uint) []*catalog.Product {
	return []*catalog.Product{
		{SellerID: s1, Code: "00301-100001-0--0", Name: "云启CRM客户管理系统", Summary: "线索、商机、合同与回款一站式管理，开箱即用的SaaS服务。", Description: "面向中小企业的客户关系管理系统：线索分配、商机跟进、合同审批、回款提醒，支持移动端。购买后自动开通，登录信息在资源详情中查看。", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 9900, PriceYear: 99000, TrialDays: 14, SaleStatus: catalog.SaleOnSale},
		{SellerID: s1, Code: "00301-100002-0--0", Name: "智能表单生成器", Summary: "拖拽式表单与问卷，一次购买永久使用。", Description: "拖拽设计表单、问卷与报名页，数据实时汇总导出。一次性付费。", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargeOneTime, PriceOnce: 49900, SaleStatus: catalog.SaleOnSale},
		{SellerID: s1, Code: "00301-100003-0--0", Name: "数据库备份工具 License版", Summary: "MySQL/PostgreSQL 定时备份与一键恢复，支持一键部署到云服务器。", Description: "企业级数据库备份软件，按License授权。支持在“已购买的服务”中启动部署，自动安装到您的弹性云服务器。", Type: catalog.TypeLicense, ChargingMode: catalog.ChargeOneTime, PriceOnce: 128000, Supervised: true, CodeKind: catalog.CodeSystem, Deployable: true, SaleStatus: catalog.SaleOnSale},
		{SellerID: s1, Code: "00301-100004-0--0", Name: "主机安全审计软件", Summary: "按年授权的主机安全审计，需提供硬件识别码。", Description: "主机登录审计、命令审计与合规报表。License绑定服务器硬件，请在服务监管中提交硬件识别码。", Type: catalog.TypeLicense, ChargingMode: catalog.ChargePeriod, PriceYear: 360000, Supervised: true, CodeKind: catalog.CodeHardware, SaleStatus: catalog.SaleOnSale},
		{SellerID: s1, Code: "00301-100005-0--0", Name: "LAMP 运行环境镜像", Summary: "CentOS + Apache + MySQL + PHP，预装常用扩展，按需计费。", Description: "预配置的 LAMP 环境镜像，创建云服务器时选择即可使用，按小时计费。", Type: catalog.TypeImage, ChargingMode: catalog.ChargeOnDemand, PriceHour: 50, SaleStatus: catalog.SaleOnSale},
		{SellerID: s1, Code: "00301-100006-0--0", Name: "网站迁移上云服务", Summary: "专家一对一将网站与数据库迁移到华为云，含方案与验收。", Description: "人工服务：需求调研、迁移方案、割接实施、验收报告。服务全程受云商店服务监管。", Type: catalog.TypeManualService, ChargingMode: catalog.ChargeOneTime, PriceOnce: 200000, Supervised: true, SaleStatus: catalog.SaleOnSale},
		{SellerID: s2, Code: "00302-200001-0--0", Name: "高可用 WordPress 应用编排", Summary: "负载均衡、弹性伸缩与云数据库的一键编排模板。", Description: "应用编排模板，交付后在您的账号中创建整套高可用 WordPress 架构。", Type: catalog.TypeAppOrchestration, ChargingMode: catalog.ChargeOneTime, PriceOnce: 29900, Supervised: true, SaleStatus: catalog.SaleOnSale},
		{SellerID: s2, Code: "00302-200002-0--0", Name: "全国行政区划数据集", Summary: "省市区县乡镇五级行政区划，含经纬度，季度更新。", Description: "数据文件类商品，交付 CSV 与 JSON 两种格式。", Type: catalog.TypeDataFile, ChargingMode: catalog.ChargeOneTime, PriceOnce: 19900, Supervised: true, SaleStatus: catalog.SaleOnSale},
		{SellerID: s2, Code: "00302-200003-0--0", Name: "边缘计算网关 EG-100", Summary: "工业级边缘网关硬件，含一年质保，签收后10天自动验收。", Description: "硬件类商品：商家发货并填写物流信息，签收10天后自动确认验收。", Type: catalog.TypeHardware, ChargingMode: catalog.ChargeOneTime, PriceOnce: 399900, Supervised: true, SaleStatus: catalog.SaleOnSale},
		{SellerID: s2, Code: "00302-200004-0--0", Name: "身份证OCR识别 API", Summary: "高精度身份证正反面识别，按月订阅，支持试用。", Description: "API 类商品：订阅后获得调用凭证，按月计费，7天免费试用。", Type: catalog.TypeAPI, ChargingMode: catalog.ChargePeriod, PriceMonth: 19900, PriceYear: 199000, TrialDays: 7, SaleStatus: catalog.SaleOnSale},
		{SellerID: s2, Code: "00302-200005-0--0", Name: "旧版工单系统", Summary: "已下架的旧版本。", Description: "该商品已下架，仅卖家可见。", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 5900, SaleStatus: catalog.SaleDelisted},
		{SellerID: s1, Code: "00301-100007-0--0", Name: "企业网盘 SaaS", Summary: "因接口拨测连续失败被冻结交易。", Description: "该商品交易已冻结。", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 2900, SaleStatus: catalog.SaleFrozen},
	}
}

// order writes one demo order (and, for new purchases, its service) as of ago before now.
func (d *demo) order(tx *gorm.DB, buyer uint, code string, t orders.OrderType, plan catalog.Plan, count int, ago time.Duration, pay orders.PayMethod, st orders.OrderStatus, parent *orders.Order) *orders.Order {
	if d.err != nil {
		return nil
	}
	p := d.products[code]
	created := d.now.Add(-ago)
	d.seq++
	no := fmt.Sprintf("CS%s%s", created.Format("0601021504"), string(rune('A'+d.seq%26))+"DEMO")
	q := quote{plan: plan, count: count, pay: pay, amount: p.Price(plan, count)}
	o := d.s.newOrder(buyer, p, t, q)
	o.OrderNo, o.LineNo, o.CreatedAt, o.PaidAt, o.Status = no, orders.LineNo(no), created, &created, st
	if pay == orders.PayCredit {
		o.Repayment = orders.RepaymentRepaid
	}
	if o.SupervisionStatus == orders.SupervisionInProgress && st == orders.OrderCompleted {
		o.SupervisionStatus = orders.SupervisionCompleted // delivered and accepted
	}
	o.EffectiveAt = &created
	if parent != nil {
		o.ParentOrderID, o.InstanceID = &parent.ID, parent.InstanceID
		if t != orders.OrderUnsubscribe && parent.ExpireAt != nil {
			o.EffectiveAt = parent.ExpireAt
		}
		if t == orders.OrderUnsubscribe {
			o.AmountFen, o.PaidFen = 0, 0
		}
	}
	if t != orders.OrderUnsubscribe {
		o.ExpireAt = orders.AddPeriod(*o.EffectiveAt, plan, count, p.TrialDays)
	}
	d.err = tx.Create(o).Error
	return o
}

// service writes the purchased service a demo order created.
func (d *demo) service(tx *gorm.DB, o *orders.Order, st orders.InstanceStatus, expire *time.Time) {
	if d.err != nil {
		return
	}
	inst := &orders.Instance{BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: o.ProductID, OrderID: o.ID, Status: st,
		ChargingMode: o.ChargingMode, Trial: o.Type == orders.OrderTrial, EffectiveAt: o.EffectiveAt, ExpireAt: expire, CreatedAt: o.CreatedAt}
	if st != orders.InstanceOpening && st != orders.InstanceFailed {
		inst.SellerInstanceID = fmt.Sprintf("inst-%s", o.OrderNo[len(o.OrderNo)-9:])
	}
	if d.err = tx.Create(inst).Error; d.err == nil {
		o.InstanceID = &inst.ID
		d.err = tx.Model(o).Update("instance_id", inst.ID).Error
	}
}

// demoOrder is one demo order: whose, what, how long ago, and what its service looks like.
type demoOrder struct {
	key, parent string
	buyer       int // 1 or 2
	code        string
	typ         orders.OrderType
	plan        catalog.Plan
	count       int
	ago         time.Duration
	pay         orders.PayMethod
	status      orders.OrderStatus
	service     orders.InstanceStatus // "" for orders that belong to an existing service
	keepExpiry  bool                  // the service keeps the order's expiry
}

// demoOrders are written oldest first, so ids grow with time as they do in real use.
var demoOrders = func() []demoOrder {
	const day = 24 * time.Hour
	list := []demoOrder{
		{key: "crm", buyer: 1, code: "00301-100001-0--0", typ: orders.OrderNew, plan: catalog.PlanMonth, count: 3, ago: 80 * day, pay: orders.PayCash, status: orders.OrderCompleted, service: orders.InstanceNormal},
		{key: "crm-renew", parent: "crm", buyer: 1, code: "00301-100001-0--0", typ: orders.OrderRenew, plan: catalog.PlanYear, count: 1, ago: 5 * day, pay: orders.PayCoupon, status: orders.OrderCompleted},
		{key: "ocr", buyer: 1, code: "00302-200004-0--0", typ: orders.OrderTrial, plan: catalog.PlanTrial, count: 1, ago: 2 * day, pay: orders.PayCash, status: orders.OrderCompleted, service: orders.InstanceNormal, keepExpiry: true},
		{key: "audit", buyer: 1, code: "00301-100004-0--0", typ: orders.OrderNew, plan: catalog.PlanYear, count: 1, ago: 375 * day, pay: orders.PayCredit, status: orders.OrderCompleted, service: orders.InstanceFrozen, keepExpiry: true},
		{key: "form", buyer: 1, code: "00301-100002-0--0", typ: orders.OrderNew, plan: catalog.PlanOnce, count: 1, ago: 40 * day, pay: orders.PayCash, status: orders.OrderCompleted, service: orders.InstanceReleased},
		{key: "form-unsub", parent: "form", buyer: 1, code: "00301-100002-0--0", typ: orders.OrderUnsubscribe, plan: catalog.PlanOnce, count: 1, ago: 35 * day, pay: orders.PayCash, status: orders.OrderCompleted},
		{key: "migration", buyer: 1, code: "00301-100006-0--0", typ: orders.OrderNew, plan: catalog.PlanOnce, count: 1, ago: 3 * day, pay: orders.PayCash, status: orders.OrderProcessing, service: orders.InstanceOpening},
		{key: "lamp", buyer: 1, code: "00301-100005-0--0", typ: orders.OrderNew, plan: catalog.PlanHour, count: 1, ago: 20 * day, pay: orders.PayCash, status: orders.OrderCompleted, service: orders.InstanceNormal},
		{key: "backup", buyer: 1, code: "00301-100003-0--0", typ: orders.OrderNew, plan: catalog.PlanOnce, count: 1, ago: 10 * day, pay: orders.PayCash, status: orders.OrderCompleted, service: orders.InstanceNormal},
		{key: "gateway", buyer: 1, code: "00302-200003-0--0", typ: orders.OrderNew, plan: catalog.PlanOnce, count: 1, ago: 30 * day, pay: orders.PayCredit, status: orders.OrderCompleted, service: orders.InstanceNormal},
		{key: "crm2", buyer: 2, code: "00301-100001-0--0", typ: orders.OrderNew, plan: catalog.PlanYear, count: 1, ago: 15 * day, pay: orders.PayCash, status: orders.OrderCompleted, service: orders.InstanceNormal, keepExpiry: true},
		{key: "data2", buyer: 2, code: "00302-200002-0--0", typ: orders.OrderNew, plan: catalog.PlanOnce, count: 1, ago: 6 * day, pay: orders.PayCoupon, status: orders.OrderProcessing, service: orders.InstanceOpening},
		{key: "wp2", buyer: 2, code: "00302-200001-0--0", typ: orders.OrderNew, plan: catalog.PlanOnce, count: 1, ago: 1 * day, pay: orders.PayCash, status: orders.OrderProcessing, service: orders.InstanceOpening},
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].ago > list[j].ago })
	return list
}()

func (d *demo) orders(tx *gorm.DB, b1, b2 uint) {
	made := map[string]*orders.Order{}
	for _, o := range demoOrders {
		buyer := b1
		if o.buyer == 2 {
			buyer = b2
		}
		order := d.order(tx, buyer, o.code, o.typ, o.plan, o.count, o.ago, o.pay, o.status, made[o.parent])
		if d.err != nil {
			return
		}
		made[o.key] = order
		switch {
		case o.service != "" && o.keepExpiry:
			d.service(tx, order, o.service, order.ExpireAt)
		case o.service != "":
			d.service(tx, order, o.service, nil)
		case o.typ == orders.OrderRenew:
			d.err = tx.Model(&orders.Instance{}).Where("id = ?", *order.InstanceID).Update("expire_at", order.ExpireAt).Error
		}
	}
	if d.err == nil {
		d.err = tx.Create(&catalog.Favorite{UserID: b1, ProductID: d.products["00302-200002-0--0"].ID, CreatedAt: d.now}).Error
	}
	d.refunds(tx, made)      // seed_refunds.go
	d.supervisions(tx, made) // seed_supervision.go
	d.specs(tx, made)        // seed_specs.go
}

// seedText is a pointer to a demo string.
func seedText(s string) *string { return &s }
