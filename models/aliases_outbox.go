package models

import "koogallery/models/outbox"

// Names moved to koogallery/models/outbox, kept reachable as models.X until callers name the package.
const ActGetLicense = outbox.ActGetLicense
const ActNewInstance = outbox.ActNewInstance
const ActOrderNotify = outbox.ActOrderNotify
const ActQueryInstance = outbox.ActQueryInstance
const ActRefresh = outbox.ActRefresh
const ActRelease = outbox.ActRelease
const ActUpdateStatus = outbox.ActUpdateStatus
const ActUpgrade = outbox.ActUpgrade

type AttemptResult = outbox.AttemptResult

const AuditCall = outbox.AuditCall
const AuditCallReplayed = outbox.AuditCallReplayed
const AuditCallRestart = outbox.AuditCallRestart

var CallActivities = outbox.CallActivities

type CallAttempt = outbox.CallAttempt

const CallFailed = outbox.CallFailed

type CallFilter = outbox.CallFilter

const CallPending = outbox.CallPending
const CallProcessing = outbox.CallProcessing

type CallStatus = outbox.CallStatus

var CallStatuses = outbox.CallStatuses

const CallSucceeded = outbox.CallSucceeded

var DefaultPolicies = outbox.DefaultPolicies

const DelistThreshold = outbox.DelistThreshold

type InterfaceCall = outbox.InterfaceCall

const MsgNotifyNoCase = outbox.MsgNotifyNoCase
const MsgNotifyProduct = outbox.MsgNotifyProduct
const MsgNotifyScope = outbox.MsgNotifyScope
const MsgNotifyTarget = outbox.MsgNotifyTarget

type NotifyConfig = outbox.NotifyConfig
type NotifyScope = outbox.NotifyScope
type Outcome = outbox.Outcome

const OutcomeFailed = outbox.OutcomeFailed
const OutcomeProcessing = outbox.OutcomeProcessing
const OutcomeSucceeded = outbox.OutcomeSucceeded

type ProductHealth = outbox.ProductHealth

const Retention = outbox.Retention

type RetryPolicy = outbox.RetryPolicy
