package onboarding

import "strings"

// usccChars are the characters of a 统一社会信用代码 (GB 32100-2015): digits and capital
// letters without I, O, S, V and Z; a character's value is its index.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights weigh the first 17 characters for the check character.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeUSCC trims a code and upper-cases it (codes are often typed in lower case).
func NormalizeUSCC(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// USCCShape reports whether a normalised code has the form of a 统一社会信用代码: 18
// characters of the code's alphabet.
func USCCShape(code string) bool {
	if len(code) != 18 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if strings.IndexByte(usccChars, code[i]) < 0 {
			return false
		}
	}
	return true
}

// USCCValid reports whether a normalised code has the right form and check character: 31
// minus the weighted sum of the first 17 values modulo 31 (31 counting as 0).
func USCCValid(code string) bool {
	if !USCCShape(code) {
		return false
	}
	sum := 0
	for i, w := range usccWeights {
		sum += strings.IndexByte(usccChars, code[i]) * w
	}
	check := (31 - sum%31) % 31
	return code[17] == usccChars[check]
}
