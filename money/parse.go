package money

import (
	"errors"
	"strings"
)

// Why Parse refuses what was typed. Each is a distinct value, so a caller maps it to its own
// translated message (errors.Is, or a map keyed by these).
var (
	// ErrEmpty: nothing was typed.
	ErrEmpty = errors.New("money: no amount")
	// ErrFormat: not an amount in yuan (letters, exponents, hex, a plus sign, commas out of
	// their thousands places, a trailing point, non-ASCII digits, …).
	ErrFormat = errors.New("money: not an amount in yuan")
	// ErrDecimals: more than two decimals (Parse never rounds).
	ErrDecimals = errors.New("money: more than two decimals")
	// ErrTooSmall: below the lowest amount allowed (Parse: zero or negative).
	ErrTooSmall = errors.New("money: below the lowest amount allowed")
	// ErrTooLarge: above the highest amount allowed (Parse: Max).
	ErrTooLarge = errors.New("money: above the highest amount allowed")
)

// Parse reads a positive amount typed in yuan, from 0.01 up to Max. See ParseIn for what it
// accepts.
func Parse(s string) (Fen, error) { return ParseIn(s, 1, Max) }

// ParseIn reads an amount typed in yuan into fen, accepting min..max (pass a negative min to
// accept negative amounts; a bound beyond ±Max is taken as ±Max).
//
// Accepted, as people type into a form: surrounding spaces; an optional ¥ or ￥ (before or after
// a minus sign, as String writes -¥1.00); an optional minus; ASCII digits with thousands
// separators or without ("1,234.5" and "1234.5", but never "12,34"); at most two decimals after
// a point (".5" is 0.50; "1." is refused). Nothing is rounded. Refusals, checked in this order:
// ErrEmpty, ErrFormat, ErrDecimals, then ErrTooSmall / ErrTooLarge (amounts too long to hold
// are out of range by their sign).
func ParseIn(s string, min, max Fen) (Fen, error) {
	min, max = clamp(min), clamp(max)
	s = strings.TrimSpace(s)
	s, yen := trimYen(s)
	if s == "" {
		return 0, ErrEmpty
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
		if !yen {
			s, _ = trimYen(s)
		}
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return 0, ErrFormat
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" && hasDot {
		whole = "0"
	}
	if !digitsOnly(whole) || (hasDot && !digitsOnly(frac)) {
		return 0, ErrFormat
	}
	if len(frac) > 2 {
		return 0, ErrDecimals
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 13 { // beyond any bound (Max has twelve digits of yuan); int64 holds it below
		if neg {
			return 0, ErrTooSmall
		}
		return 0, ErrTooLarge
	}
	var fen int64
	for i := 0; i < len(whole); i++ {
		fen = fen*10 + int64(whole[i]-'0')
	}
	frac = (frac + "00")[:2]
	fen = fen*100 + int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	if neg {
		fen = -fen
	}
	switch {
	case Fen(fen) < min:
		return 0, ErrTooSmall
	case Fen(fen) > max:
		return 0, ErrTooLarge
	}
	return Fen(fen), nil
}

// trimYen drops one leading ¥ (or the full-width ￥) and the spaces after it.
func trimYen(s string) (string, bool) {
	for _, sym := range []string{"¥", "￥"} {
		if rest, ok := strings.CutPrefix(s, sym); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}

func clamp(f Fen) Fen {
	return max(-Max, min(f, Max))
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
