package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/index"
)

// SchemaVersion is the contract's (index.SchemaVersion): the terms and the
// stored record are the same for every backend. Bleve's layouts so far:
//
// 2: syllable-pair fields, BM25 scoring (an interim layout).
// 3: folded pair fields title_fp, body_fp with positions (they answer
// phrases); canonical pair fields title_p, body_p without (they rank the
// spelling typed first); no positions on the word fields.
// 4: the stored record keeps title, lead and body as published (NFC); older
// versions stored the canonical tone placement only (see PublishedSchema).
const SchemaVersion = index.SchemaVersion

// PublishedSchema is the first schema whose stored records keep the
// published spelling. A rebuild of an older index cannot restore it: the
// published text is gone from that index, only a re-import brings it back.
const PublishedSchema = 4

// Index-internal field names. The user-facing names (site, title, ...) are
// mapped onto these by the query translation.
const (
	fTitle       = "title"
	fTitleFolded = "title_f"
	fBody        = "body"
	fBodyFolded  = "body_f"
	fTitlePairs  = "title_p"  // adjacent syllables of the title, canonical
	fTitleFPairs = "title_fp" // the same, folded
	fBodyPairs   = "body_p"
	fBodyFPairs  = "body_fp"
	fPublished   = "published"
	fSource      = "src"  // the article as JSON, stored, not indexed
	fHash        = "hash" // the article's content hash, stored, not indexed: re-imports skip unchanged articles
)

// Schema says what an index stores beyond the fixed fields. The product
// always uses DefaultSchema; yardsticks create indexes with parts left out
// (Options.Schema) to measure what each part costs and brings.
type Schema struct {
	ExactWords    bool   // word fields in canonical form (title, body) next to the folded ones
	Pairs         bool   // folded syllable-pair fields (title_fp, body_fp)
	ExactPairs    bool   // canonical syllable-pair fields too (title_p, body_p)
	PairPositions bool   // positions on pair fields: phrases of 3+ syllables are exact
	WordPositions bool   // positions on word fields: only a plan without pairs needs them
	Scoring       string // "bm25" or "tf-idf"
}

// defaultSchema is what tracuu indexes. Phrases are answered from the
// folded pair fields (see plan.go), so the word fields need no positions;
// the folded pair fields keep theirs so that a phrase of three or more
// syllables is an exact phrase over pair terms, which are rare and so
// cheap to verify. Canonical pairs only add to the score of an accented
// query's matches spelled as typed. BM25 ranks better than TF-IDF here
// (README, "Tuning the ranking").
var defaultSchema = Schema{ExactWords: true, Pairs: true, ExactPairs: true, PairPositions: true, WordPositions: false, Scoring: bindex.BM25Scoring}

// DefaultSchema is the schema of the product's indexes.
func DefaultSchema() Schema { return defaultSchema }

// newMapping builds the static mapping of defaultSchema.
func newMapping() (*mapping.IndexMappingImpl, error) { return newMappingFor(defaultSchema) }

// newMappingFor builds a static mapping: no dynamic fields, no _all, every
// field typed and given its analyzer explicitly, so that nothing falls back
// to Bleve's English "standard" analyzer. Each text property of a document
// is indexed under several field names (words, folded words, pairs,
// folded pairs): one copy of the text in the document, several fields.
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
	text := func(prop, folded, pairs, fpairs string) {
		var fs []*mapping.FieldMapping
		if sc.ExactWords {
			fs = append(fs, field(prop, AnalyzerExact, sc.WordPositions))
		}
		if sc.Pairs {
			fs = append(fs, field(fpairs, AnalyzerFoldedPairs, sc.PairPositions))
		}
		if sc.Pairs && sc.ExactPairs {
			// Canonical pairs only rank (the folded pairs decide what
			// matches), so they need no positions.
			fs = append(fs, field(pairs, AnalyzerExactPairs, false))
		}
		doc.AddFieldMappingsAt(prop, fs...)
		doc.AddFieldMappingsAt(folded, field(folded, AnalyzerFolded, sc.WordPositions))
	}
	text(fTitle, fTitleFolded, fTitlePairs, fTitleFPairs)
	text(fBody, fBodyFolded, fBodyPairs, fBodyFPairs)

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
