// Package eval measures how well tracuu finds what people mean in real
// Vietnamese news, against naive Bleve in the same run: known-item queries
// generated from the corpus itself (title and body spans typed with and
// without marks, decomposed, with the other tone placement, in capitals,
// and a few scattered title words), scored by MRR@10 and hits@1; the
// latency of phrases of frequent syllables, Bleve's weak spot; and the
// indexing rate and size of the index with and without its pair fields.
// cmd/tracuu-eval runs it (make eval).
//
// A generated span is kept only when exactly one article contains it
// (word for word, ignoring punctuation and case, with marks for queries
// typed with marks and without for the others): the article it came from
// is then the one right answer, and a known-item metric is fair. Spans
// found in several articles are dropped, not scored leniently, so that
// common two-syllable spans do not inflate the figures.
package eval

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
)

// ReadCorpus reads up to n articles (all when n <= 0) from the JSONL files
// (plain or gzipped) in dir, in file-name order, skipping lines without
// an id or text.
func ReadCorpus(ctx context.Context, dir string, n int) ([]article.Article, error) {
	var out []article.Article
	err := corpus.Lines(ctx, dir, func(file string, line int, text []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(text, &a); err != nil {
			return false, fmt.Errorf("%s line %d: %w", file, line, err)
		}
		if a.ID != "" && a.Validate() == nil {
			out = append(out, a)
		}
		return n <= 0 || len(out) < n, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	return out, nil
}
