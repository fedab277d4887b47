// Package money is the one kernel for amounts: integer fen (分), shown as yuan. It imports
// nothing of ours.
package money

import "strconv"

// Fen is an amount in fen (1/100 yuan).
type Fen int64

// String shows the amount as yuan with thousands separators: ¥1,234.50 (negative: -¥1.00).
func (f Fen) String() string {
	var b [32]byte
	return string(f.Append(b[:0]))
}

// Append appends String's form to dst without allocating (for rows written by hand).
func (f Fen) Append(dst []byte) []byte {
	fen := int64(f)
	if fen < 0 {
		dst = append(dst, '-')
		fen = -fen
	}
	dst = append(dst, "¥"...)
	var digits [20]byte
	yuan := strconv.AppendInt(digits[:0], fen/100, 10)
	for i, d := range yuan {
		if i > 0 && (len(yuan)-i)%3 == 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, d)
	}
	cents := fen % 100
	return append(dst, '.', byte('0'+cents/10), byte('0'+cents%10))
}
