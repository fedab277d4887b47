package models

import "koogallery/models/supervision"

// Names moved to koogallery/models/supervision, kept reachable as models.X until callers name the package.
type Appeal = supervision.Appeal

const AppealDecided = supervision.AppealDecided

type AppealDecision = supervision.AppealDecision
type AppealFilter = supervision.AppealFilter

const AppealInfoRequested = supervision.AppealInfoRequested

type AppealInput = supervision.AppealInput

const AppealOpen = supervision.AppealOpen

type AppealOutcome = supervision.AppealOutcome

var AppealOutcomes = supervision.AppealOutcomes

type AppealStatus = supervision.AppealStatus

var AppealStatuses = supervision.AppealStatuses

const AttachAppeal = supervision.AttachAppeal
const AttachSupervisionEvent = supervision.AttachSupervisionEvent
const AuditAppeal = supervision.AuditAppeal
const AuditAppealInfoRequested = supervision.AuditAppealInfoRequested

var CanSupervise = supervision.CanSupervise
var ErrFrozen = supervision.ErrFrozen
var ErrNotYourTurn = supervision.ErrNotYourTurn

const HardwareAutoAccept = supervision.HardwareAutoAccept
const MaxLogistics = supervision.MaxLogistics
const MaxSupervisionText = supervision.MaxSupervisionText
const MsgSvAppealFinished = supervision.MsgSvAppealFinished
const MsgSvAppealOpen = supervision.MsgSvAppealOpen
const MsgSvConfirmAccept = supervision.MsgSvConfirmAccept
const MsgSvConfirmCode = supervision.MsgSvConfirmCode
const MsgSvDecision = supervision.MsgSvDecision
const MsgSvFrozen = supervision.MsgSvFrozen
const MsgSvLogistics = supervision.MsgSvLogistics
const MsgSvNotYourTurn = supervision.MsgSvNotYourTurn
const MsgSvProofRequired = supervision.MsgSvProofRequired
const MsgSvRefundAmount = supervision.MsgSvRefundAmount
const MsgSvStartInvalid = supervision.MsgSvStartInvalid
const MsgSvTextRequired = supervision.MsgSvTextRequired
const MsgSvTextTooLong = supervision.MsgSvTextTooLong
const MsgSvTooManyFiles = supervision.MsgSvTooManyFiles

var NewSystemCode = supervision.NewSystemCode

const OutcomeForceAccept = supervision.OutcomeForceAccept
const OutcomeRefund = supervision.OutcomeRefund
const OutcomeResume = supervision.OutcomeResume
const RoleSystem = supervision.RoleSystem
const StepAcceptance = supervision.StepAcceptance
const StepAccepted = supervision.StepAccepted
const StepClosed = supervision.StepClosed
const StepCode = supervision.StepCode
const StepCompleted = supervision.StepCompleted
const StepConfirm = supervision.StepConfirm
const StepImplementing = supervision.StepImplementing
const StepRequirements = supervision.StepRequirements
const StepShipped = supervision.StepShipped

type Supervision = supervision.Supervision
type SupervisionAction = supervision.SupervisionAction

const SupervisionCompleteDelay = supervision.SupervisionCompleteDelay

type SupervisionDetail = supervision.SupervisionDetail
type SupervisionEvent = supervision.SupervisionEvent
type SupervisionFilter = supervision.SupervisionFilter
type SupervisionInput = supervision.SupervisionInput
type SupervisionStep = supervision.SupervisionStep

var SupervisionSteps = supervision.SupervisionSteps

const SvAccept = supervision.SvAccept
const SvAppealInfo = supervision.SvAppealInfo
const SvAppealInfoReq = supervision.SvAppealInfoReq
const SvAppealOpened = supervision.SvAppealOpened
const SvAppealResumed = supervision.SvAppealResumed
const SvAutoAccept = supervision.SvAutoAccept
const SvComplete = supervision.SvComplete
const SvConfirmRequirements = supervision.SvConfirmRequirements
const SvCreated = supervision.SvCreated
const SvDeliver = supervision.SvDeliver
const SvForceAccept = supervision.SvForceAccept
const SvRefundClose = supervision.SvRefundClose
const SvRejectDelivery = supervision.SvRejectDelivery
const SvRejectRequirements = supervision.SvRejectRequirements
const SvShip = supervision.SvShip
const SvSign = supervision.SvSign
const SvSubmitCode = supervision.SvSubmitCode
const SvSubmitRequirements = supervision.SvSubmitRequirements
