package terms_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	tbleve "github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/terms"
)

// bleveAnalyzers returns the four analyzers of the embedded engine as its
// index mapping defines them: a real index is created, closed and opened
// again with Bleve, so the test reads what the index package wrote.
func bleveAnalyzers(t *testing.T) map[string]analysis.Analyzer {
	t.Helper()
	dir := t.TempDir()
	b, err := tbleve.Open(dir, tbleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := b.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.OpenUsing(st.Path, map[string]interface{}{"read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	m, ok := idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		t.Fatalf("mapping of type %T", idx.Mapping())
	}
	out := map[string]analysis.Analyzer{}
	for _, name := range []string{tbleve.AnalyzerExact, tbleve.AnalyzerFolded, tbleve.AnalyzerExactPairs, tbleve.AnalyzerFoldedPairs} {
		a := m.AnalyzerNamed(name)
		if a == nil {
			t.Fatalf("analyzer %s missing from the index mapping", name)
		}
		out[name] = a
	}
	return out
}

// edgeTexts are the cases the index package's analysis tests name, and more
// of what real pages hold: invisible characters, other scripts, glued
// punctuation, over-long words.
var edgeTexts = []string{
	"Covid-19", "04/2015/NĐ-CP", "25/09/2020", "10.000 người", "3,5 tỷ đồng",
	"phong.vien@tuoitre.com.vn", "https://vnexpress.net/thoi-su",
	"an ninh, do đó máy in", "HOÀ BÌNH", "Ho\u0300a Bi\u0300nh thuỷ",
	"Hà Nội. Sau đó (ảnh) nói: \"dân chủ\" - tốt", "một\nhai", "", " ", "...",
	"can't won’t l'école", "a_b c__d _e", "x:y 12:30", "Ðà Nẵng ðồng",
	"soft\u00adhyphen zero\u200bwidth join\u200cer nbsp\u00a0space", "\ufeffBOM đầu",
	"emoji 😀 giữa 🇻🇳 cờ", "中文 日本語 カタカナ 한국어", "Ελληνικά русский",
	"a " + strings.Repeat("y", 100) + " b " + strings.Repeat("z", 101) + " c",
	strings.Repeat("ệ", 33) + " " + strings.Repeat("ệ", 34) + " d",
	"Kết thúc… rồi — tiếp – nữa « trích » „x“ [1] {2}", "A.B. C", "TP.HCM, TP. HCM",
	"tab\tbetween\r\nlines\u2028sep\u2029para", "số\u00a0liệu 1.000.000,5",
	"x\u180ey \u1680 ogham\u2007figure\u202fnarrow\u001funit\u000bvt a|b c||d",
}

func realTexts(t *testing.T) []string {
	var texts []string
	texts = append(texts, edgeTexts...)
	for _, a := range backendtest.Articles(t) {
		texts = append(texts, a.Title, a.Lead, a.Body, a.Author, a.Section)
	}
	if p, err := os.ReadFile("../vi/testdata/paragraph.txt"); err == nil {
		texts = append(texts, string(p))
	}
	// The shared corpus of real news, when present beside the repository.
	n := 300
	if testing.Short() {
		n = 20
	}
	root, err := corpustest.Root()
	if err != nil {
		t.Fatal(err)
	}
	err = corpus.Lines(context.Background(), filepath.Join(root, "vi-news"), func(file string, line int, text []byte) (bool, error) {
		var a struct{ Title, Lead, Body string }
		if err := json.Unmarshal(text, &a); err != nil {
			return false, fmt.Errorf("%s line %d: %w", file, line, err)
		}
		texts = append(texts, a.Title, a.Lead, a.Body)
		n--
		return n > 0, nil
	})
	if errors.Is(err, fs.ErrNotExist) && os.Getenv(corpustest.RequiredEnv) == "" {
		t.Log("shared corpus absent: comparing on the fixtures only")
	} else if err != nil {
		t.Fatal(err)
	}
	return texts
}

type posTerm struct {
	term string
	pos  int
}

func bleveTerms(a analysis.Analyzer, text string) []posTerm {
	var out []posTerm
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, posTerm{string(tok.Term), tok.Position})
	}
	return out
}

