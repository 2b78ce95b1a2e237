package bleve

import (
	"slices"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/internal/terms"
)

func analyze(t *testing.T, analyzer, text string) []string {
	t.Helper()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(analyzer)
	if a == nil {
		t.Fatalf("analyzer %s not defined", analyzer)
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func TestAnalyzers(t *testing.T) {
	for _, tc := range []struct {
		text                 string
		exact, folded, pairs string // tokens joined by "|"; pairs are folded pairs
	}{
		{"Covid-19", "covid|19", "covid|19", "covid 19"},
		{"04/2015/NĐ-CP", "04|2015|nđ|cp", "04|2015|nd|cp", "04 2015|2015 nd|nd cp"},
		{"25/09/2020", "25|09|2020", "25|09|2020", "25 09|09 2020"},
		{"10.000 người", "10.000|người", "10.000|nguoi", "10.000 nguoi"},
		{"phong.vien@tuoitre.com.vn", "phong.vien|tuoitre.com.vn", "phong.vien|tuoitre.com.vn", "phong.vien tuoitre.com.vn"},
		{"https://vnexpress.net/thoi-su", "https|vnexpress.net|thoi|su", "https|vnexpress.net|thoi|su", "https vnexpress.net|vnexpress.net thoi|thoi su"},
		// English stop words that are Vietnamese syllables stay.
		{"an ninh, do đó máy in", "an|ninh|do|đó|máy|in", "an|ninh|do|do|may|in", "an ninh|do do|do may|may in"},
		// One tone placement, one case, NFC, whatever was typed.
		{"HOÀ BÌNH", "hòa|bình", "hoa|binh", "hoa binh"},
		{"Ho\u0300a Bi\u0300nh thuỷ", "hòa|bình|thủy", "hoa|binh|thuy", "hoa binh|binh thuy"},
		// Sentence punctuation stops pairs; a lone word makes none.
		{"Hà Nội. Sau đó (ảnh) nói: \"dân chủ\" - tốt", "hà|nội|sau|đó|ảnh|nói|dân|chủ|tốt",
			"ha|noi|sau|do|anh|noi|dan|chu|tot", "ha noi|sau do|dan chu"},
		{"một\nhai", "một|hai", "mot|hai", ""},
		{"", "", "", ""},
	} {
		for _, c := range []struct{ analyzer, want string }{
			{AnalyzerExact, tc.exact}, {AnalyzerFolded, tc.folded}, {AnalyzerFoldedPairs, tc.pairs},
		} {
			if got := strings.Join(analyze(t, c.analyzer, tc.text), "|"); got != c.want {
				t.Errorf("%s(%q) = %q, want %q", c.analyzer, tc.text, got, c.want)
			}
		}
		// Canonical pairs are the exact tokens paired the same way.
		if got, want := len(analyze(t, AnalyzerExactPairs, tc.text)), len(analyze(t, AnalyzerFoldedPairs, tc.text)); got != want {
			t.Errorf("%q: %d canonical pairs, %d folded", tc.text, got, want)
		}
	}
}

func TestPairOffsets(t *testing.T) {
	m, _ := newMapping()
	text := "Thủ tướng. Dân chủ"
	toks := m.AnalyzerNamed(AnalyzerExactPairs).Analyze([]byte(text))
	var got []string
	for _, tok := range toks {
		got = append(got, text[tok.Start:tok.End])
	}
	if want := []string{"Thủ tướng", "Dân chủ"}; !slices.Equal(got, want) {
		t.Errorf("pair offsets cover %q, want %q", got, want)
	}
}

func TestIsBreak(t *testing.T) {
	for gap, want := range map[string]bool{
		" ": false, "-": false, "/": false, "://": false, "@": false, ".": false,
		". ": true, ", ": true, " - ": true, ": ": true, "\n": true, " (": true, "\" ": true, " – ": true, "…": true,
	} {
		if got := terms.IsBreak(gap); got != want {
			t.Errorf("terms.IsBreak(%q) = %v, want %v", gap, got, want)
		}
	}
}

func TestPairTerms(t *testing.T) {
	for _, tc := range []struct {
		text   string
		runs   string // runs joined by "|", pairs within a run by "+"
		single string
	}{
		{"là người có", "là người+người có", ""},
		{"dân chủ", "dân chủ", ""},
		{"Hà Nội, Việt Nam", "hà nội|việt nam", ""},
		{"Hà Nội, Việt", "hà nội", "việt"},
		{"một", "", "một"},
	} {
		runs, single := pairTerms(queryWords.Analyze([]byte(tc.text)))
		var rs []string
		for _, r := range runs {
			rs = append(rs, strings.Join(r, "+"))
		}
		if got := strings.Join(rs, "|"); got != tc.runs {
			t.Errorf("pairTerms(%q) runs = %q, want %q", tc.text, got, tc.runs)
		}
		if got := strings.Join(single, "|"); got != tc.single {
			t.Errorf("pairTerms(%q) single = %q, want %q", tc.text, got, tc.single)
		}
	}
}
