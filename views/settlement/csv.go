package settlement

import (
	"encoding/csv"
	"io"
	"strconv"

	"koogallery/i18n"
	"koogallery/models/settlement"
	"koogallery/money"
)

// utf8BOM makes spreadsheet programs (Excel) read the file as UTF-8, so Chinese shows right.
const utf8BOM = "\ufeff"

// CSVColumns are the i18n keys of the export's columns, in order; the statement page's table
// shows the same columns (the period and seller once, above it).
var CSVColumns = []string{"settlement.col.period", "settlement.col.seller", "settlement.col.product", "settlement.col.type",
	"settlement.col.orders", "settlement.col.gross", "settlement.col.rate", "settlement.col.fee", "settlement.col.refunds", "settlement.col.net"}

// CSVFilename is the download's name: ASCII only, so every browser keeps it.
func CSVFilename(st *settlement.Statement) string {
	return "statement-" + strconv.FormatUint(uint64(st.SellerID), 10) + "-" + st.Period.String() + ".csv"
}

// WriteCSV writes a statement as CSV in the locale's language: a UTF-8 byte-order mark, a
// header row, one row per product and a total row; amounts in plain yuan ("1234.50"), quoting
// by encoding/csv, CRLF line ends.
func WriteCSV(w io.Writer, locale string, st *settlement.Statement) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := make([]string, len(CSVColumns))
	for i, k := range CSVColumns {
		head[i] = i18n.T(locale, k)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	period := st.Period.String()
	for _, l := range st.Lines {
		rec := []string{period, st.SellerName, l.ProductName, i18n.T(locale, "product.type."+string(l.ProductType)),
			strconv.FormatInt(l.Orders, 10), money.Fen(l.GrossFen).Plain(), settlement.RatePercent(l.RateBP), money.Fen(l.FeeFen).Plain(),
			money.Fen(l.RefundFen).Plain(), money.Fen(l.NetFen).Plain()}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	total := []string{period, st.SellerName, i18n.T(locale, "settlement.statement.total"), "", strconv.FormatInt(st.Orders, 10),
		money.Fen(st.GrossFen).Plain(), "", money.Fen(st.FeeFen).Plain(), money.Fen(st.RefundFen).Plain(), money.Fen(st.NetFen).Plain()}
	if err := cw.Write(total); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
