package search

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// newsArticles returns the first n articles of the shared vi-news corpus,
// or skips the test when it is not readable.
func newsArticles(t *testing.T, n int) []article.Article {
	t.Helper()
	var arts []article.Article
	err := corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(_ string, _ int, line []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(line, &a); err != nil {
			return false, err
		}
		a.EnsureID()
		arts = append(arts, a)
		return len(arts) < n, nil
	})
	if err != nil || len(arts) < n {
		t.Fatalf("read %d of %d articles of the vi-news corpus: %v", len(arts), n, err)
	}
	return arts
}

// scoresOf runs q on b, with a site filter when site is set, and returns
// each hit's score by id.
func scoresOf(t *testing.T, b *bleve.Bleve, q, site string) map[string]float64 {
	t.Helper()
	pq, err := Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	req := index.Request{Query: pq, Size: 1000, Filters: map[string][]string{}}
	if site != "" {
		req.Filters[index.FieldSite] = []string{site}
	}
	res, err := b.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.Article.ID] = h.Score
	}
	return out
}

// sameScores reports every article of got whose score is not that of want
// within 5%: the average field lengths come from a sample of 256 stored
// articles, and which ones depends on the order of the segments, so two
// builds of the same articles differ by up to about 3% (measured here).
// The fault this guards against was a factor of twelve.
func sameScores(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	if len(got) == 0 {
		t.Errorf("%s: no match", what)
	}
	for id, s := range got {
		w, ok := want[id]
		if !ok {
			t.Errorf("%s: %s matches here only", what, id)
			continue
		}
		if math.Abs(s-w) > 0.05*w {
			t.Errorf("%s: %s scores %.4f, want %.4f", what, id, s, w)
		}
	}
}

// Scores depend on the articles and the query, never on how the index was
// built: one import, or many small batches with articles rewritten in
// between (deleted documents, many segments, as admin imports leave),
// beyond the sampling noise of the average lengths.
func TestScoresDoNotDependOnHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two indexes of 600 articles")
	}
	arts := newsArticles(t, 600)
	ctx := context.Background()
	open := func(name string) *bleve.Bleve {
		b, err := bleve.Open(filepath.Join(t.TempDir(), name), bleve.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	once := open("once")
	if err := once.Upsert(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	history := open("history")
	for i := 0; i < len(arts); i += 50 {
		if err := history.Upsert(ctx, arts[i:min(i+50, len(arts))]...); err != nil {
			t.Fatal(err)
		}
	}
	// Rewrite a third of the articles and put them back: their old
	// versions stay in the segments as deleted documents.
	var changed, restored []article.Article
	for i := 0; i < len(arts); i += 3 {
		c := arts[i]
		c.Body += "\nĐoạn thêm về hội đàm Thủ tướng Việt Nam Nhật Bản."
		changed, restored = append(changed, c), append(restored, arts[i])
	}
	for _, batch := range [][]article.Article{changed, restored} {
		if err := history.Upsert(ctx, batch...); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`Thủ tướng Việt Nam`, `"Thủ tướng"`, `bảo vệ an ninh`, `tong thong my`} {
		sameScores(t, q+", built in batches with rewrites", scoresOf(t, history, q, ""), scoresOf(t, once, q, ""))
	}
}

// A site filter selects articles and leaves their scores alone, and a
// group scores the same beside other words as alone. Both once failed
// (baomoi-22471096 scored 5.32 for "Thủ tướng Việt Nam" unfiltered and
// 0.45 under site=baomoi.com): Bleve's boolean searcher, advanced to a
// document by a conjunction, skipped the optional clause it stood on.
func TestScoresDoNotDependOnFilters(t *testing.T) {
	arts := newsArticles(t, 1500)
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`Thủ tướng Việt Nam`, `bảo vệ an ninh`, `tong thong my`, `(thu tuong OR bo truong) viet nam`} {
		sameScores(t, q+", site=baomoi.com", scoresOf(t, b, q, "baomoi.com"), scoresOf(t, b, q, ""))
	}
	// A group with an optional clause scores the same inside a
	// conjunction, where it is advanced to the other word's documents,
	// as flattened into the top level, where it never is.
	word, nam, pair := index.Term{Text: "thu"}, index.Term{Text: "nam"}, index.Phrase{Text: "viet nam"}
	nested := index.Bool{Must: []index.Query{index.Bool{Must: []index.Query{nam}, Should: []index.Query{pair}}, word}}
	flat := index.Bool{Must: []index.Query{nam, word}, Should: []index.Query{pair}}
	sameScores(t, `nam ("viet nam") beside thu`, treeScores(t, b, nested), treeScores(t, b, flat))
}

// treeScores runs a query tree on b and returns each hit's score by id.
func treeScores(t *testing.T, b *bleve.Bleve, q index.Query) map[string]float64 {
	t.Helper()
	res, err := b.Search(context.Background(), index.Request{Query: q, Size: 1500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.Article.ID] = h.Score
	}
	return out
}
