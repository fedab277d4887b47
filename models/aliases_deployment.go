package models

import "koogallery/models/deployment"

// Names moved to koogallery/models/deployment, kept reachable as models.X until callers name the package.
const ActCreateSecGrp = deployment.ActCreateSecGrp
const ActCreateStack = deployment.ActCreateStack
const ActGrantAgency = deployment.ActGrantAgency
const ActRetryStack = deployment.ActRetryStack
const ActRevokeAgency = deployment.ActRevokeAgency
const AuditDelegation = deployment.AuditDelegation
const AuditDeployment = deployment.AuditDeployment
const DelegationPolicyVersion = deployment.DelegationPolicyVersion

type DeployDelegation = deployment.DeployDelegation

const DeployFailed = deployment.DeployFailed
const DeployRunning = deployment.DeployRunning
const DeployStarting = deployment.DeployStarting

type DeployStatus = deployment.DeployStatus

var DeploySteps = deployment.DeploySteps

const DeploySucceeded = deployment.DeploySucceeded

type Deployment = deployment.Deployment
type DeploymentEvent = deployment.DeploymentEvent

var ErrDeployBusy = deployment.ErrDeployBusy

const SGExisting = deployment.SGExisting
const SGNew = deployment.SGNew
const SGRecommended = deployment.SGRecommended
