package bleve

import (
	"github.com/blevesearch/bleve/v2/mapping"
)

// Floor index fields: the folded words of title and body together, and
// the article stored as it came.
const (
	FloorText   = "text"
	FloorSource = "src"
)

// FloorMapping is the least Bleve can index for an accent-insensitive
// search of our articles: one field of folded words, the article stored,
// no exact forms, no syllable pairs, no facets, no _all; positions only
// when asked (a phrase query needs them). tracuu-bench floor measures
// Bleve on it, so that the product's figures can be set against what the
// engine does before any of our analysis (see README, "Engine floor").
func FloorMapping(positions bool) (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	m.ScoringModel = defaultSchema.scoringModel
	doc := mapping.NewDocumentStaticMapping()

	text := mapping.NewTextFieldMapping()
	text.Analyzer = AnalyzerFolded
	text.Store, text.IncludeInAll, text.DocValues = false, false, false
	text.IncludeTermVectors = positions
	doc.AddFieldMappingsAt(FloorText, text)

	doc.AddFieldMappingsAt(FloorSource, storedOnly(FloorSource))

	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	return m, nil
}
