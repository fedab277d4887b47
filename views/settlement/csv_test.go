package settlement

import (
	"bytes"
	"encoding/csv"
	"testing"

	"koogallery/models/catalog"
	"koogallery/models/settlement"
	"koogallery/money"
)

// Names with commas, quotes and line breaks survive the round trip; the file starts with a
// UTF-8 byte-order mark and ends its records with CRLF; amounts are exact yuan.
func TestWriteCSVQuotingAndBOM(t *testing.T) {
	p, _ := settlement.ParsePeriod("2026-03")
	st := &settlement.Statement{SellerID: 7, SellerName: `云启科技, "旗舰店"`, Period: p, Orders: 2, GrossFen: 100000001, FeeFen: 7000000, RefundFen: 5, NetFen: 93000000 - 4,
		Lines: []settlement.StatementLine{{ProductName: "网盘\n企业版, \"Pro\"", ProductType: catalog.TypeSaaS, Orders: 2, GrossFen: 100000001, RateBP: 700, FeeFen: 7000000, RefundFen: 5, NetFen: 92999996}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, "zh", st); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}) || !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("BOM/CRLF: %q", b)
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"账期", "商家", "商品名称", "商品类型", "订单数", "交易额", "费率", "平台服务费", "退款", "应结算净额"},
		{"2026-03", `云启科技, "旗舰店"`, "网盘\n企业版, \"Pro\"", "SaaS", "2", "1000000.01", "7%", "70000.00", "0.05", "929999.96"},
		{"2026-03", `云启科技, "旗舰店"`, "合计", "", "2", "1000000.01", "", "70000.00", "0.05", "929999.96"},
	}
	for i := range want {
		if len(recs) <= i || len(recs[i]) != len(want[i]) {
			t.Fatalf("records %q", recs)
		}
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("record %d field %d = %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
	if got := money.Fen(-1234).Plain(); got != "-12.34" {
		t.Errorf("money.Fen(-1234).Plain() = %q", got)
	}
	if got := CSVFilename(st); got != "statement-7-2026-03.csv" {
		t.Errorf("filename %q", got)
	}
}
