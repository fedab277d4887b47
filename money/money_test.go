package money

import (
	"errors"
	"math"
	"testing"
)

func TestFenFormats(t *testing.T) {
	for _, tc := range []struct {
		fen                   Fen
		display, plain, field string
	}{
		{0, "¥0.00", "0.00", ""},
		{1, "¥0.01", "0.01", "0.01"},
		{5, "¥0.05", "0.05", "0.05"},
		{10, "¥0.10", "0.10", "0.10"},
		{99, "¥0.99", "0.99", "0.99"},
		{100, "¥1.00", "1.00", "1.00"},
		{99999, "¥999.99", "999.99", "999.99"},
		{100000, "¥1,000.00", "1000.00", "1000.00"},
		{123450, "¥1,234.50", "1234.50", "1234.50"},
		{1234567, "¥12,345.67", "12345.67", "12345.67"},
		{12345678, "¥123,456.78", "123456.78", "123456.78"},
		{100000000, "¥1,000,000.00", "1000000.00", "1000000.00"},
		{Max, "¥999,999,999,999.99", "999999999999.99", "999999999999.99"},
		{-1, "-¥0.01", "-0.01", "-0.01"},
		{-100, "-¥1.00", "-1.00", "-1.00"},
		{-123456, "-¥1,234.56", "-1234.56", "-1234.56"},
		{math.MaxInt64, "¥92,233,720,368,547,758.07", "92233720368547758.07", "92233720368547758.07"},
		{math.MinInt64, "-¥92,233,720,368,547,758.08", "-92233720368547758.08", "-92233720368547758.08"},
	} {
		if got := tc.fen.String(); got != tc.display {
			t.Errorf("Fen(%d).String() = %q, want %q", int64(tc.fen), got, tc.display)
		}
		if got := tc.fen.Plain(); got != tc.plain {
			t.Errorf("Fen(%d).Plain() = %q, want %q", int64(tc.fen), got, tc.plain)
		}
		if got := tc.fen.FormValue(); got != tc.field {
			t.Errorf("Fen(%d).FormValue() = %q, want %q", int64(tc.fen), got, tc.field)
		}
		// The append forms give exactly the string forms, after what dst held.
		if got := string(tc.fen.Append([]byte("x"))); got != "x"+tc.display {
			t.Errorf("Fen(%d).Append = %q", int64(tc.fen), got)
		}
		if got := string(tc.fen.AppendPlain([]byte("x"))); got != "x"+tc.plain {
			t.Errorf("Fen(%d).AppendPlain = %q", int64(tc.fen), got)
		}
		if got := string(tc.fen.AppendFormValue([]byte("x"))); got != "x"+tc.field {
			t.Errorf("Fen(%d).AppendFormValue = %q", int64(tc.fen), got)
		}
		// What a form shows, Parse reads back.
		if tc.fen > 0 && tc.fen <= Max {
			for _, s := range []string{tc.display, tc.plain, tc.field} {
				if got, err := Parse(s); got != tc.fen || err != nil {
					t.Errorf("Parse(%q) = %d, %v; want %d", s, got, err, tc.fen)
				}
			}
		}
		if tc.fen >= -Max && tc.fen <= Max {
			for _, s := range []string{tc.display, tc.plain} {
				if got, err := ParseIn(s, -Max, Max); got != tc.fen || err != nil {
					t.Errorf("ParseIn(%q, ±Max) = %d, %v; want %d", s, got, err, tc.fen)
				}
			}
		}
	}
}

