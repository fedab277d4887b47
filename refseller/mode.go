package refseller

import (
	"fmt"
	"strings"
)

// Mode selects how the seller behaves. Every mode but ModeOK breaks the protocol on
// purpose; each is documented with what it does.
type Mode string

// The modes.
const (
	// ModeOK behaves correctly (the default).
	ModeOK Mode = "ok"
	// ModeIgnoreSignature accepts every call whatever its signature, timestamp or nonce
	// (a seller that never checks; certification should refuse it).
	ModeIgnoreSignature Mode = "ignore-signature"
	// ModeBadSignatureCheck refuses every call with 000001, even correctly signed ones.
	ModeBadSignatureCheck Mode = "bad-signature-check"
	// ModeMissingFields answers newInstance (and queryInstance) without instanceId and
	// without appInfo.frontEndUrl.
	ModeMissingFields Mode = "missing-fields"
	// ModeLongField answers with an appInfo.frontEndUrl longer than 512 characters.
	ModeLongField Mode = "long-field"
	// ModeBadEncryption answers with an appInfo.password that cannot be decrypted.
	ModeBadEncryption Mode = "bad-encryption"
	// ModeErrorCode answers every correctly signed, valid call with 000005.
	ModeErrorCode Mode = "error-code"
	// ModeSlow waits Options.SlowDelay (default 6 s, past the platform's 5 s) before
	// answering normally.
	ModeSlow Mode = "slow"
	// ModeHTTP500 answers every call with HTTP 500 and a plain-text body.
	ModeHTTP500 Mode = "http500"
	// ModeNotJSON answers every call with HTTP 200 and an HTML body.
	ModeNotJSON Mode = "not-json"
	// ModeDifferentInstance breaks idempotency: a repeated newInstance for the same order
	// creates and returns a new instance each time.
	ModeDifferentInstance Mode = "different-instance"
)

var modeDescriptions = []struct {
	mode Mode
	text string
}{
	{ModeOK, "behave correctly"},
	{ModeIgnoreSignature, "accept any signature, timestamp and nonce"},
	{ModeBadSignatureCheck, "refuse every call with 000001"},
	{ModeMissingFields, "newInstance without instanceId and appInfo.frontEndUrl"},
	{ModeLongField, "appInfo.frontEndUrl longer than 512 characters"},
	{ModeBadEncryption, "appInfo.password not decryptable"},
	{ModeErrorCode, "answer every call with 000005"},
	{ModeSlow, "answer after the slow delay (past the 5 s timeout)"},
	{ModeHTTP500, "answer HTTP 500"},
	{ModeNotJSON, "answer HTTP 200 with an HTML body"},
	{ModeDifferentInstance, "a new instanceId for every repeated newInstance"},
}

// Modes returns every mode, ModeOK first.
func Modes() []Mode {
	out := make([]Mode, len(modeDescriptions))
	for i, d := range modeDescriptions {
		out[i] = d.mode
	}
	return out
}

// Description says in a few English words what the mode does.
func (m Mode) Description() string {
	for _, d := range modeDescriptions {
		if d.mode == m {
			return d.text
		}
	}
	return ""
}

// ParseMode returns the mode named s; the empty string means ModeOK.
func ParseMode(s string) (Mode, error) {
	if s == "" {
		return ModeOK, nil
	}
	m := Mode(s)
	if m.Description() == "" {
		names := make([]string, 0, len(modeDescriptions))
		for _, d := range modeDescriptions {
			names = append(names, string(d.mode))
		}
		return "", fmt.Errorf("refseller: unknown mode %q (want one of %s)", s, strings.Join(names, ", "))
	}
	return m, nil
}
