package bleve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// newsArticles reads n articles of the real news corpus and gives each a
// site, section, author(s) and date derived from its id, spelling some
// values with the other tone placement, as scraped sites do.
func newsArticles(t *testing.T, n int) []article.Article {
	t.Helper()
	sites := []string{"vnexpress.net", "tuoitre.vn", "Hòa Bình online", "Hoà Bình online", "plo.vn"}
	sections := []string{"Thời sự", "Thế giới", "Kinh doanh", "Thể thao", "Sức khoẻ", "Sức khỏe"}
	authors := []string{"Minh Thủy", "Minh Thuỷ", "Lê Hoà", "Trần Văn An", ""}
	var out []article.Article
	err := corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(file string, line int, text []byte) (bool, error) {
		var a article.Article
		if err := json.Unmarshal(text, &a); err != nil {
			return false, err
		}
		h := fnv.New64a()
		h.Write([]byte(a.ID))
		x := h.Sum64()
		a.Site = sites[x%uint64(len(sites))]
		if x%7 != 0 { // some articles have no section
			a.Section = sections[(x>>8)%uint64(len(sections))]
		}
		a.Author = authors[(x>>16)%uint64(len(authors))]
		if x%5 == 0 {
			a.Author += ", " + authors[(x>>24)%uint64(len(authors)-1)]
		}
		if x%11 != 0 { // and some no date
			a.Published = time.Date(2012+int(x>>32%12), time.Month(1+(x>>40)%12), 1+int(x>>48%28), 12, 0, 0, 0, article.Vietnam)
		}
		out = append(out, a)
		return len(out) < n, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < n {
		t.Fatalf("corpus gave %d articles, want %d", len(out), n)
	}
	return out
}

// The facet counts of a search must equal the values of its matches,
// counted one by one, on an index of several segments where updates have
// deleted documents from older ones.
func TestFacetCountsMatchHits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index of 1,200 real articles")
	}
	ctx := context.Background()
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	arts := newsArticles(t, 1200)
	for i := 0; i < len(arts); i += 300 { // one segment per call at least
		if err := b.Upsert(ctx, arts[i:min(i+300, len(arts))]...); err != nil {
			t.Fatal(err)
		}
	}
	// Move some articles to another site and year: their old documents
	// stay in old segments, deleted.
	var moved []article.Article
	for i := 0; i < len(arts); i += 6 {
		a := arts[i]
		a.Site = "baomoi.com"
		a.Published = time.Date(2024, 3, 9, 8, 0, 0, 0, article.Vietnam)
		moved = append(moved, a)
	}
	if err := b.Upsert(ctx, moved...); err != nil {
		t.Fatal(err)
	}
	all := append(append([]string{}, index.FacetFields...), index.FieldDay)
	tests := []struct {
		name string
		req  index.Request
	}{
		{"everything", index.Request{}},
		{"common word", index.Request{Query: index.Term{Text: "người"}}},
		{"folded phrase", index.Request{Query: index.Phrase{Text: "chinh phu"}}},
		{"rare word", index.Request{Query: index.Term{Text: "Israel"}}},
		{"no match", index.Request{Query: index.Term{Text: "zzxqkj"}}},
		{"site filter", index.Request{Query: index.Term{Text: "nam"}, Filters: map[string][]string{index.FieldSite: {"Hoà Bình online", "plo.vn"}}}},
		{"two filters", index.Request{Query: index.Term{Text: "việt"}, Filters: map[string][]string{index.FieldSection: {"Sức khỏe"}, index.FieldAuthor: {"Lê Hòa"}}}},
		{"date range", index.Request{Query: index.Term{Text: "năm"}, From: time.Date(2016, 1, 1, 0, 0, 0, 0, article.Vietnam), To: time.Date(2020, 1, 1, 0, 0, 0, 0, article.Vietnam)}},
		{"relevance cursor", index.Request{Query: index.Term{Text: "công an"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			req.Facets = all
			req.Size = 10
			got, err := b.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			hits := map[string][]index.Hit{} // the matches of each oracle request
			for _, f := range all {
				// Multi-select: a field's counts ignore its own filter.
				oracle := tc.req
				oracle.Filters = map[string][]string{}
				for k, v := range tc.req.Filters {
					if k != f {
						oracle.Filters[k] = v
					}
				}
				key := fmt.Sprint(oracle.Filters)
				if hits[key] == nil {
					hits[key] = allHits(t, b, oracle)
				}
				want := countByHand(hits[key], f)
				if g := got.Facets[f]; !reflect.DeepEqual(sorted(g), want) {
					t.Errorf("facet %s:\n got %v\nwant %v", f, sorted(g), want)
				}
			}
			if tc.name == "relevance cursor" && len(got.Hits) > 0 {
				// A cursor page counts the whole match set too.
				req.After = got.Hits[len(got.Hits)-1].SortKey
				next, err := b.Search(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(next.Facets, got.Facets) || next.Total != got.Total {
					t.Errorf("cursor page facets differ from the first page's")
				}
			}
		})
	}
}

// allHits fetches every match of req.
func allHits(t *testing.T, b index.Backend, req index.Request) []index.Hit {
	t.Helper()
	req.Size = 10000
	res, err := b.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(res.Hits)) != res.Total {
		t.Fatalf("fetched %d of %d matches", len(res.Hits), res.Total)
	}
	if res.Hits == nil {
		res.Hits = []index.Hit{}
	}
	return res.Hits
}

// countByHand counts field's values in hits.
func countByHand(hits []index.Hit, field string) []index.FacetValue {
	counts := map[string]int{}
	for _, h := range hits {
		a := h.Article
		var vals []string
		switch field {
		case index.FieldSite:
			vals = []string{a.Site}
		case index.FieldSection:
			vals = []string{a.Section}
		case index.FieldAuthor:
			for _, p := range strings.Split(a.Author, ",") {
				vals = append(vals, strings.TrimSpace(p))
			}
		case index.FieldYear:
			if !a.Published.IsZero() {
				vals = []string{a.Published.In(article.Vietnam).Format("2006")}
			}
		case index.FieldMonth:
			if !a.Published.IsZero() {
				vals = []string{a.Published.In(article.Vietnam).Format("2006-01")}
			}
		case index.FieldDay:
			if !a.Published.IsZero() {
				vals = []string{a.Published.In(article.Vietnam).Format("2006-01-02")}
			}
		default:
			panic(fmt.Sprint("no oracle for ", field))
		}
		seen := map[string]bool{} // an article counts once per bucket
		for _, v := range vals {
			if v != "" && !seen[v] {
				seen[v] = true
				counts[v]++
			}
		}
	}
	out := []index.FacetValue{}
	for v, n := range counts {
		out = append(out, index.FacetValue{Value: v, Count: n})
	}
	return sorted(out)
}

func sorted(fs []index.FacetValue) []index.FacetValue {
	out := append([]index.FacetValue{}, fs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}
