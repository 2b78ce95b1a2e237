package bleve

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	bunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// A text (title or body) is indexed as two fields built from one
// tokenization: the word field and the folded pair field. Bleve's mapping
// would run the analyzer chain once per field and record start and end
// offsets with every position; these fields are analysed together, in
// Bleve's analysis workers, and keep positions only (highlights re-read
// the stored text, so offsets would be dead weight).
//
// The word field holds, at each syllable's position, its canonical
// spelling and, when that has marks, its folded form too: "Dân chủ" gives
// dân and dan at 1, chủ and chu at 2. A query word typed with marks is its
// canonical term, one typed without is its folded term, and a phrase can
// mix both in one positional match. Its length for BM25 is the number of
// syllables, not of terms.

// textAnalysis is the shared analysis of one text for its fields.
type textAnalysis struct {
	once   sync.Once
	text   string
	schema Schema
	words  bindex.TokenFrequencies
	nWords int
	pairs  bindex.TokenFrequencies
	nPairs int
}

// wordTokenizer splits a text into syllables with position gaps at
// sentence punctuation (breakTokenizer), as the pair analyzers do.
var wordTokenizer = breakTokenizer{bunicode.NewUnicodeTokenizer()}

func (t *textAnalysis) run() {
	t.once.Do(t.analyze)
}

func (t *textAnalysis) analyze() {
	toks := wordTokenizer.Tokenize([]byte(t.text))
	sc := t.schema
	t.words = make(bindex.TokenFrequencies, len(toks))
	// One backing array for every location of the text: a location per
	// term occurrence, two for a marked syllable.
	var locs []bindex.TokenLocation
	if sc.WordPositions {
		n := len(toks)
		if sc.ExactWords {
			n *= 2
		}
		locs = make([]bindex.TokenLocation, 0, n)
	}
	add := func(tfs bindex.TokenFrequencies, term []byte, pos int, positions bool) {
		tf, ok := tfs[string(term)]
		if !ok {
			tf = &bindex.TokenFreq{Term: term}
			tfs[string(term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		if positions {
			locs = append(locs, bindex.TokenLocation{Position: pos})
			tf.Locations = append(tf.Locations, &locs[len(locs)-1])
		}
	}
	var pairLocs []bindex.TokenLocation
	if sc.Pairs {
		t.pairs = make(bindex.TokenFrequencies, len(toks))
		if sc.PairPositions {
			pairLocs = make([]bindex.TokenLocation, 0, len(toks))
		}
	}
	var prev []byte
	prevPos := -1
	for _, tok := range toks {
		if len(tok.Term) > index.MaxTokenBytes {
			prev = nil // the position stays empty: no pair spans it
			continue
		}
		canon := vi.NormalizeToken(tok.Term)
		folded := vi.FoldToken(canon)
		t.nWords++
		if sc.ExactWords {
			add(t.words, canon, tok.Position, sc.WordPositions)
		}
		if !sc.ExactWords || len(folded) != len(canon) || string(folded) != string(canon) {
			add(t.words, folded, tok.Position, sc.WordPositions)
		}
		if sc.Pairs && prev != nil && tok.Position == prevPos+1 {
			pair := make([]byte, 0, len(prev)+1+len(folded))
			pair = append(append(append(pair, prev...), pairSep), folded...)
			tf, ok := t.pairs[string(pair)]
			if !ok {
				tf = &bindex.TokenFreq{Term: pair}
				t.pairs[string(pair)] = tf
			}
			tf.SetFrequency(tf.Frequency() + 1)
			if sc.PairPositions {
				pairLocs = append(pairLocs, bindex.TokenLocation{Position: prevPos})
				tf.Locations = append(tf.Locations, &pairLocs[len(pairLocs)-1])
			}
			t.nPairs++
		}
		prev, prevPos = folded, tok.Position
	}
}

// analyzedField is one of the fields of a textAnalysis.
type analyzedField struct {
	name  string
	pairs bool // the pair field; else the word field
	ta    *textAnalysis
}

var _ document.Field = (*analyzedField)(nil)

func (f *analyzedField) Name() string             { return f.name }
func (f *analyzedField) ArrayPositions() []uint64 { return nil }
func (f *analyzedField) Value() []byte            { return nil }
func (f *analyzedField) EncodedFieldType() byte   { return 't' }
func (f *analyzedField) Analyze()                 { f.ta.run() }

func (f *analyzedField) Options() bindex.FieldIndexingOptions {
	o := bindex.IndexField
	if f.pairs && f.ta.schema.PairPositions || !f.pairs && f.ta.schema.WordPositions {
		o |= bindex.IncludeTermVectors
	}
	return o
}

func (f *analyzedField) AnalyzedLength() int {
	if f.pairs {
		return f.ta.nPairs
	}
	return f.ta.nWords
}

func (f *analyzedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	if f.pairs {
		return f.ta.pairs
	}
	return f.ta.words
}

func (f *analyzedField) NumPlainTextBytes() uint64 {
	if f.pairs {
		return 0 // the text is counted once, by the word field
	}
	return uint64(len(f.ta.text))
}

func (f *analyzedField) Size() int {
	n := 64 + len(f.name)
	if !f.pairs {
		n += len(f.ta.text)
	}
	return n
}

// analyzedFields returns the fields that index text under the word field name
// words and the pair field name pairs.
func analyzedFields(sc Schema, text, words, pairs string) []document.Field {
	ta := &textAnalysis{text: text, schema: sc}
	out := []document.Field{&analyzedField{name: words, ta: ta}}
	if sc.Pairs {
		out = append(out, &analyzedField{name: pairs, pairs: true, ta: ta})
	}
	return out
}

// wordsFilter is the word field's analysis as a Bleve token filter, for
// query-time analysis and tests: each token in canonical form, followed at
// the same position by its folded form when that differs.
type wordsFilter struct{}

func (wordsFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, 2*len(in))
	for _, t := range in {
		canon := vi.NormalizeToken(t.Term)
		folded := vi.FoldToken(canon)
		c := *t
		c.Term = canon
		out = append(out, &c)
		if string(folded) != string(canon) {
			f := *t
			f.Term = folded
			out = append(out, &f)
		}
	}
	return out
}
