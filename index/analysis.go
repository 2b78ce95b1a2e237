package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/tracuu/tracuu/internal/vi"
)

// Analyzer and token filter names registered with Bleve. Everything is a
// token filter on top of Bleve's Unicode word tokenizer, so token offsets
// always point into the original text and highlights land on the right
// words (a char filter would shift them).
const (
	AnalyzerExact  = "vi_exact"  // canonical syllables: NFC, one tone placement, lower case
	AnalyzerFolded = "vi_folded" // the same with every mark removed and đ→d

	filterNormalize = "vi_normalize"
	filterFold      = "vi_fold"
)

type tokenFilter func([]byte) []byte

func (f tokenFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = f(t.Term)
	}
	return in
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
}

// addAnalyzers defines our analyzers on an index mapping. They are stored
// in the mapping by definition, so an index opened later rebuilds them from
// the registered filters.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	for name, filter := range map[string]string{AnalyzerExact: filterNormalize, AnalyzerFolded: filterFold} {
		err := m.AddCustomAnalyzer(name, map[string]interface{}{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": []string{filter},
		})
		if err != nil {
			return fmt.Errorf("analyzer %s: %w", name, err)
		}
	}
	return nil
}
