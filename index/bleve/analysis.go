package bleve

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	bunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/terms"
	"github.com/tracuu/tracuu/internal/vi"
)

// Analyzer, tokenizer and token filter names registered with Bleve.
// Everything is a token filter on top of Bleve's Unicode word tokenizer, so
// token offsets always point into the original text and highlights land on
// the right words (a char filter would shift them).
//
// How text splits into tokens (UAX #29 word boundaries, then our filters):
//   - a syllable is a token: "an ninh" → an, ninh (no stop words: "an", "do",
//     "in", "the" are Vietnamese syllables);
//   - a number with inner dots or commas stays whole: "10.000", "3,5";
//   - dates, codes and hyphenated words split at "/" and "-": "25/09/2020" →
//     25, 09, 2020; "04/2015/NĐ-CP" → 04, 2015, nđ, cp; "Covid-19" → covid, 19.
//     The query language sends such a word as a phrase, and a phrase of two
//     or more tokens is found by its pairs and checked on positions, so the
//     parts must be adjacent and in order: the code matches as a whole, while "NĐ-CP" or
//     "2015" alone still find it;
//   - host names stay whole ("vnexpress.net"); a URL or an e-mail address
//     splits like a code, at "://", "/", "@": it is found as a phrase.
const (
	AnalyzerWords            = "vi_words"          // the word fields: each syllable canonical, then folded at the same position when that differs
	AnalyzerExact            = "vi_exact"          // canonical syllables: NFC, one tone placement, lower case
	AnalyzerFolded           = "vi_folded"         // the same with every mark removed and đ→d
	AnalyzerExactPairs       = "vi_exact_pairs"    // adjacent canonical syllables joined: "dân chủ"
	AnalyzerFoldedPairs      = "vi_folded_pairs"   // adjacent folded syllables joined: "dan chu"
	tokenizerBreaks          = "vi_unicode_breaks" // Unicode words, with a position gap at sentence punctuation
	filterNormalize          = "vi_normalize"
	filterFold               = "vi_fold"
	filterPairs              = "vi_pairs"
	filterWords              = "vi_words"
	filterMaxLength          = "vi_max_length"
	pairSep             byte = ' ' // joins the two syllables of a pair term, as a user types them
)

type tokenFilter func([]byte) []byte

func (f tokenFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = f(t.Term)
	}
	return in
}

// breakTokenizer is Bleve's Unicode word tokenizer that also leaves a
// one-position gap where sentence punctuation separated two words. The
// Unicode tokenizer drops punctuation, so without the gap "Hà Nội. Sau đó"
// would yield the pair "nội sau", which no one means; with it, pairs (and
// phrases over pairs) stop at the end of a sentence or clause.
type breakTokenizer struct{ words analysis.Tokenizer }

func (t breakTokenizer) Tokenize(input []byte) analysis.TokenStream {
	ts := t.words.Tokenize(input)
	shift, prevEnd := 0, -1
	for _, tok := range ts {
		if prevEnd >= 0 && terms.IsBreak(string(input[prevEnd:tok.Start])) {
			shift++
		}
		tok.Position += shift
		prevEnd = tok.End
	}
	return ts
}

// maxLengthFilter drops tokens longer than index.MaxTokenBytes, leaving
// their position empty so that no pair spans the gap.
type maxLengthFilter struct{}

func (maxLengthFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if len(t.Term) <= index.MaxTokenBytes {
			out = append(out, t)
		}
	}
	return out
}

// pairFilter replaces a token stream by the pairs of adjacent tokens, each
// one term made of the two terms joined by a space, at the position of the
// first. Tokens that a position gap separates (sentence punctuation) make
// no pair.
type pairFilter struct{}

func (pairFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	if len(in) < 2 {
		return in[:0]
	}
	out := make(analysis.TokenStream, 0, len(in)-1)
	// One backing array for all pair terms: indexing allocates per token
	// anyway, but not per pair.
	size := 0
	for _, t := range in {
		size += 2*len(t.Term) + 1
	}
	buf := make([]byte, 0, size)
	toks := make([]analysis.Token, 0, len(in)-1)
	for i := 1; i < len(in); i++ {
		a, b := in[i-1], in[i]
		if b.Position != a.Position+1 {
			continue
		}
		start := len(buf)
		buf = append(buf, a.Term...)
		buf = append(buf, pairSep)
		buf = append(buf, b.Term...)
		toks = append(toks, analysis.Token{
			Start: a.Start, End: b.End, Position: a.Position, Type: analysis.Shingle,
			Term: buf[start:len(buf):len(buf)],
		})
	}
	for i := range toks {
		out = append(out, &toks[i])
	}
	return out
}

