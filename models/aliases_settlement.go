package models

import "koogallery/models/settlement"

// Names moved to koogallery/models/settlement, kept reachable as models.X until callers name the package.
const AuditOrder = settlement.AuditOrder
const AuditRepaymentSet = settlement.AuditRepaymentSet
const ExcludedCancelled = settlement.ExcludedCancelled
const ExcludedFree = settlement.ExcludedFree
const ExcludedNone = settlement.ExcludedNone
const ExcludedRefunded = settlement.ExcludedRefunded
const ExcludedUnsubscribe = settlement.ExcludedUnsubscribe
const FeeBaseBP = settlement.FeeBaseBP

var FeeRateBP = settlement.FeeRateBP

const FeeTier1BP = settlement.FeeTier1BP
const FeeTier1FromFen = settlement.FeeTier1FromFen
const FeeTier2BP = settlement.FeeTier2BP
const FeeTier2FromFen = settlement.FeeTier2FromFen

var ParsePeriod = settlement.ParsePeriod

type Period = settlement.Period

var PeriodOf = settlement.PeriodOf
var PlatformFee = settlement.PlatformFee
var RatePercent = settlement.RatePercent

const ReasonCreditBillPending = settlement.ReasonCreditBillPending
const ReasonNotEffective = settlement.ReasonNotEffective
const ReasonRepaymentPending = settlement.ReasonRepaymentPending
const ReasonSupervision = settlement.ReasonSupervision
const ReasonThreshold = settlement.ReasonThreshold
const ReasonUnpaid = settlement.ReasonUnpaid
const SettleEligible = settlement.SettleEligible
const SettleExcluded = settlement.SettleExcluded

type SettleExclusion = settlement.SettleExclusion

const SettlePending = settlement.SettlePending

type SettleReason = settlement.SettleReason
type SettleState = settlement.SettleState

var SettleStates = settlement.SettleStates

type SettlementFacts = settlement.SettlementFacts
type SettlementFilter = settlement.SettlementFilter
type SettlementList = settlement.SettlementList

var SettlementOf = settlement.SettlementOf

type SettlementRow = settlement.SettlementRow

const SettlementThresholdFen = settlement.SettlementThresholdFen

type SettlementVerdict = settlement.SettlementVerdict
type Statement = settlement.Statement
type StatementLine = settlement.StatementLine
type TypeTotal = settlement.TypeTotal
