package models

import "koogallery/models/sellertools"

// Names moved to koogallery/models/sellertools, kept reachable as models.X until callers name the package.
type AccessKey = sellertools.AccessKey

const AddressCertified = sellertools.AddressCertified
const AddressFailed = sellertools.AddressFailed
const AddressPending = sellertools.AddressPending

type AddressStatus = sellertools.AddressStatus

const CaseFailed = sellertools.CaseFailed
const CasePassed = sellertools.CasePassed

type CaseStatus = sellertools.CaseStatus
type DebugCase = sellertools.DebugCase
type DebugKind = sellertools.DebugKind

var DebugKinds = sellertools.DebugKinds

const DebugLicense = sellertools.DebugLicense
const DebugNotify = sellertools.DebugNotify
const DebugSaaS = sellertools.DebugSaaS

var ErrAddressHasCases = sellertools.ErrAddressHasCases
var ErrDuplicate = sellertools.ErrDuplicate
var ErrKeyBound = sellertools.ErrKeyBound
var ErrKeyOtherType = sellertools.ErrKeyOtherType
var ErrNotCertified = sellertools.ErrNotCertified

const IfaceBasic = sellertools.IfaceBasic
const IfaceGeneral = sellertools.IfaceGeneral
const IfaceJointSaaS = sellertools.IfaceJointSaaS
const IfaceLicenseCode = sellertools.IfaceLicenseCode

type InterfaceType = sellertools.InterfaceType

var InterfaceTypes = sellertools.InterfaceTypes

type KeyBinding = sellertools.KeyBinding
type KeyRow = sellertools.KeyRow
type ProductionAddress = sellertools.ProductionAddress
