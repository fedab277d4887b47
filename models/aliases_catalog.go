package models

import "koogallery/models/catalog"

// Names moved to koogallery/models/catalog, kept reachable as models.X until callers name the package.
type AdminProductFilter = catalog.AdminProductFilter
type CatalogFilter = catalog.CatalogFilter

const ChargeOnDemand = catalog.ChargeOnDemand
const ChargeOneTime = catalog.ChargeOneTime
const ChargePeriod = catalog.ChargePeriod

type ChargingMode = catalog.ChargingMode

var ChargingModes = catalog.ChargingModes
var CheckReason = catalog.CheckReason

const CodeHardware = catalog.CodeHardware

type CodeKind = catalog.CodeKind

const CodeNone = catalog.CodeNone
const CodeSystem = catalog.CodeSystem

var ContentOf = catalog.ContentOf
var ErrUnderReview = catalog.ErrUnderReview

type ExtParam = catalog.ExtParam
type ExtValue = catalog.ExtValue
type Favorite = catalog.Favorite

const MaxExtParams = catalog.MaxExtParams
const MaxExtValue = catalog.MaxExtValue
const MaxReasonLen = catalog.MaxReasonLen
const MaxSpecs = catalog.MaxSpecs
const MsgExtRequired = catalog.MsgExtRequired
const MsgExtTooLong = catalog.MsgExtTooLong
const MsgProductAddressLocked = catalog.MsgProductAddressLocked
const MsgProductAddressNotYours = catalog.MsgProductAddressNotYours
const MsgProductSpecRemoved = catalog.MsgProductSpecRemoved
const MsgProductTypeLocked = catalog.MsgProductTypeLocked

type Plan = catalog.Plan

const PlanHour = catalog.PlanHour
const PlanMonth = catalog.PlanMonth
const PlanOnce = catalog.PlanOnce
const PlanTrial = catalog.PlanTrial
const PlanYear = catalog.PlanYear

type Product = catalog.Product
type ProductContent = catalog.ProductContent
type ProductSpec = catalog.ProductSpec
type ProductType = catalog.ProductType

var ProductTypes = catalog.ProductTypes

type ProductVersion = catalog.ProductVersion

var SaasExtendParams = catalog.SaasExtendParams

type SaleAction = catalog.SaleAction

var SaleActions = catalog.SaleActions

const SaleDelist = catalog.SaleDelist
const SaleDelisted = catalog.SaleDelisted
const SaleDraft = catalog.SaleDraft
const SaleFreeze = catalog.SaleFreeze
const SaleFrozen = catalog.SaleFrozen
const SaleOnSale = catalog.SaleOnSale
const SaleRelist = catalog.SaleRelist

type SaleStatus = catalog.SaleStatus

var SaleStatuses = catalog.SaleStatuses

const SaleUnlisted = catalog.SaleUnlisted

type SecurityRule = catalog.SecurityRule
type SellerProductRow = catalog.SellerProductRow
type SpecContent = catalog.SpecContent

var SpecName = catalog.SpecName

const TypeAPI = catalog.TypeAPI
const TypeAppOrchestration = catalog.TypeAppOrchestration
const TypeDataFile = catalog.TypeDataFile
const TypeHardware = catalog.TypeHardware
const TypeImage = catalog.TypeImage
const TypeLicense = catalog.TypeLicense
const TypeManualService = catalog.TypeManualService
const TypeSaaS = catalog.TypeSaaS
const VersionApproved = catalog.VersionApproved
const VersionDraft = catalog.VersionDraft
const VersionRejected = catalog.VersionRejected
const VersionReviewing = catalog.VersionReviewing

type VersionStatus = catalog.VersionStatus