// Append gives exactly String, whatever the digit count (the values views' old formatter test
// checked).
func TestAppendMatchesString(t *testing.T) {
	for _, fen := range []Fen{0, 1, 9, 10, 99, 100, 101, 999, 1000, 99999, 100000, 123456, 1234567, 99999999, 100000000, 123456789012,
		-1, -99, -100, -123456, -100000000, 1<<62 + 12345} {
		if got, want := string(fen.Append([]byte("x"))), "x"+fen.String(); got != want {
			t.Errorf("Fen(%d).Append = %q, want %q", int64(fen), got, want)
		}
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		buf = Fen(123456789).Append(buf[:0])
		buf = Fen(-123456789).AppendPlain(buf)
		buf = Fen(5).AppendFormValue(buf)
	}); n != 0 {
		t.Errorf("append forms allocate %v times", n)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in  string
		fen Fen
		err error
	}{
		{"120", 12000, nil},
		{"120.5", 12050, nil},
		{"120.50", 12050, nil},
		{"1,000.5", 100050, nil},
		{"1,000", 100000, nil},
		{"1,234,567.89", 123456789, nil},
		{"1234567.89", 123456789, nil},
		{"¥12", 1200, nil},
		{"￥12", 1200, nil},
		{"¥ 12", 1200, nil},
		{" ¥1,200.05 ", 120005, nil},
		{"  3.10 ", 310, nil},
		{"\t3.1\n", 310, nil},
		{"0.01", 1, nil},
		{".5", 50, nil},
		{"007", 700, nil},
		{"000,001", 100, nil},
		{"999999999999.99", Max, nil},
		{"999,999,999,999.99", Max, nil},
		{"0000000000000000000001", 100, nil},

		{"", 0, ErrEmpty},
		{"   ", 0, ErrEmpty},
		{"¥", 0, ErrEmpty},
		{" ￥ ", 0, ErrEmpty},

		{"abc", 0, ErrFormat},
		{"-", 0, ErrFormat},
		{"¥-", 0, ErrFormat},
		{"1e3", 0, ErrFormat},
		{"1E3", 0, ErrFormat},
		{"0x10", 0, ErrFormat},
		{"+5", 0, ErrFormat},
		{"--5", 0, ErrFormat},
		{"5-", 0, ErrFormat},
		{"12,34", 0, ErrFormat},
		{"1,2345", 0, ErrFormat},
		{",123", 0, ErrFormat},
		{"1,,234", 0, ErrFormat},
		{"1234,567", 0, ErrFormat},
		{"1,234.5,6", 0, ErrFormat},
		{"1.", 0, ErrFormat},
		{".", 0, ErrFormat},
		{"1.2.3", 0, ErrFormat},
		{"1 000", 0, ErrFormat},
		{"NaN", 0, ErrFormat},
		{"Inf", 0, ErrFormat},
		{"١٢٣", 0, ErrFormat},
		{"１２", 0, ErrFormat},
		{"12元", 0, ErrFormat},
		{"¥¥12", 0, ErrFormat},
		{"12¥", 0, ErrFormat},
		{"1_000", 0, ErrFormat},

		{"1.234", 0, ErrDecimals},
		{"1.000", 0, ErrDecimals},
		{"0.001", 0, ErrDecimals},
		{"1.005", 0, ErrDecimals}, // never rounded
		{"-1.234", 0, ErrDecimals},

		{"0", 0, ErrTooSmall},
		{"0.00", 0, ErrTooSmall},
		{"-0", 0, ErrTooSmall},
		{"-1", 0, ErrTooSmall},
		{"-5", 0, ErrTooSmall},
		{"-0.01", 0, ErrTooSmall},
		{"-¥1.00", 0, ErrTooSmall},
		{"¥-1.00", 0, ErrTooSmall},
		{"-99999999999999999999999", 0, ErrTooSmall},

		{"1000000000000", 0, ErrTooLarge},
		{"1,000,000,000,000.00", 0, ErrTooLarge},
		{"9223372036854775807", 0, ErrTooLarge},
		{"92233720368547758.08", 0, ErrTooLarge},
		{"99999999999999999999999", 0, ErrTooLarge},
	} {
		fen, err := Parse(tc.in)
		if fen != tc.fen || err != tc.err {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, fen, err, tc.fen, tc.err)
		}
	}
}

func TestParseIn(t *testing.T) {
	for _, tc := range []struct {
		in       string
		min, max Fen
		fen      Fen
		err      error
	}{
		{"-1", -Max, Max, -100, nil},
		{"-¥1,234.56", -Max, Max, -123456, nil},
		{"¥-1,234.56", -Max, Max, -123456, nil},
		{"0", 0, Max, 0, nil},
		{"-0.00", 0, Max, 0, nil},
		{"-0.01", 0, Max, 0, ErrTooSmall},
		{"-999999999999.99", -Max, Max, -Max, nil},
		{"-1000000000000", -Max, Max, 0, ErrTooSmall},
		{"-99999999999999999999999", math.MinInt64, Max, 0, ErrTooSmall}, // bounds beyond ±Max are ±Max
		{"99999999999999999999999", 0, math.MaxInt64, 0, ErrTooLarge},
		{"1000000", 1, 100_000_000, 100_000_000, nil},
		{"1000000.01", 1, 100_000_000, 0, ErrTooLarge},
		{"4.99", 500, 1000, 0, ErrTooSmall},
		{"5", 500, 1000, 500, nil},
		{"1.234", 500, 1000, 0, ErrDecimals},
		{"x", -Max, Max, 0, ErrFormat},
		{"", -Max, Max, 0, ErrEmpty},
	} {
		fen, err := ParseIn(tc.in, tc.min, tc.max)
		if fen != tc.fen || err != tc.err {
			t.Errorf("ParseIn(%q, %d, %d) = %d, %v; want %d, %v", tc.in, tc.min, tc.max, fen, err, tc.fen, tc.err)
		}
	}
}

// The refusals are distinct values, so callers can tell them apart.
func TestParseErrorsDistinct(t *testing.T) {
	all := []error{ErrEmpty, ErrFormat, ErrDecimals, ErrTooSmall, ErrTooLarge}
	for i, a := range all {
		for j, b := range all {
			if (i == j) != errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, errors.Is(a, b))
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "1,234.56", "¥0.01", "-1", "1e3", ".5", "999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseIn(s, -Max, Max)
		if err != nil {
			if fen != 0 {
				t.Fatalf("ParseIn(%q) = %d with %v", s, fen, err)
			}
			return
		}
		if fen < -Max || fen > Max {
			t.Fatalf("ParseIn(%q) = %d, out of bounds", s, fen)
		}
		for _, back := range []string{fen.String(), fen.Plain()} {
			if again, err := ParseIn(back, -Max, Max); again != fen || err != nil {
				t.Fatalf("ParseIn(%q) = %d, but its form %q reads %d, %v", s, fen, back, again, err)
			}
		}
	})
}
