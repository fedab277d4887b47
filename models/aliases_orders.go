package models

import "koogallery/models/orders"

// Names moved to koogallery/models/orders, kept reachable as models.X until callers name the package.
type Instance = orders.Instance

const InstanceFailed = orders.InstanceFailed
const InstanceFrozen = orders.InstanceFrozen
const InstanceNormal = orders.InstanceNormal
const InstanceOpening = orders.InstanceOpening
const InstanceReleased = orders.InstanceReleased

type InstanceStatus = orders.InstanceStatus

var InstanceStatuses = orders.InstanceStatuses
var LineNo = orders.LineNo

const MsgSubmitKey = orders.MsgSubmitKey

var NewOrderNo = orders.NewOrderNo

type Order = orders.Order

const OrderCancelled = orders.OrderCancelled
const OrderChange = orders.OrderChange
const OrderCompleted = orders.OrderCompleted
const OrderNew = orders.OrderNew
const OrderPendingPayment = orders.OrderPendingPayment
const OrderProcessing = orders.OrderProcessing
const OrderRenew = orders.OrderRenew

type OrderStatus = orders.OrderStatus

var OrderStatuses = orders.OrderStatuses

const OrderTrial = orders.OrderTrial
const OrderTrialToFormal = orders.OrderTrialToFormal

type OrderType = orders.OrderType

var OrderTypes = orders.OrderTypes

const OrderUnsubscribe = orders.OrderUnsubscribe
const PayCash = orders.PayCash
const PayCoupon = orders.PayCoupon
const PayCredit = orders.PayCredit

type PayMethod = orders.PayMethod

var PayMethods = orders.PayMethods

type Repayment = orders.Repayment

const RepaymentNone = orders.RepaymentNone
const RepaymentPending = orders.RepaymentPending
const RepaymentRepaid = orders.RepaymentRepaid
const SupervisionClosed = orders.SupervisionClosed
const SupervisionCompleted = orders.SupervisionCompleted
const SupervisionInProgress = orders.SupervisionInProgress
const SupervisionNotInvolved = orders.SupervisionNotInvolved

type SupervisionStatus = orders.SupervisionStatus

var SupervisionStatuses = orders.SupervisionStatuses

const SupervisionUnknown = orders.SupervisionUnknown

type Refund = orders.Refund

const RefundChangeFailed = orders.RefundChangeFailed
const RefundNegotiated = orders.RefundNegotiated
const RefundNoReason = orders.RefundNoReason
const RefundOpenFailed = orders.RefundOpenFailed

type RefundReason = orders.RefundReason
type OrderFilter = orders.OrderFilter
type PlatformOverview = orders.PlatformOverview
type SellerOrderRow = orders.SellerOrderRow
type SellerOverview = orders.SellerOverview
type ServiceFilter = orders.ServiceFilter
type ServiceList = orders.ServiceList
