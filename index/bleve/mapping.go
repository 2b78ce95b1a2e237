package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/index"
)

// SchemaVersion is the contract's (index.SchemaVersion): the stored record
// every backend keeps. How Bleve lays the terms out is LayoutVersion.
const SchemaVersion = index.SchemaVersion

// LayoutVersion is the version of this backend's fields; an index of
// another layout is rebuilt by `tracuu reindex` like one of another
// schema. Indexes written before the layout had a number are layout 1:
//
// 1: canonical and folded word fields without positions, folded pair
// fields with positions (phrases), canonical pair fields without (the
// spelling typed ranks first).
// 2: one word field per text holding canonical and folded terms at each
// position, with positions (phrases are verified there, in any mix of
// marked and unmarked words); folded pair fields without positions (they
// find a phrase's candidates fast); no canonical pairs; no offsets.
const LayoutVersion = 2

// PublishedSchema is the first schema whose stored records keep the
// published spelling. A rebuild of an older index cannot restore it: the
// published text is gone from that index, only a re-import brings it back.
const PublishedSchema = 4

// Index-internal field names. The user-facing names (site, title, ...) are
// mapped onto these by the query translation.
const (
	fTitle       = "title"    // the title's words, canonical and folded, with positions
	fTitleFPairs = "title_fp" // adjacent syllables of the title, folded: "dan chu"
	fBody        = "body"
	fBodyFPairs  = "body_fp"
	fPublished   = "published"
	fSource      = "src"  // the article as JSON, stored, not indexed
	fHash        = "hash" // the article's content hash, stored, not indexed: re-imports skip unchanged articles
)

// Schema says what an index stores of its texts. The product always uses
// DefaultSchema; yardsticks create indexes with parts left out or added
// (Options.Schema) to measure what each part costs and brings.
type Schema struct {
	ExactWords    bool   // canonical spellings in the word fields beside the folded ones
	WordPositions bool   // positions on the word fields: phrases are exact
	Pairs         bool   // folded syllable-pair fields (title_fp, body_fp)
	PairPositions bool   // positions on the pair fields too
	Scoring       string // "bm25" or "tf-idf"
}

// defaultSchema is what tracuu indexes. A phrase is found by its folded
// pairs, which are rare terms and so find few candidates fast, and
// verified on the word field's positions, where a word typed with marks is
// its canonical term (plan.go). Pair positions would only repeat that
// check. BM25 ranks better than TF-IDF here (README, "Tuning the ranking").
var defaultSchema = Schema{ExactWords: true, WordPositions: true, Pairs: true, PairPositions: false, Scoring: bindex.BM25Scoring}

// DefaultSchema is the schema of the product's indexes.
func DefaultSchema() Schema { return defaultSchema }

// newMapping builds the static mapping of defaultSchema.
func newMapping() (*mapping.IndexMappingImpl, error) { return newMappingFor(defaultSchema) }

// newMappingFor builds a static mapping: no dynamic fields, no _all, every
// field typed and given its analyzer explicitly, so that nothing falls back
// to Bleve's English "standard" analyzer. The text fields are declared
// with the analyzers that describe them, but documents bring them already
// analysed (fields.go), so the mapping never runs those analyzers at index
// time.
func newMappingFor(sc Schema) (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := AddAnalyzers(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = AnalyzerExact
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = sc.Scoring

	doc := mapping.NewDocumentStaticMapping()
	field := func(name, analyzer string, vectors bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = vectors
		f.DocValues = false
		return f
	}
	text := func(words, fpairs string) {
		fs := []*mapping.FieldMapping{field(words, AnalyzerWords, sc.WordPositions)}
		if sc.Pairs {
			fs = append(fs, field(fpairs, AnalyzerFoldedPairs, sc.PairPositions))
		}
		doc.AddFieldMappingsAt(words, fs...)
	}
	text(fTitle, fTitleFPairs)
	text(fBody, fBodyFPairs)

	// Facet fields, the near-duplicate cluster key (filtered on and counted
	// per page of hits, never shown as a facet), and the id as a doc value:
	// the tie-break of every sort (see sortOrder).
	for _, name := range append(index.FacetFields[:len(index.FacetFields):len(index.FacetFields)], index.FieldCluster, fUID) {
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

	// Stored, never indexed: the article itself and its content hash.
	for _, name := range []string{fSource, fHash} {
		doc.AddFieldMappingsAt(name, storedOnly(name))
	}

	// Bleve adds an "_all" composite field to every document unless a
	// disabled "_all" sub-mapping says otherwise; ours would be empty but
	// still cost a pass over every field at index time.
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	m.TypeMapping = map[string]*mapping.DocumentMapping{}
	return m, nil
}

// storedOnly is a field kept as it came and never indexed.
func storedOnly(name string) *mapping.FieldMapping {
	f := mapping.NewTextFieldMapping()
	f.Name = name
	f.Analyzer = keyword.Name
	f.Index = false
	f.Store = true
	f.IncludeInAll = false
	f.IncludeTermVectors = false
	f.DocValues = false
	return f
}

// indexedFields lists the fields a mapping indexes: with dynamic fields
// off, the only fields a search can touch.
func indexedFields(dm *mapping.DocumentMapping) []string {
	var out []string
	for _, f := range dm.Fields {
		if f.Index {
			out = append(out, f.Name)
		}
	}
	for _, sub := range dm.Properties {
		out = append(out, indexedFields(sub)...)
	}
	return out
}
