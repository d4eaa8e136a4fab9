package activityapi

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode"
)

// FuzzCSVCell feeds the members export's cell neutralisation the text a
// member may submit: the cell is the text or the text behind one ', the
// quote is there exactly when a spreadsheet would otherwise start a formula
// (an =, +, - or @, also full-width or behind blanks, or a leading tab or
// carriage return), and a row of such cells reads back from the CSV with
// its columns and text intact.
func FuzzCSVCell(f *testing.F) {
	for _, v := range []string{
		"xxx", "abc", "xxxx", "Li Lei", "Han Meimei", "=cmd()", "=cmd|'/c calc'!A1", "+1", "-1", "@SUM(A1)",
		"\t=1", "\r=1", " =1+1", "\u3000=1", "＝1+1", "＠SUM(A1)", "'=1", "", "a,b", "a\"b", "line\r\nbreak",
		"张三", "\xff\xfe", "\n=1",
	} {
		f.Add(v, "tao")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, v := range []string{a, b} {
			got := cell(v)
			quoted := got == "'"+v
			if got != v && !quoted {
				t.Fatalf("cell(%q) = %q: neither the text nor the text behind '", v, got)
			}
			if quoted != startsFormula(v) {
				t.Fatalf("cell(%q) = %q: quoted %v, a spreadsheet formula %v", v, got, quoted, startsFormula(v))
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		if err := w.Write([]string{cell(a), cell(b), "7"}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		row, err := csv.NewReader(&buf).Read()
		if err != nil {
			t.Fatalf("the row of %q and %q does not read back: %v\n%s", a, b, err, buf.Bytes())
		}
		want := []string{csvRead(cell(a)), csvRead(cell(b)), "7"}
		if len(row) != 3 || row[0] != want[0] || row[1] != want[1] || row[2] != want[2] {
			t.Fatalf("the row of %q and %q reads back as %q, want %q", a, b, row, want)
		}
	})
}

// startsFormula is the property's own statement of what a spreadsheet
// runs as a formula.
func startsFormula(v string) bool {
	if strings.HasPrefix(v, "\t") || strings.HasPrefix(v, "\r") {
		return true
	}
	rest := strings.TrimLeftFunc(v, unicode.IsSpace)
	for _, p := range []string{"=", "+", "-", "@", "＝", "＋", "－", "＠"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// csvRead is what a CSV reader gives back for a field: a CR before a line
// feed is dropped, inside quotes as well (encoding/csv, RFC 4180 readers).
func csvRead(field string) string { return strings.ReplaceAll(field, "\r\n", "\n") }
