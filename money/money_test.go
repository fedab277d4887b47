package money

import "testing"

func TestFenString(t *testing.T) {
	for fen, want := range map[Fen]string{0: "¥0.00", 5: "¥0.05", 123450: "¥1,234.50", 100000000: "¥1,000,000.00", -100: "-¥1.00", 99999: "¥999.99"} {
		if got := fen.String(); got != want {
			t.Errorf("Fen(%d) = %q, want %q", int64(fen), got, want)
		}
	}
}
