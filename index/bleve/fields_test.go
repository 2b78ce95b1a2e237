package bleve

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/indexdoc"
)

// TestAnalyzedFieldsMatchAnalyzers checks the fields that analyse a text
// once for its word and pair fields against Bleve's own analysis with the
// analyzers the mapping declares for them, on real articles: the same
// terms at the same positions, the same pair counts, no offsets, and the
// syllable and pair counts as BM25 lengths.
func TestAnalyzedFieldsMatchAnalyzers(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	words, pairs := m.AnalyzerNamed(AnalyzerWords), m.AnalyzerNamed(AnalyzerFoldedPairs)
	var texts []string
	err = corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(_ string, _ int, line []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(line, &a); err != nil {
			return false, err
		}
		d, err := indexdoc.New(&a)
		if err != nil {
			return false, err
		}
		texts = append(texts, d.Title, d.Text)
		return len(texts) < 400, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, "Hà Nội. Sau đó (ảnh) nói: \"dân chủ\" - HOÀ BÌNH thuỷ 04/2015/NĐ-CP", "", "một")
	positions := func(tfs bindex.TokenFrequencies) map[string][]int {
		out := map[string][]int{}
		for term, tf := range tfs {
			for _, l := range tf.Locations {
				out[term] = append(out[term], l.Position)
			}
			slices.Sort(out[term])
		}
		return out
	}
	counts := func(tfs bindex.TokenFrequencies) map[string]int {
		out := map[string]int{}
		for term, tf := range tfs {
			out[term] = tf.Frequency()
		}
		return out
	}
	for _, text := range texts {
		fs := analyzedFields(defaultSchema, text, fTitle, fTitleFPairs)
		if len(fs) != 2 {
			t.Fatalf("%d fields, want the word and the pair field", len(fs))
		}
		for _, f := range fs {
			f.Analyze()
		}
		wantWords := words.Analyze([]byte(text))
		wantPairs := pairs.Analyze([]byte(text))
		gotWords := fs[0].AnalyzedTokenFrequencies()
		if got, want := positions(gotWords), positions(analysis.TokenFrequency(wantWords, nil, bindex.IncludeTermVectors)); !maps.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("word field of %.60q: %d terms, analyzer %d", text, len(got), len(want))
		}
		if got, want := counts(fs[1].AnalyzedTokenFrequencies()), counts(analysis.TokenFrequency(wantPairs, nil, 0)); !maps.Equal(got, want) {
			t.Fatalf("pair field of %.60q: %d terms, analyzer %d", text, len(got), len(want))
		}
		for term, tf := range gotWords {
			for _, l := range tf.Locations {
				if l.Start != 0 || l.End != 0 {
					t.Fatalf("term %q of %.60q keeps offsets %d-%d", term, text, l.Start, l.End)
				}
			}
		}
		syllables := map[int]bool{}
		for _, tok := range wantWords {
			syllables[tok.Position] = true
		}
		if got := fs[0].AnalyzedLength(); got != len(syllables) {
			t.Errorf("word field of %.60q has length %d, want its %d syllables", text, got, len(syllables))
		}
		if got := fs[1].AnalyzedLength(); got != len(wantPairs) {
			t.Errorf("pair field of %.60q has length %d, want its %d pairs", text, got, len(wantPairs))
		}
		if fs[0].Options().IncludeTermVectors() != defaultSchema.WordPositions || fs[1].Options().IncludeTermVectors() != defaultSchema.PairPositions {
			t.Errorf("field options %v, %v do not follow the schema", fs[0].Options(), fs[1].Options())
		}
	}
}

// go test ./index/bleve -run XXX -bench TextAnalysis -benchmem
func BenchmarkTextAnalysis(b *testing.B) {
	var texts []string
	var size int64
	err := corpus.Lines(context.Background(), corpustest.Path(b, "vi-news"), func(_ string, _ int, line []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(line, &a); err != nil {
			return false, err
		}
		texts = append(texts, a.Title, a.Body)
		size += int64(len(a.Title) + len(a.Body))
		return len(texts) < 400, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, text := range texts {
			(&textAnalysis{text: text, schema: defaultSchema}).run()
		}
	}
}
