package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// corpusIndex indexes the first n articles of the news corpus, plus extra.
func corpusIndex(t testing.TB, n int, extra ...article.Article) *Bleve {
	t.Helper()
	ctx := context.Background()
	b := newTestIndex(t)
	arts := extra
	err := corpus.Lines(ctx, corpustest.Path(t, "vi-news"), func(_ string, _ int, text []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(text, &a); err != nil {
			return false, err
		}
		arts = append(arts, a)
		return len(arts) < n+len(extra), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	return b
}

// twoLetterPrefixes are 64 distinct two-letter starts of common words,
// OR-ed: the query the probe found costing a second.
func twoLetterPrefixes() index.Query {
	var or index.Bool
	seen := map[string]bool{}
	for _, a := range "abcdeghiklmnopqrstuvxy" {
		for _, c := range "ahinotu" {
			p := string(a) + string(c)
			if len(seen) < 64 && !seen[p] {
				seen[p] = true
				or.Should = append(or.Should, index.Prefix{Text: p})
			}
		}
	}
	return or
}

func TestSearchCostBudget(t *testing.T) {
	ctx := context.Background()
	b := corpusIndex(t, 600)
	// One short prefix is an ordinary search.
	res, err := b.Search(ctx, index.Request{Query: index.Prefix{Text: "th"}, Size: 5})
	if err != nil || res.Total == 0 {
		t.Fatalf("th*: %v, %d hits", err, res.Total)
	}
	visits := func(prefixes ...string) (words int, n uint64) {
		for _, p := range prefixes {
			for _, f := range []string{fTitle, fBody} {
				counts, err := b.prefixCounts(ctx, f, p)
				if err != nil {
					t.Fatal(err)
				}
				words += len(counts)
				for _, c := range counts {
					n += c.Count
				}
			}
		}
		return words, n
	}
	var all []string
	for _, q := range twoLetterPrefixes().(index.Bool).Should {
		all = append(all, q.(index.Prefix).Text)
	}
	thWords, thVisits := visits("th")
	words, total := visits(all...)
	t.Logf("600 articles: th* expands to %d words, %d postings; the 64 prefixes to %d words, %d postings", thWords, thVisits, words, total)
	if limit := (&budget{docs: 600}).maxVisits(); total <= limit || thVisits > limit/2 {
		t.Fatalf("the budget (%d postings) does not tell th* (%d) from the 64 prefixes (%d) on real articles", limit, thVisits, total)
	}
	_, err = b.Search(ctx, index.Request{Query: twoLetterPrefixes(), Size: 10})
	if !errors.Is(err, index.ErrBadRequest) || !strings.Contains(err.Error(), "prefixes") {
		t.Errorf("64 OR-ed prefixes: %v, want a bad request over the budget", err)
	}
}

func TestExpensiveSearchesWaitForASlot(t *testing.T) {
	for range cap(expensiveSlots) {
		expensiveSlots <- struct{}{}
	}
	defer func() {
		for range cap(expensiveSlots) {
			<-expensiveSlots
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cheap := &budget{expansions: 10}
	if release, err := cheap.acquire(ctx); err != nil {
		t.Errorf("a cheap search waited: %v", err)
	} else {
		release()
	}
	dear := &budget{docs: 1000, visits: 1000*expensiveVisitsPerDoc + minVisits}
	if _, err := dear.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("an expensive search ran with every slot taken: %v", err)
	}
}

func TestLongWordsAreNotIndexed(t *testing.T) {
	ctx := context.Background()
	planted := article.Article{ID: "planted", Title: "zqone " + strings.Repeat("y", 200000),
		Body: "thật " + strings.Repeat("th", 50000) + " kết thúc"}
	b := corpusIndex(t, 200, planted)
	for _, f := range []string{fTitle, fBody, fTitleFPairs, fBodyFPairs} {
		adv, _ := b.idx.Advanced()
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		d, err := r.FieldDict(f)
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			if len(e.Term) > 2*index.MaxTokenBytes+1 {
				t.Errorf("field %s holds a term of %d bytes", f, len(e.Term))
				break
			}
		}
		d.Close()
		r.Close()
	}
	// The rest of the article is still found, and no pair spans the gap.
	for _, q := range []index.Query{index.Term{Text: "zqone"}, index.Phrase{Text: "kết thúc"}} {
		res, err := b.Search(ctx, index.Request{Query: q, Size: 300})
		if err != nil || !hasID(res.Hits, "planted") {
			t.Errorf("%+v: planted article not found (%v)", q, err)
		}
	}
	if res, _ := b.Search(ctx, index.Request{Query: index.Phrase{Text: "thật kết"}, Size: 300}); hasID(res.Hits, "planted") {
		t.Error("a pair was made across the dropped word")
	}
}

func hasID(hits []index.Hit, id string) bool {
	for _, h := range hits {
		if h.Article.ID == id {
			return true
		}
	}
	return false
}
