package indexdoc_test

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/indexdoc"
)

// TestSameAsEmbeddedEngine checks New against what the embedded backend
// keeps of the same articles: the stored record Get returns, the
// fingerprints, and the facet values it counts.
func TestSameAsEmbeddedEngine(t *testing.T) {
	ctx := context.Background()
	arts := backendtest.Articles(t)
	arts = append(arts,
		article.Article{ID: "x1", Title: "Thuỷ  điện\u00a0Hoà Bình", Lead: "Sa\u0300i Gòn", Body: "Khoẻ.",
			Site: " Báo  Mẫu ", Section: "Hoà Bình ", Author: " Lê Thị Thuỷ,  Trần  Văn Út ,", Cluster: "k x",
			Published: time.Date(2020, 12, 31, 20, 0, 0, 0, time.UTC)},
		article.Article{ID: "x2", Title: "Không ngày", Body: "Không ngày đăng."},
	)
	b, err := bleve.Open(t.TempDir(), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(ctx, arts...); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]bool{}
	add := func(field, v string) {
		if v == "" {
			return
		}
		if want[field] == nil {
			want[field] = map[string]bool{}
		}
		want[field][v] = true
	}
	for i := range arts {
		d, err := indexdoc.New(&arts[i])
		if err != nil {
			t.Fatal(err)
		}
		got, err := indexdoc.Decode(d.Stored)
		if err != nil {
			t.Fatal(err)
		}
		kept, ok, err := b.Get(ctx, d.ID)
		if err != nil || !ok {
			t.Fatalf("get %s: %v, %v", d.ID, ok, err)
		}
		if !reflect.DeepEqual(got, kept) {
			t.Errorf("%s: stored record\n got %+v\nwant %+v", d.ID, got, kept)
		}
		fp, err := b.Fingerprints(ctx, []string{d.ID})
		if err != nil || fp[d.ID] != d.Hash {
			t.Errorf("%s: hash %s, the embedded engine keeps %s (%v)", d.ID, d.Hash, fp[d.ID], err)
		}
		add(index.FieldSite, d.Site)
		add(index.FieldSection, d.Section)
		for _, a := range d.Authors {
			add(index.FieldAuthor, a)
		}
		add(index.FieldYear, d.Year())
		add(index.FieldMonth, d.Month())
	}
	res, err := b.Search(ctx, index.Request{Query: index.MatchAll{}, Facets: index.FacetFields})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range index.FacetFields {
		var got, exp []string
		for _, v := range res.Facets[f] {
			got = append(got, v.Value)
		}
		for v := range want[f] {
			exp = append(exp, v)
		}
		sort.Strings(got)
		sort.Strings(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("%s facet values: the embedded engine counts %q, New gives %q", f, got, exp)
		}
	}
	// The cluster key is kept as given: a filter on it finds the article.
	hits, err := b.Search(ctx, index.Request{Filters: map[string][]string{index.FieldCluster: {"k x"}}, Size: 5})
	if err != nil || len(hits.Hits) != 1 || hits.Hits[0].Article.ID != "x1" {
		t.Errorf("cluster filter: %+v, %v", hits.Hits, err)
	}
}

func TestDays(t *testing.T) {
	a := article.Article{ID: "d", Title: "t", Published: time.Date(2020, 12, 31, 20, 0, 0, 0, time.UTC)}
	d, err := indexdoc.New(&a)
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC is 03:00 the next day in Vietnam.
	if d.Year() != "2021" || d.Month() != "2021-01" || d.Day() != "2021-01-01" {
		t.Errorf("year, month, day = %s, %s, %s", d.Year(), d.Month(), d.Day())
	}
	if _, err := indexdoc.New(&article.Article{Title: "no id"}); err == nil {
		t.Error("an article without id was accepted")
	}
}
