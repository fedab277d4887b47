package cloud

import "strings"

// PasswordSpecials are the special characters ECS passwords may contain.
const PasswordSpecials = "!@$%^-_=+[{}]:,./?~#*"

// CheckPassword applies the Huawei ECS password rules for the login user name: 8–26
// characters from upper case, lower case, digits and PasswordSpecials, at least three of those
// four kinds, not containing the user name or its reverse (case-insensitive). It returns the
// i18n keys of the broken rules (nil when the password is acceptable). The password itself is
// never part of the result.
func CheckPassword(pw, user string) []string {
	var out []string
	n := len([]rune(pw))
	if n < 8 || n > 26 {
		out = append(out, "deploy.err.pw_length")
	}
	var upper, lower, digit, special, bad bool
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(PasswordSpecials, r):
			special = true
		default:
			bad = true
		}
	}
	if bad {
		out = append(out, "deploy.err.pw_chars")
	}
	kinds := 0
	for _, k := range []bool{upper, lower, digit, special} {
		if k {
			kinds++
		}
	}
	if kinds < 3 {
		out = append(out, "deploy.err.pw_kinds")
	}
	if user != "" {
		l := strings.ToLower(pw)
		u := strings.ToLower(user)
		if strings.Contains(l, u) || strings.Contains(l, reverse(u)) {
			out = append(out, "deploy.err.pw_user")
		}
	}
	return out
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
