// Package money is the one kernel for amounts: integer fen (分), typed and shown as yuan. It
// parses what a form field holds and gives every written form of an amount: the display
// (¥1,234.50), the plain figure for spreadsheets and the open API (1234.50), the value a form
// field shows to edit again, and append forms of each for rows written by hand. It imports
// nothing of ours.
package money

import "strconv"

// Fen is an amount in fen (1/100 yuan).
type Fen int64

// Max is the largest amount Parse accepts: ¥999,999,999,999.99 (twelve digits of yuan, far
// above any price and far below int64 overflow).
const Max Fen = 99_999_999_999_999

// String shows the amount as yuan with thousands separators: ¥1,234.50 (negative: -¥1.00).
// Every page shows amounts this way.
func (f Fen) String() string {
	var b [32]byte
	return string(f.Append(b[:0]))
}

// Append appends String's form to dst without allocating (for rows written by hand).
func (f Fen) Append(dst []byte) []byte {
	neg, fen := f.abs()
	if neg {
		dst = append(dst, '-')
	}
	dst = append(dst, "¥"...)
	var digits [20]byte
	yuan := strconv.AppendUint(digits[:0], fen/100, 10)
	for i, d := range yuan {
		if i > 0 && (len(yuan)-i)%3 == 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, d)
	}
	return appendCents(dst, fen)
}

// Plain shows the amount as a bare yuan figure with two decimals and no separators or symbol,
// for CSV exports and the open API: 1234.50 (negative: -1234.50). Parse reads it back.
func (f Fen) Plain() string {
	var b [24]byte
	return string(f.AppendPlain(b[:0]))
}

// AppendPlain appends Plain's form to dst.
func (f Fen) AppendPlain(dst []byte) []byte {
	neg, fen := f.abs()
	if neg {
		dst = append(dst, '-')
	}
	return appendCents(strconv.AppendUint(dst, fen/100, 10), fen)
}

// FormValue is what a form field shows to edit the amount again: Plain's form, or empty for
// zero (a price field left empty means the plan is not offered).
func (f Fen) FormValue() string {
	if f == 0 {
		return ""
	}
	return f.Plain()
}

// AppendFormValue appends FormValue's form to dst.
func (f Fen) AppendFormValue(dst []byte) []byte {
	if f == 0 {
		return dst
	}
	return f.AppendPlain(dst)
}

// abs is the amount's sign and magnitude (exact for the most negative int64 too).
func (f Fen) abs() (neg bool, fen uint64) {
	if f < 0 {
		return true, uint64(-(f + 1)) + 1
	}
	return false, uint64(f)
}

func appendCents(dst []byte, fen uint64) []byte {
	cents := fen % 100
	return append(dst, '.', byte('0'+cents/10), byte('0'+cents%10))
}