func ours(ws []terms.Word) []posTerm {
	var out []posTerm
	for _, w := range ws {
		out = append(out, posTerm{w.Text, w.Pos})
	}
	return out
}

func termsOnly(ps []posTerm) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.term)
	}
	return out
}

// TestSameTermsAsBleve checks, on the fixtures, edge cases and real news,
// that every field kind gets the terms the embedded engine indexes: the
// same words in the same order for the word fields (which keep no
// positions), the same pairs at the same positions for the pair fields.
func TestSameTermsAsBleve(t *testing.T) {
	an := bleveAnalyzers(t)
	texts := realTexts(t)
	fails := 0
	check := func(kind, text string, got, want []string) {
		if !slices.Equal(got, want) && fails < 10 {
			fails++
			t.Errorf("%s of %.60q:\n got %q\nwant %q", kind, text, got, want)
		}
	}
	checkPos := func(kind, text string, got, want []posTerm) {
		if !slices.Equal(got, want) && fails < 10 {
			fails++
			t.Errorf("%s of %.60q:\n got %v\nwant %v", kind, text, got, want)
		}
	}
	tokens := 0
	for _, text := range texts {
		words, folded := terms.Words(text), terms.FoldedWords(text)
		tokens += len(words)
		check("exact words", text, terms.Texts(words), termsOnly(bleveTerms(an[tbleve.AnalyzerExact], text)))
		check("folded words", text, terms.Texts(folded), termsOnly(bleveTerms(an[tbleve.AnalyzerFolded], text)))
		check("folded canonical words", text, terms.Texts(terms.Fold(words)), terms.Texts(folded))
		checkPos("exact pairs", text, ours(terms.Pairs(words, " ")), bleveTerms(an[tbleve.AnalyzerExactPairs], text))
		checkPos("folded pairs", text, ours(terms.Pairs(folded, " ")), bleveTerms(an[tbleve.AnalyzerFoldedPairs], text))
		// The cluster backend joins words with spaces and pairs with '|',
		// and the engine splits at Java's white space (which also takes
		// U+001C to U+001F): no word may be empty or hold any of them.
		for _, w := range append(words, folded...) {
			if w.Text == "" || strings.ContainsFunc(w.Text, func(r rune) bool { return r == '|' || unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }) {
				t.Errorf("word %q of %.60q is empty or holds white space or '|'", w.Text, text)
			}
		}
	}
	if terms.MaxTokenBytes != index.MaxTokenBytes {
		t.Errorf("MaxTokenBytes %d, index.MaxTokenBytes %d", terms.MaxTokenBytes, index.MaxTokenBytes)
	}
	t.Logf("%d texts, %d words compared", len(texts), tokens)
}

func TestRuns(t *testing.T) {
	for _, tc := range []struct {
		text   string
		runs   string
		single string
	}{
		{"quy chế dân chủ", "quy chế|chế dân|dân chủ", ""},
		{"dân chủ", "dân chủ", ""},
		{"Hà Nội. Sau đó nói", "hà nội / sau đó|đó nói", ""},
		{"một. hai ba. bốn", "hai ba", "một,bốn"},
		{"đơn", "", "đơn"},
	} {
		runs, single := terms.Runs(terms.Words(tc.text), " ")
		var rs []string
		for _, r := range runs {
			rs = append(rs, strings.Join(r, "|"))
		}
		if got := strings.Join(rs, " / "); got != tc.runs {
			t.Errorf("runs of %q = %q, want %q", tc.text, got, tc.runs)
		}
		if got := strings.Join(single, ","); got != tc.single {
			t.Errorf("single words of %q = %q, want %q", tc.text, got, tc.single)
		}
	}
}
