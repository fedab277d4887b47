package models

import "koogallery/models/license"

// Names moved to koogallery/models/license, kept reachable as models.X until callers name the package.
var ErrLicenseConflict = license.ErrLicenseConflict

type LicenseApplication = license.LicenseApplication

const LicenseFailed = license.LicenseFailed
const LicenseIssued = license.LicenseIssued
const LicensePending = license.LicensePending

type LicensePush = license.LicensePush
type LicenseStatus = license.LicenseStatus

var LicenseStatuses = license.LicenseStatuses

const LicenseTypeCharacters = license.LicenseTypeCharacters
const LicenseTypeFile = license.LicenseTypeFile
const MaxFingerprintLength = license.MaxFingerprintLength
const MaxLicenseCharacters = license.MaxLicenseCharacters
const MaxLicenseFileBytes = license.MaxLicenseFileBytes
const MaxLicenseFileName = license.MaxLicenseFileName
const MsgFingerprintBlank = license.MsgFingerprintBlank
const MsgFingerprintChars = license.MsgFingerprintChars
const MsgFingerprintEmptyVal = license.MsgFingerprintEmptyVal
const MsgFingerprintFields = license.MsgFingerprintFields
const MsgFingerprintRequired = license.MsgFingerprintRequired
const MsgFingerprintTooLong = license.MsgFingerprintTooLong
const MsgLicenseExpired = license.MsgLicenseExpired
const MsgLicenseNotLicense = license.MsgLicenseNotLicense
const MsgLicenseNotNormal = license.MsgLicenseNotNormal

var NormalizeFingerprint = license.NormalizeFingerprint
