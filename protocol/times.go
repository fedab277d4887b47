package protocol

import (
	"fmt"
	"strings"
	"time"
)

// Layouts of the protocol's time fields, all in UTC.
const (
	// ExpireTimeLayout is yyyyMMddHHmmss (expireTime).
	ExpireTimeLayout = "20060102150405"
	// MillisTimeLayout is yyyyMMddHHmmssSSS (statisticalTime, the v1 timeStamp).
	MillisTimeLayout = "20060102150405.000"
	// LicenseTimeLayout is the getLicenseAsync effectiveTime form, e.g. "2023-10-27 10:30:15 z".
	LicenseTimeLayout = "2006-01-02 15:04:05"
)

// ParseExpireTime parses a UTC time in the 14-digit form yyyyMMddHHmmss or the 17-digit
// form yyyyMMddHHmmssSSS.
func ParseExpireTime(s string) (time.Time, error) {
	if (len(s) != 14 && len(s) != 17) || !isDigits(s) {
		return time.Time{}, fmt.Errorf("protocol: time %q is not yyyyMMddHHmmss or yyyyMMddHHmmssSSS", s)
	}
	if len(s) == 17 {
		s = s[:14] + "." + s[14:]
		return parseUTC(MillisTimeLayout, s)
	}
	return parseUTC(ExpireTimeLayout, s)
}

// FormatExpireTime formats t as yyyyMMddHHmmss in UTC.
func FormatExpireTime(t time.Time) string {
	return t.UTC().Format(ExpireTimeLayout)
}

// FormatMillisTime formats t as yyyyMMddHHmmssSSS in UTC.
func FormatMillisTime(t time.Time) string {
	return strings.Replace(t.UTC().Format(MillisTimeLayout), ".", "", 1)
}

// ParseLicenseTime parses a getLicenseAsync effectiveTime or expireTime: "yyyy-MM-dd HH:mm:ss"
// in UTC, optionally followed by a zone marker "z", "Z" or "UTC" (with or without a space),
// or one of the forms ParseExpireTime accepts.
func ParseLicenseTime(s string) (time.Time, error) {
	if t, err := ParseExpireTime(s); err == nil {
		return t, nil
	}
	v := strings.TrimSpace(s)
	for _, z := range []string{"UTC", "z", "Z"} {
		if strings.HasSuffix(v, z) {
			v = strings.TrimSpace(strings.TrimSuffix(v, z))
			break
		}
	}
	t, err := parseUTC(LicenseTimeLayout, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("protocol: time %q is not yyyy-MM-dd HH:mm:ss [z]", s)
	}
	return t, nil
}

// FormatLicenseTime formats t the way the specification's example shows effectiveTime:
// "2023-10-27 10:30:15 z".
func FormatLicenseTime(t time.Time) string {
	return t.UTC().Format(LicenseTimeLayout) + " z"
}

func parseUTC(layout, s string) (time.Time, error) {
	t, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("protocol: %w", err)
	}
	return t, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
