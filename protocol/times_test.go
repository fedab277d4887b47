package protocol

import (
	"testing"
	"time"
)

func TestParseExpireTime(t *testing.T) {
	ok := map[string]time.Time{
		"20251231235959":    time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC),
		"20251231235959123": time.Date(2025, 12, 31, 23, 59, 59, 123e6, time.UTC),
		"20240229000000":    time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
	}
	for s, want := range ok {
		got, err := ParseExpireTime(s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseExpireTime(%s) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "2025123123595", "202512312359591", "2025-12-31 23:59", "20251331235959", "20230229000000", "+0251231235959", "2025123123595912x", "２０２５１２３１２３５９５９"} {
		if _, err := ParseExpireTime(s); err == nil {
			t.Errorf("ParseExpireTime(%q) succeeded", s)
		}
	}
}

func TestFormatTimes(t *testing.T) {
	tm := time.Date(2025, 1, 2, 3, 4, 5, 678e6, time.FixedZone("CST", 8*3600))
	if got := FormatExpireTime(tm); got != "20250101190405" {
		t.Errorf("FormatExpireTime = %s", got)
	}
	if got := FormatMillisTime(tm); got != "20250101190405678" {
		t.Errorf("FormatMillisTime = %s", got)
	}
	if got := FormatLicenseTime(tm); got != "2025-01-01 19:04:05 z" {
		t.Errorf("FormatLicenseTime = %s", got)
	}
	if back, err := ParseExpireTime(FormatMillisTime(tm)); err != nil || !back.Equal(tm) {
		t.Errorf("millis round trip = %v, %v", back, err)
	}
}

func TestParseLicenseTime(t *testing.T) {
	want := time.Date(2023, 10, 27, 10, 30, 15, 0, time.UTC)
	for _, s := range []string{"2023-10-27 10:30:15 z", "2023-10-27 10:30:15Z", "2023-10-27 10:30:15 UTC", "2023-10-27 10:30:15", "20231027103015"} {
		got, err := ParseLicenseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseLicenseTime(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "z", "2023-10-27", "2023-10-27T10:30:15Z", "2023-10-27 10:30:15 +0800"} {
		if _, err := ParseLicenseTime(s); err == nil {
			t.Errorf("ParseLicenseTime(%q) succeeded", s)
		}
	}
}
