package bleve

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Variant is a schema variant that tracuu-eval builds next to the product
// schema to measure what each part costs (index size, indexing rate) and
// brings (ranking). The zero Variant is the product schema.
type Variant struct {
	NoPairs         bool   // leave out the pair fields
	NoExactWords    bool   // leave out the canonical word fields (folded words only)
	NoExactPairs    bool   // leave out the canonical pair fields (folded ones only)
	NoPairPositions bool   // pair fields without positions
	WordPositions   bool   // positions on the word fields
	Scoring         string // "bm25" or "tf-idf"; "" keeps the product's
}

func (v Variant) schema() schema {
	sc := defaultSchema
	sc.exactWords = !v.NoExactWords
	sc.pairs = !v.NoPairs
	sc.exactPairs = sc.exactPairs && !v.NoExactPairs
	sc.pairVectors = !v.NoPairPositions
	sc.wordVectors = v.WordPositions
	if v.Scoring != "" {
		sc.scoringModel = v.Scoring
	}
	return sc
}

// CreateVariant creates a fresh index at dir (which must not exist) with a
// schema variant, for evaluation. The query plan is the product's: an
// index without pair fields finds no phrase of two words or more, so such
// a variant is only good for measuring size and indexing rate, and one
// without pair positions answers longer phrases as the looser conjunction
// only when the product schema does too.
func CreateVariant(dir string, v Variant) (*Bleve, error) {
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("create variant index %s: already exists", dir)
	}
	m, err := newMappingFor(v.schema())
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("create variant index %s: %w", dir, err)
	}
	path := filepath.Join(dir, "v")
	b, err := createWith(dir, path, m)
	if err != nil {
		return nil, fmt.Errorf("create variant index %s: %w", dir, err)
	}
	return b, nil
}

// SetTuning replaces the boosts of the field plan. It is for tracuu-eval,
// which searches one index with several tunings; it must not be called
// while searches run.
func SetTuning(t Tuning) { tuning = t }

// CurrentTuning returns the boosts of the field plan.
func CurrentTuning() Tuning { return tuning }

// createWith creates a Bleve index with mapping m at path, recording the
// schema version so that it opens like any other index.
func createWith(dir, path string, m *mapping.IndexMappingImpl) (*Bleve, error) {
	idx, err := blevelib.New(path, m)
	if err != nil {
		return nil, err
	}
	if err := idx.SetInternal([]byte(schemaKey), []byte(strconv.Itoa(SchemaVersion))); err != nil {
		idx.Close()
		return nil, err
	}
	return &Bleve{idx: idx, dir: dir, path: path, facets: newFacetCache()}, nil
}
