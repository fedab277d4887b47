package models

import "koogallery/models/refund"

// Names moved to koogallery/models/refund, kept reachable as models.X until callers name the package.
const AttachRefund = refund.AttachRefund
const AuditRefund = refund.AuditRefund

var CanRefundTransition = refund.CanRefundTransition

const CauseAgreedWithSeller = refund.CauseAgreedWithSeller
const CauseBoughtByMistake = refund.CauseBoughtByMistake
const CauseNoLongerNeeded = refund.CauseNoLongerNeeded
const CauseNotAsDescribed = refund.CauseNotAsDescribed
const CauseNotDelivered = refund.CauseNotDelivered
const CauseOther = refund.CauseOther
const CauseQuality = refund.CauseQuality

var CheckAmount = refund.CheckAmount
var CheckOpinion = refund.CheckOpinion
var DecideRefund = refund.DecideRefund
var FormatAmount = refund.FormatAmount

const GoodsNotReceived = refund.GoodsNotReceived
const GoodsReceived = refund.GoodsReceived
const GuaranteeDays = refund.GuaranteeDays
const MaxRefundOpinion = refund.MaxRefundOpinion
const MaxRefundText = refund.MaxRefundText
const MsgAmountDecimals = refund.MsgAmountDecimals
const MsgAmountFormat = refund.MsgAmountFormat
const MsgAmountFull = refund.MsgAmountFull
const MsgAmountMax = refund.MsgAmountMax
const MsgAmountPositive = refund.MsgAmountPositive
const MsgAmountRequired = refund.MsgAmountRequired
const MsgCauseInvalid = refund.MsgCauseInvalid
const MsgConfirmRefund = refund.MsgConfirmRefund
const MsgGoodsInvalid = refund.MsgGoodsInvalid
const MsgOpinionMissing = refund.MsgOpinionMissing
const MsgOpinionTooLong = refund.MsgOpinionTooLong
const MsgServiceChanged = refund.MsgServiceChanged
const MsgTextRequired = refund.MsgTextRequired
const MsgTextTooLong = refund.MsgTextTooLong
const NoReasonDays = refund.NoReasonDays
const NoReasonPerYear = refund.NoReasonPerYear

var ParseAmount = refund.ParseAmount

const RefundApproved = refund.RefundApproved

type RefundCause = refund.RefundCause

var RefundCauses = refund.RefundCauses

type RefundDecision = refund.RefundDecision
type RefundDecisionInput = refund.RefundDecisionInput
type RefundDetail = refund.RefundDetail

const RefundEventApproved = refund.RefundEventApproved
const RefundEventAutoApproved = refund.RefundEventAutoApproved
const RefundEventRejected = refund.RefundEventRejected
const RefundEventRequested = refund.RefundEventRequested
const RefundEventWithdrawn = refund.RefundEventWithdrawn

type RefundFacts = refund.RefundFacts
type RefundFilter = refund.RefundFilter
type RefundInput = refund.RefundInput
type RefundKind = refund.RefundKind

const RefundKindNegotiated = refund.RefundKindNegotiated
const RefundKindNoReason = refund.RefundKindNoReason
const RefundKindNone = refund.RefundKindNone

var RefundKindOf = refund.RefundKindOf

const RefundPending = refund.RefundPending
const RefundRejected = refund.RefundRejected

type RefundRequest = refund.RefundRequest
type RefundStatus = refund.RefundStatus

var RefundStatuses = refund.RefundStatuses

type RefundTarget = refund.RefundTarget

const RefundWithdrawn = refund.RefundWithdrawn
const RuleNegotiated = refund.RuleNegotiated
const RuleNoReason = refund.RuleNoReason
const RuleRenewalFull = refund.RuleRenewalFull
const WhyGuaranteeOver = refund.WhyGuaranteeOver
const WhyLicenseClaimed = refund.WhyLicenseClaimed
const WhyNoReasonExpired = refund.WhyNoReasonExpired
const WhyNoReasonLimit = refund.WhyNoReasonLimit
const WhyNoReasonNewOnly = refund.WhyNoReasonNewOnly
const WhyNotInUse = refund.WhyNotInUse
const WhyNothingPaid = refund.WhyNothingPaid
const WhyOpenRequest = refund.WhyOpenRequest
const WhyOrderType = refund.WhyOrderType
const WhyRefunded = refund.WhyRefunded
const WhyRenewalInEffect = refund.WhyRenewalInEffect
const WhySupervisionCompleted = refund.WhySupervisionCompleted
const WhyTrial = refund.WhyTrial
const WhyTypeNotRefundable = refund.WhyTypeNotRefundable
const WhyValidityOver = refund.WhyValidityOver
