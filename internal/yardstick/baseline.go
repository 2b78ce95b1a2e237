package yardstick

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/internal/article"
)

// evalBatch is the batch size of tracuu-eval's baseline, as the first
// measurements had it.
const evalBatch = 500

// Baseline is Bleve used the naive way, the yardstick tracuu-eval and
// tracuu-bench measure the product against in the same run: the default
// mapping (dynamic fields, the English "standard" analyzer with its stop
// words, everything copied into _all, no accent folding), queried with a
// MatchQuery or a MatchPhraseQuery on _all. It is not a Backend: it
// answers ids and totals only.
type Baseline struct {
	idx  blevelib.Index
	path string
}

// CreateBaseline creates an empty baseline index at path.
func CreateBaseline(path string) (*Baseline, error) {
	idx, err := blevelib.New(path, blevelib.NewIndexMapping())
	if err != nil {
		return nil, fmt.Errorf("create baseline index %s: %w", path, err)
	}
	return &Baseline{idx: idx, path: path}, nil
}

// OpenBaseline opens the baseline index at path (see ImportBaseline).
func OpenBaseline(path string) (*Baseline, error) {
	idx, err := blevelib.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: open %s: %w", path, err)
	}
	return &Baseline{idx: idx, path: path}, nil
}

// Index adds articles, title and body as they are, in batches: what
// tracuu-eval ranks.
func (b *Baseline) Index(ctx context.Context, arts []article.Article) error {
	batch := b.idx.NewBatch()
	for i := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		a := &arts[i]
		if err := batch.Index(a.ID, map[string]any{"title": a.Title, "body": a.Body}); err != nil {
			return fmt.Errorf("baseline index %s: %w", a.ID, err)
		}
		if batch.Size() >= evalBatch {
			if err := b.idx.Batch(batch); err != nil {
				return fmt.Errorf("baseline: write batch: %w", err)
			}
			batch.Reset()
		}
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("baseline: write batch: %w", err)
	}
	return nil
}

// naiveQuery is text the naive way: a MatchQuery (any word, scored by
// TF-IDF) on _all, or a MatchPhraseQuery when phrase.
func naiveQuery(text string, phrase bool) query.Query {
	if phrase {
		mq := blevelib.NewMatchPhraseQuery(text)
		mq.SetField("_all")
		return mq
	}
	mq := blevelib.NewMatchQuery(text)
	mq.SetField("_all")
	return mq
}

// Search returns the ids of the best size matches of text, and how many
// articles match (naiveQuery).
func (b *Baseline) Search(ctx context.Context, text string, phrase bool, size int) ([]string, uint64, error) {
	res, err := b.idx.SearchInContext(ctx, blevelib.NewSearchRequestOptions(naiveQuery(text, phrase), size, 0, false))
	if err != nil {
		return nil, 0, fmt.Errorf("baseline search %q: %w", text, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, res.Total, nil
}

// SearchFaceted runs text as a search page would ask the naive index:
// ten hits with their titles, and the three default facets (ten values
// each) as terms facets. It returns the total.
func (b *Baseline) SearchFaceted(ctx context.Context, text string, phrase bool) (uint64, error) {
	req := blevelib.NewSearchRequestOptions(naiveQuery(text, phrase), 10, 0, false)
	req.Fields = []string{"title"}
	for _, f := range []string{"site", "section", "year"} {
		req.AddFacet(f, blevelib.NewFacetRequest(f, 10))
	}
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("baseline: search %q: %w", text, err)
	}
	return res.Total, nil
}

// SizeBytes is the size of the index on disk.
func (b *Baseline) SizeBytes() int64 { return dirSize(b.path) }

// Close closes the index.
func (b *Baseline) Close() error { return b.idx.Close() }

func dirSize(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