// pairTerms returns the pair terms of an analyzed token stream, grouped in
// runs of pairs that follow one another without a break (terms.Runs): what
// a phrase query must find, in order, in a pair field. single holds the
// lone tokens that a break left without a neighbour.
func pairTerms(ts analysis.TokenStream) (runs [][]string, single []string) {
	ws := make([]terms.Word, len(ts))
	for i, t := range ts {
		ws[i] = terms.Word{Text: string(t.Term), Pos: t.Position}
	}
	return terms.Runs(ws, string(pairSep))
}

func init() {
	for name, f := range map[string]tokenFilter{filterNormalize: vi.NormalizeToken, filterFold: vi.FoldToken} {
		f := f
		err := registry.RegisterTokenFilter(name, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return f, nil
		})
		if err != nil {
			panic(fmt.Sprintf("register token filter %s: %v", name, err))
		}
	}
	if err := registry.RegisterTokenFilter(filterMaxLength, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return maxLengthFilter{}, nil
	}); err != nil {
		panic(fmt.Sprintf("register token filter %s: %v", filterMaxLength, err))
	}
	if err := registry.RegisterTokenFilter(filterPairs, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return pairFilter{}, nil
	}); err != nil {
		panic(fmt.Sprintf("register token filter %s: %v", filterPairs, err))
	}
	if err := registry.RegisterTokenFilter(filterWords, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return wordsFilter{}, nil
	}); err != nil {
		panic(fmt.Sprintf("register token filter %s: %v", filterWords, err))
	}
	if err := registry.RegisterTokenizer(tokenizerBreaks, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return breakTokenizer{bunicode.NewUnicodeTokenizer()}, nil
	}); err != nil {
		panic(fmt.Sprintf("register tokenizer %s: %v", tokenizerBreaks, err))
	}
}

// analyzerDefs are our analyzers: tokenizer and token filters by name.
var analyzerDefs = map[string]struct {
	tokenizer string
	filters   []string
}{
	AnalyzerWords:       {tokenizerBreaks, []string{filterMaxLength, filterWords}},
	AnalyzerExact:       {bunicode.Name, []string{filterMaxLength, filterNormalize}},
	AnalyzerFolded:      {bunicode.Name, []string{filterMaxLength, filterFold}},
	AnalyzerExactPairs:  {tokenizerBreaks, []string{filterMaxLength, filterNormalize, filterPairs}},
	AnalyzerFoldedPairs: {tokenizerBreaks, []string{filterMaxLength, filterFold, filterPairs}},
}

// AddAnalyzers defines tracuu's analyzers on an index mapping, for the
// product's mappings and for yardsticks that index beside them. They are
// stored in the mapping by definition, so an index opened later rebuilds
// them from the registered tokenizer and filters.
func AddAnalyzers(m *mapping.IndexMappingImpl) error {
	for name, def := range analyzerDefs {
		err := m.AddCustomAnalyzer(name, map[string]interface{}{
			"type":          custom.Name,
			"tokenizer":     def.tokenizer,
			"token_filters": def.filters,
		})
		if err != nil {
			return fmt.Errorf("analyzer %s: %w", name, err)
		}
	}
	return nil
}

// queryWords is the analysis a phrase gets at query time before it is
// turned into pair terms: the words of the pair analyzers (same tokenizer,
// same position gaps), in canonical form. Folded terms are derived from
// these with vi.FoldToken, which equals folding the raw text.
var queryWords = &analysis.DefaultAnalyzer{
	Tokenizer:    breakTokenizer{bunicode.NewUnicodeTokenizer()},
	TokenFilters: []analysis.TokenFilter{maxLengthFilter{}, tokenFilter(vi.NormalizeToken)},
}
