package bleve

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// TestScoresSurviveMerges ranks real news before and after every segment
// is merged into one: the statistics we hand Bleve do not depend on how
// the index is cut into segments, so neither do scores (Bleve's own
// average length, distinct terms per document summed over segments, does).
func TestScoresSurviveMerges(t *testing.T) {
	ctx := context.Background()
	b := newTestIndex(t)
	var arts []article.Article
	err := corpus.Lines(ctx, corpustest.Path(t, "vi-news"), func(_ string, _ int, text []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(text, &a); err != nil {
			return false, err
		}
		arts = append(arts, a)
		return len(arts) < 600, nil
	})
	if err != nil || len(arts) < 600 {
		t.Fatalf("corpus: %d articles, %v", len(arts), err)
	}
	for i := 0; i < len(arts); i += 50 { // a dozen segments
		if err := b.Upsert(ctx, arts[i:i+50]...); err != nil {
			t.Fatal(err)
		}
	}
	queries := []index.Query{
		index.Term{Text: "người"},
		index.Term{Text: "Hà Nội"},
		index.Phrase{Text: "cho biết"},
		index.Words{Words: []index.Word{{Text: "công"}, {Text: "an"}}},
	}
	ranked := func() [][]index.Hit {
		var out [][]index.Hit
		for _, q := range queries {
			res, err := b.Search(ctx, index.Request{Query: q, Size: 10})
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			if len(res.Hits) < 5 {
				t.Fatalf("search %+v: %d hits; the test needs common words", q, len(res.Hits))
			}
			out = append(out, res.Hits)
		}
		return out
	}
	before := ranked()
	forceMerge(t, b)
	after := ranked()
	for i, q := range queries {
		for j := range before[i] {
			x, y := before[i][j], after[i][j]
			if x.Article.ID != y.Article.ID || math.Abs(x.Score-y.Score) > 1e-9*math.Abs(x.Score) {
				t.Errorf("%+v, hit %d: %s %.6f before the merge, %s %.6f after", q, j+1, x.Article.ID, x.Score, y.Article.ID, y.Score)
				break
			}
		}
	}
}
