// Package yardstick is what tracuu is measured against and with, kept out
// of the product: Bleve used the naive way (the baseline), the least Bleve
// can index for an accent-insensitive search (the floor), and variants of
// the product's schema and boosts. tracuu-eval and tracuu-bench build them
// here; the variants reach the backend through index/bleve's Options, so
// that nothing a live search reads can be switched from outside. This is
// the one package besides index/bleve that imports Bleve: the baseline and
// the floor are Bleve itself.
package yardstick

import (
	"fmt"
	"os"

	"github.com/tracuu/tracuu/index/bleve"
)

// Variant is a schema variant that tracuu-eval builds next to the product
// schema to measure what each part costs (index size, indexing rate) and
// brings (ranking). The zero Variant is the product schema.
type Variant struct {
	NoPairs         bool   // leave out the pair fields
	NoExactWords    bool   // leave the canonical spellings out of the word fields (folded words only)
	NoWordPositions bool   // word fields without positions
	PairPositions   bool   // positions on the pair fields too
	Scoring         string // "bm25" or "tf-idf"; "" keeps the product's
}

// Schema is the product's schema with the variant's parts left out.
func (v Variant) Schema() bleve.Schema {
	sc := bleve.DefaultSchema()
	sc.ExactWords = !v.NoExactWords
	sc.Pairs = !v.NoPairs
	sc.PairPositions = sc.Pairs && v.PairPositions
	sc.WordPositions = !v.NoWordPositions
	if v.Scoring != "" {
		sc.Scoring = v.Scoring
	}
	return sc
}

// CreateVariant creates a fresh index at dir (which must not exist) with a
// schema variant. The query plan is the product's: an index without pair
// fields or without word positions finds no phrase of two words or more,
// so such a variant is only good for measuring size and indexing rate.
func CreateVariant(dir string, v Variant) (*bleve.Bleve, error) {
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("create variant index %s: already exists", dir)
	}
	sc := v.Schema()
	b, err := bleve.Open(dir, bleve.Options{Schema: &sc})
	if err != nil {
		return nil, fmt.Errorf("create variant index %s: %w", dir, err)
	}
	return b, nil
}

// OpenTuned opens the index in dir for searching with the boosts t
// instead of the product's.
func OpenTuned(dir string, t bleve.Tuning) (*bleve.Bleve, error) {
	b, err := bleve.Open(dir, bleve.Options{ReadOnly: true, Tuning: &t})
	if err != nil {
		return nil, fmt.Errorf("open %s tuned %+v: %w", dir, t, err)
	}
	return b, nil
}
