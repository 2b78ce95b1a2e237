package yardstick

import (
	"context"
	"fmt"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/index/bleve"
)

// Floor index fields: the folded words of title and body together, and
// the article stored as it came.
const (
	floorText   = "text"
	floorSource = "src"
)

// floorBatch is the floor's batch size: the product's.
const floorBatch = 250

// floorMapping is the least Bleve can index for an accent-insensitive
// search of our articles: one field of folded words, the article stored,
// no exact forms, no syllable pairs, no facets, no _all; positions only
// when asked (a phrase query needs them). tracuu-bench floor measures
// Bleve on it, so that the product's figures can be set against what the
// engine does before any of our analysis (see README, "Engine floor").
func floorMapping(positions bool) (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := bleve.AddAnalyzers(m); err != nil {
		return nil, err
	}
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	m.ScoringModel = bleve.DefaultSchema().Scoring
	doc := mapping.NewDocumentStaticMapping()

	text := mapping.NewTextFieldMapping()
	text.Analyzer = bleve.AnalyzerFolded
	text.Store, text.IncludeInAll, text.DocValues = false, false, false
	text.IncludeTermVectors = positions
	doc.AddFieldMappingsAt(floorText, text)

	src := mapping.NewTextFieldMapping()
	src.Name = floorSource
	src.Analyzer = keyword.Name
	src.Index, src.Store = false, true
	src.IncludeInAll, src.IncludeTermVectors, src.DocValues = false, false, false
	doc.AddFieldMappingsAt(floorSource, src)

	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	return m, nil
}

// ImportFloor indexes the JSONL file src into a new floor index at dir,
// with positions when asked, and returns the number of articles.
func ImportFloor(ctx context.Context, dir, src string, positions bool) (int, error) {
	m, err := floorMapping(positions)
	if err != nil {
		return 0, err
	}
	idx, err := blevelib.New(dir, m)
	if err != nil {
		return 0, fmt.Errorf("floor: create %s: %w", dir, err)
	}
	n, err := batchImport(ctx, idx, src, floorBatch, func(d corpusLine, line []byte) any {
		return map[string]any{floorText: d.Title + "\n" + d.Body, floorSource: string(line)}
	})
	if err != nil {
		return n, fmt.Errorf("floor: %w", err)
	}
	return n, nil
}

// Floor is an opened floor index.
type Floor struct{ idx blevelib.Index }

// OpenFloor opens the floor index at dir (see ImportFloor).
func OpenFloor(dir string) (*Floor, error) {
	idx, err := blevelib.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("floor: open %s: %w", dir, err)
	}
	return &Floor{idx: idx}, nil
}

// Search runs text on the floor: every word required (a phrase query
// when phrase), ten hits, nothing else. It returns the total.
func (f *Floor) Search(ctx context.Context, text string, phrase bool) (uint64, error) {
	var q query.Query
	if phrase {
		mq := blevelib.NewMatchPhraseQuery(text)
		mq.SetField(floorText)
		mq.Analyzer = bleve.AnalyzerFolded
		q = mq
	} else {
		mq := blevelib.NewMatchQuery(text)
		mq.SetField(floorText)
		mq.Analyzer = bleve.AnalyzerFolded
		mq.SetOperator(query.MatchQueryOperatorAnd)
		q = mq
	}
	res, err := f.idx.SearchInContext(ctx, blevelib.NewSearchRequestOptions(q, 10, 0, false))
	if err != nil {
		return 0, fmt.Errorf("floor: search %q: %w", text, err)
	}
	return res.Total, nil
}

// Close closes the index.
func (f *Floor) Close() error { return f.idx.Close() }
