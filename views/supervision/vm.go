// Package supervision holds the service supervision (服务监管) pages of the buyer console and
// the seller center, and operations' appeal queue (申诉处理); one detail page serves all three.
package supervision

import (
	"koogallery/models/account"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
	"koogallery/views"
)

// Areas a supervision page is shown in.
const (
	AreaConsole = "console"
	AreaSeller  = "seller"
	AreaAdmin   = "admin"
)

// ListVM is a list of supervised orders.
type ListVM struct {
	Area   string
	Filter supervision.SupervisionFilter
	Page   sqldb.Page[supervision.Supervision]
}

// FormState is the form being re-shown after refused input: which one, what was typed, and a
// message per field.
type FormState struct {
	Action string // a SupervisionAction, "appeal", "appeal_info", "request_info" or "decide"
	Values map[string]string
	Errors map[string]string
}

// Err is the message for a field of the named form ("" for another form).
func (f FormState) Err(action, field string) string {
	if f.Action != action {
		return ""
	}
	return f.Errors[field]
}

// Val is what was typed in a field of the named form.
func (f FormState) Val(action, field string) string {
	if f.Action != action {
		return ""
	}
	return f.Values[field]
}

// DetailVM is one supervision in an area; Appeal is the appeal an admin works on.
type DetailVM struct {
	Area   string
	D      *supervision.SupervisionDetail
	Form   FormState
	Appeal *supervision.Appeal
}

// AppealsVM is operations' appeal queue.
type AppealsVM struct {
	Filter supervision.AppealFilter
	Page   sqldb.Page[supervision.Appeal]
}

// Base is the area's URL prefix for supervision.
func Base(area string) string { return "/" + area + "/supervision" }

// URL is a supervision's page in a party's area.
func URL(area string, id uint) string { return Base(area) + "/" + views.Itoa(id) }

// AppealURL is an appeal's page in operations.
func AppealURL(id uint) string { return "/admin/appeals/" + views.Itoa(id) }

// AttachmentURL downloads an attachment in an area.
func AttachmentURL(area string, id uint) string { return "/" + area + "/attachments/" + views.Itoa(id) }

// roleOf is the party an area acts as.
func roleOf(area string) account.Role {
	switch area {
	case AreaConsole:
		return account.RoleBuyer
	case AreaSeller:
		return account.RoleSeller
	}
	return account.RoleAdmin
}

// partyActions are the actions a party may take, in the order their forms are shown.
var partyActions = []supervision.SupervisionAction{
	supervision.SvSubmitRequirements, supervision.SvSubmitCode, supervision.SvConfirmRequirements, supervision.SvRejectRequirements,
	supervision.SvDeliver, supervision.SvShip, supervision.SvSign, supervision.SvAccept, supervision.SvRejectDelivery,
}

// Actions lists what the area's party may do now (nothing while an appeal is open).
func Actions(area string, sv *supervision.Supervision) []supervision.SupervisionAction {
	if sv.Frozen {
		return nil
	}
	var out []supervision.SupervisionAction
	for _, a := range partyActions {
		if supervision.CanSupervise(a, sv.Step, roleOf(area), sv.Hardware()) {
			out = append(out, a)
		}
	}
	return out
}

// PartyAction reports whether a is an action a party posts (the handlers' allow-list).
func PartyAction(a string) (supervision.SupervisionAction, bool) {
	for _, k := range partyActions {
		if string(k) == a {
			return k, true
		}
	}
	return "", false
}

// Waiting says whose turn it is, as a message key: your turn, the other party's, the
// platform's, or operations' (an open appeal).
func Waiting(area string, sv *supervision.Supervision) string {
	switch {
	case sv.Frozen:
		return "supervision.turn.appeal"
	case sv.Step.Final():
		return "supervision.turn.none"
	case sv.Step.Turn() == "":
		return "supervision.turn.platform"
	case sv.Step.Turn() == roleOf(area):
		return "supervision.turn.you"
	case sv.Step.Turn() == account.RoleBuyer:
		return "supervision.turn.buyer"
	}
	return "supervision.turn.seller"
}

// StepTone is a step's badge tone.
func StepTone(sv *supervision.Supervision) string {
	switch {
	case sv.Frozen:
		return "danger"
	case sv.Step == supervision.StepCompleted:
		return "ok"
	case sv.Step == supervision.StepClosed:
		return "muted"
	}
	return "info"
}

// ActorName is who made an event, as its timeline shows it.
func ActorName(e *supervision.SupervisionEvent) string {
	if e.Actor != nil {
		return e.Actor.Name
	}
	return ""
}
