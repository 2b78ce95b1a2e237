package yardstick

import (
	"context"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
)

var dânChủ = index.Words{Words: []index.Word{{Text: "dân"}, {Text: "chủ"}}}

func hits(t *testing.T, b index.Backend, q index.Query) map[string]float64 {
	t.Helper()
	res, err := b.Search(context.Background(), index.Request{Query: q, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.Article.ID] = h.Score
	}
	return out
}

func ids(m map[string]float64) []string {
	var out []string
	for id := range m {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// TestVariantsReachTheIndex builds the product schema and variants beside
// it: one without pair fields counts no pair, one scored by TF-IDF matches the same articles
// and scores them otherwise.
func TestVariantsReachTheIndex(t *testing.T) {
	ctx := context.Background()
	arts := backendtest.Articles(t)
	pairs := map[string]uint64{}
	scores := map[string]map[string]float64{}
	for name, v := range map[string]Variant{"product": {}, "nopairs": {NoPairs: true}, "tf-idf": {Scoring: "tf-idf"}} {
		b, err := CreateVariant(filepath.Join(t.TempDir(), name), v)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.Upsert(ctx, arts...); err != nil {
			t.Fatal(err)
		}
		n, err := b.Frequencies(ctx, []string{"dan chu"})
		if err != nil {
			t.Fatal(err)
		}
		pairs[name] = n[0]
		if name != "nopairs" { // the product's plan searches pair fields
			scores[name] = hits(t, b, dânChủ)
		}
	}
	if pairs["product"] == 0 || pairs["nopairs"] != 0 {
		t.Errorf("the pair dan chu counts %d articles in the product, %d without pair fields; want some, none", pairs["product"], pairs["nopairs"])
	}
	bm25, tfidf := scores["product"], scores["tf-idf"]
	if !slices.Equal(ids(bm25), ids(tfidf)) || len(bm25) < 3 {
		t.Errorf("dân chủ matched %v by BM25, %v by TF-IDF; want the same articles", ids(bm25), ids(tfidf))
	}
	if bm25["a01"] == tfidf["a01"] {
		t.Errorf("a01 scores %g by BM25 and by TF-IDF: the variant's scoring did not reach the index", bm25["a01"])
	}
	if _, err := CreateVariant(t.TempDir(), Variant{}); err == nil {
		t.Error("a variant over an existing directory was created")
	}
}

// TestOpenTunedTouchesOneHandle scores the product index with other boosts
// through options: the tuned handle ranks by them, and a handle opened
// after it with the product's boosts scores as before.
func TestOpenTunedTouchesOneHandle(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := CreateVariant(dir, Variant{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	before := hits(t, b, dânChủ)
	b.Close()

	tuning := bleve.DefaultTuning()
	tuning.Title *= 5
	tuned, err := OpenTuned(dir, tuning)
	if err != nil {
		t.Fatal(err)
	}
	changed := hits(t, tuned, dânChủ)
	tuned.Close()
	if !slices.Equal(ids(changed), ids(before)) {
		t.Errorf("tuned handle matched %v, the product's %v: boosts must not change what matches", ids(changed), ids(before))
	}
	// a01 holds the words in its title, a10 in its body only.
	if changed["a01"]/changed["a10"] <= before["a01"]/before["a10"] {
		t.Errorf("a01 (title) against a10 (body): %g / %g with the title boost ×5, %g / %g without",
			changed["a01"], changed["a10"], before["a01"], before["a10"])
	}

	again, err := OpenTuned(dir, bleve.DefaultTuning())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for id, s := range hits(t, again, dânChủ) {
		if s != before[id] {
			t.Errorf("%s scores %g with the product's boosts after a tuned handle, %g before", id, s, before[id])
		}
	}
}
