package index

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// SchemaVersion changes whenever the mapping or the analyzers change in a
// way that needs the index rebuilt. Indexes record the version they were
// written with; opening another one asks the operator to reindex.
const SchemaVersion = 1

// Index-internal field names. The user-facing names (site, title, ...) are
// mapped onto these by the query translation.
const (
	fTitle       = "title"
	fTitleFolded = "title_f"
	fBody        = "body"
	fBodyFolded  = "body_f"
	fPublished   = "published"
	fSource      = "src" // the article as JSON, stored, not indexed
)

// newMapping builds the static mapping: no dynamic fields, no _all, every
// field typed and given its analyzer explicitly, so that nothing falls back
// to Bleve's English "standard" analyzer.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = AnalyzerExact
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	doc := mapping.NewDocumentStaticMapping()
	text := func(name, analyzer string) {
		f := mapping.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = true // phrase queries need positions
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	text(fTitle, AnalyzerExact)
	text(fTitleFolded, AnalyzerFolded)
	text(fBody, AnalyzerExact)
	text(fBodyFolded, AnalyzerFolded)

	for _, name := range FacetFields {
		f := mapping.NewKeywordFieldMapping()
		f.Name = name
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		doc.AddFieldMappingsAt(name, f)
	}

	pub := mapping.NewDateTimeFieldMapping()
	pub.Name = fPublished
	pub.Store = false
	pub.IncludeInAll = false
	pub.DocValues = true
	doc.AddFieldMappingsAt(fPublished, pub)

	src := mapping.NewTextFieldMapping()
	src.Name = fSource
	src.Analyzer = keyword.Name
	src.Index = false
	src.Store = true
	src.IncludeInAll = false
	src.IncludeTermVectors = false
	src.DocValues = false
	doc.AddFieldMappingsAt(fSource, src)

	m.DefaultMapping = doc
	m.TypeMapping = map[string]*mapping.DocumentMapping{}
	return m, nil
}
