package bleve

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"

	blevelib "github.com/blevesearch/bleve/v2"

	"github.com/tracuu/tracuu/internal/article"
)

// baselineBatch is the baseline's batch size, as the first measurements had it.
const baselineBatch = 500

// Baseline is Bleve used the naive way, the yardstick tracuu-eval measures
// the product against in the same run: the default mapping (dynamic
// fields, the English "standard" analyzer with its stop words, everything
// copied into _all, no accent folding), queried with a MatchQuery or a
// MatchPhraseQuery on _all. It is not a Backend: it answers only ids.
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

// Index adds articles, title and body as they are, in batches.
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
		if batch.Size() >= baselineBatch {
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

// Search returns the ids of the best size matches of text, and how many
// articles match: a MatchQuery (any word, scored by TF-IDF) on _all, or a
// MatchPhraseQuery when phrase.
func (b *Baseline) Search(ctx context.Context, text string, phrase bool, size int) ([]string, uint64, error) {
	var q interface{ SetField(string) }
	var req *blevelib.SearchRequest
	if phrase {
		mq := blevelib.NewMatchPhraseQuery(text)
		q, req = mq, blevelib.NewSearchRequestOptions(mq, size, 0, false)
	} else {
		mq := blevelib.NewMatchQuery(text)
		q, req = mq, blevelib.NewSearchRequestOptions(mq, size, 0, false)
	}
	q.SetField("_all")
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("baseline search %q: %w", text, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, res.Total, nil
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
