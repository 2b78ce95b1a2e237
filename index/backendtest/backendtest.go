// Package backendtest is the conformance suite every index.Backend must
// pass, so that a second engine can stand in for Bleve without surprising
// anyone. It indexes the articles of testdata/articles.jsonl and checks
// search, filters, facets, sorting, paging and the Vietnamese field plan
// with query trees it builds itself: what the query language makes of a
// query is the search package's business, what a tree matches and how it
// ranks is the backend's.
package backendtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// Articles reads the suite's fixture articles.
func Articles(t testing.TB) []article.Article {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(file), "testdata", "articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []article.Article
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a article.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("fixture line %d: %v", len(out)+1, err)
		}
		out = append(out, a)
	}
	return out
}

// Run runs the suite against backends made by open, each one empty. The
// cases run in order on one index holding the fixtures; a case that writes
// puts the fixtures back, except the last, which deletes one.
func Run(t *testing.T, open func(t *testing.T) index.Backend) {
	s := &suite{ctx: context.Background(), open: open, b: open(t), arts: Articles(t)}
	if err := s.b.Upsert(s.ctx, s.arts...); err != nil {
		t.Fatalf("upsert fixtures: %v", err)
	}
	// Upserting the same articles again replaces them.
	if err := s.b.Upsert(s.ctx, s.arts...); err != nil {
		t.Fatalf("upsert fixtures again: %v", err)
	}
	st, err := s.b.Stats(s.ctx)
	if err != nil || st.Articles != uint64(len(s.arts)) {
		t.Fatalf("stats after double upsert = %+v, %v; want %d articles", st, err, len(s.arts))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, s) })
	}
}

// suite is what the cases share: the backend holding the fixtures, the
// fixtures, and open for a case that needs an index of its own.
type suite struct {
	ctx  context.Context
	open func(t *testing.T) index.Backend
	b    index.Backend
	arts []article.Article
}

// cases are the suite, in the order they run.
var cases = []struct {
	name string
	run  func(t *testing.T, s *suite)
}{
	{"spelling variants find the same articles", spellingVariants},
	{"Vietnamese syllables that are English stop words are searchable", stopWords},
	{"marks typed are marks meant", marksMeant},
	{"frequencies count a word or pair as a search matches it", frequencies},
	{"adjacent words outrank scattered ones", adjacency},
	{"codes and hyphenated words", codes},
	{"exclusion, OR and field scope", operators},
	{"filters: OR within a field, AND across fields, dates", filters},
	{"filters select, they do not rank", filtersDoNotRank},
	{"facets count matches and ignore their own filter", facets},
	{"sort newest and oldest, undated last", dateSorts},
	{"cursor paging visits every match once", cursorPaging},
	{"fingerprints tell changed articles from unchanged", fingerprints},
	{"collapse keeps one hit per cluster and counts the copies", collapse},
	{"cursors visit tied scores once", tiedCursors},
	{"facet values are one bucket whatever the tone placement", facetSpellings},
	{"get and delete", getAndDelete},
}

// words is what a user's plain words ask for: one word is its Term, more
// are Words, apart by spaces.
func words(text string) index.Query {
	fs := strings.Fields(text)
	if len(fs) == 1 {
		return index.Term{Text: fs[0]}
	}
	var q index.Words
	for _, f := range fs {
		q.Words = append(q.Words, index.Word{Text: f})
	}
	return q
}

// phrase is a quoted phrase, or a code or hyphenated word, which the query
// language sends as one.
func phrase(text string) index.Query { return index.Phrase{Text: text} }

// ids runs q (100 hits), changed by mod when set, and returns the ids hit.
func (s *suite) ids(t *testing.T, q index.Query, mod func(*index.Request)) []string {
	t.Helper()
	req := index.Request{Query: q, Size: 100}
	if mod != nil {
		mod(&req)
	}
	res, err := s.b.Search(s.ctx, req)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Article.ID)
	}
	if int(res.Total) < len(out) {
		t.Errorf("search %+v: total %d < %d hits", q, res.Total, len(out))
	}
	return out
}

func sorted(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }

func spellingVariants(t *testing.T, s *suite) {
	for _, group := range [][]string{
		{"quy chế dân chủ", "quy che dan chu", "QUY CHẾ DÂN CHỦ", "Quy Che Dan Chu"},
		{"hòa bình", "hoà bình", "hoa binh", "HOÀ BÌNH", "Ho\u0300a Bi\u0300nh"},
		{"thủy điện", "thuỷ điện", "thuy dien"},
		{"đà nẵng", "da nang", "Ðà Nẵng"},
		{"ủy ban", "uỷ ban", "uy ban"},
	} {
		want := sorted(s.ids(t, words(group[0]), nil))
		if len(want) == 0 {
			t.Errorf("%q found nothing", group[0])
			continue
		}
		for _, q := range group[1:] {
			if got := sorted(s.ids(t, words(q), nil)); !slices.Equal(got, want) {
				t.Errorf("%q found %v, %q found %v", q, got, group[0], want)
			}
		}
	}
}

func stopWords(t *testing.T, s *suite) {
	for q, want := range map[string]string{"an ninh": "a02", "máy in": "a05", "do đó": "a02", "công an": "a02", "than không": "a12"} {
		if got := s.ids(t, phrase(q), nil); !slices.Contains(got, want) {
			t.Errorf("%q found %v, want %s", q, got, want)
		}
	}
}

func marksMeant(t *testing.T, s *suite) {
	if got := s.ids(t, words("bán"), nil); !slices.Equal(got, []string{"a03"}) {
		t.Errorf(`"bán" found %v; want a03 ("giá bán") alone, not the "bàn" articles`, got)
	}
	if got := s.ids(t, words("ban"), nil); len(got) < 2 || !slices.Contains(got, "a03") || !slices.Contains(got, "a04") {
		t.Errorf(`"ban" found %v; want every spelling, a03 and a04 among them`, got)
	}
	got := s.ids(t, words("bàn ghế"), nil)
	if len(got) == 0 || got[0] != "a04" || slices.Contains(got, "a03") {
		t.Errorf(`"bàn ghế" ranked %v; want a04 first and no "bán" article`, got)
	}
}

func frequencies(t *testing.T, s *suite) {
	texts := []string{"bán", "BÁN", "ban", "bàn ghế", "ban ghe", "dân chủ", "không có đâu", "a b c"}
	n, err := s.b.Frequencies(s.ctx, texts)
	if err != nil || len(n) != len(texts) {
		t.Fatalf("frequencies: %v, %v", n, err)
	}
	for i, text := range texts[:6] {
		q := words(text)
		if text == "dân chủ" {
			q = phrase(text)
		}
		// An estimate: at least half what the search finds (title or
		// body, whichever holds more), never more.
		if got := uint64(len(s.ids(t, q, nil))); n[i] > got || n[i]*2 < got || got > 0 && n[i] == 0 {
			t.Errorf("frequency of %q = %d; the search finds %d", texts[i], n[i], got)
		}
	}
	if n[6] != 0 || n[7] != 0 {
		t.Errorf("frequencies of texts of three words = %d, %d; want 0", n[6], n[7])
	}
}

func adjacency(t *testing.T, s *suite) {
	got := s.ids(t, words("dân chủ"), nil)
	pos := func(id string) int { return slices.Index(got, id) }
	if pos("a06") < 0 || pos("a07") < 0 || pos("a07") > pos("a06") || pos("a01") > pos("a06") {
		t.Errorf(`"dân chủ" ranked %v; a01 and a07 (adjacent) must come before a06 (scattered)`, got)
	}
	if got := s.ids(t, phrase("dân chủ"), nil); slices.Contains(got, "a06") {
		t.Errorf(`quoted "dân chủ" matched a06, where the words are apart`)
	}
}

func codes(t *testing.T, s *suite) {
	for _, q := range []string{"04/2015/NĐ-CP", "04/2015/nd-cp", "Covid-19", "covid-19"} {
		if got := s.ids(t, phrase(q), nil); len(got) != 1 {
			t.Errorf("%q found %v, want exactly one article", q, got)
		}
	}
}

func operators(t *testing.T, s *suite) {
	or := index.Bool{Should: []index.Query{words("thủy điện"), words("máy in")}}
	if got := sorted(s.ids(t, or, nil)); !slices.Equal(got, []string{"a05", "a08"}) {
		t.Errorf("OR found %v", got)
	}
	not := index.Bool{Must: []index.Query{words("dân chủ")}, Not: []index.Query{words("nghị")}}
	if got := s.ids(t, not, nil); slices.Contains(got, "a10") || slices.Contains(got, "a01") || len(got) == 0 {
		t.Errorf("exclusion found %v", got)
	}
	// "dân" in titles: a01, a06, a07 spelled so; a10's "dẫn" is another word.
	if got := sorted(s.ids(t, index.Term{Field: index.FieldTitle, Text: "dân"}, nil)); !slices.Equal(got, []string{"a01", "a06", "a07"}) {
		t.Errorf("title:dân found %v; want a01, a06, a07", got)
	}
	if got := s.ids(t, index.Term{Field: index.FieldTitle, Text: "dan"}, nil); len(got) != 4 {
		t.Errorf("title:dan found %v; want the four titles with dân/dẫn", got)
	}
	if got := s.ids(t, index.Term{Field: index.FieldSite, Text: "baomau.vn"}, nil); len(got) != 6 {
		t.Errorf("site:baomau.vn found %d, want 6", len(got))
	}
	if got := s.ids(t, index.Prefix{Text: "thuy"}, nil); !slices.Equal(got, []string{"a08"}) {
		t.Errorf("thuy* found %v", got)
	}
}

func filters(t *testing.T, s *suite) {
	got := s.ids(t, index.MatchAll{}, func(r *index.Request) {
		r.Filters = map[string][]string{index.FieldSection: {"Thời sự", "Kinh tế"}, index.FieldSite: {"tinmau.com.vn"}}
	})
	if want := []string{"a03", "a06", "a08"}; !slices.Equal(sorted(got), want) {
		t.Errorf("section in (Thời sự, Kinh tế) and site tinmau.com.vn: %v, want %v", sorted(got), want)
	}
	got = s.ids(t, index.MatchAll{}, func(r *index.Request) {
		r.From = time.Date(2020, 1, 1, 0, 0, 0, 0, article.Vietnam)
		r.To = time.Date(2021, 1, 1, 0, 0, 0, 0, article.Vietnam)
	})
	if want := []string{"a01", "a06", "a07"}; !slices.Equal(sorted(got), want) {
		t.Errorf("published in 2020: %v, want %v", sorted(got), want)
	}
	got = s.ids(t, index.MatchAll{}, func(r *index.Request) { r.Filters = map[string][]string{index.FieldAuthor: {"Khánh Vy"}} })
	if !slices.Equal(got, []string{"a01"}) {
		t.Errorf("author Khánh Vy: %v", got)
	}
}

// filtersDoNotRank checks that a filter only takes hits away: each hit
// left scores what it scores without the filter (cursors carry scores
// from one page to the next, and a facet's counts are searched without
// that facet's own filter).
func filtersDoNotRank(t *testing.T, s *suite) {
	site := "baomau.vn"
	for _, q := range []index.Query{
		words("dân chủ"),
		words("dân"),
		words("an ninh trật tự"),
		phrase("dân chủ"),
		index.Bool{Should: []index.Query{words("dân chủ"), words("máy in")}},
		index.Bool{Must: []index.Query{words("dân chủ")}, Not: []index.Query{words("xã")}},
		index.Prefix{Text: "dân"},
	} {
		all := map[string]index.Hit{}
		res, err := s.b.Search(s.ctx, index.Request{Query: q, Size: 100})
		if err != nil {
			t.Fatalf("search %+v: %v", q, err)
		}
		for _, h := range res.Hits {
			all[h.Article.ID] = h
		}
		for _, f := range []struct {
			name string
			mod  func(*index.Request)
		}{
			{"site", func(r *index.Request) { r.Filters = map[string][]string{index.FieldSite: {site}} }},
			{"site and dates", func(r *index.Request) {
				r.Filters = map[string][]string{index.FieldSite: {site}}
				r.From = time.Date(2015, 1, 1, 0, 0, 0, 0, article.Vietnam)
				r.To = time.Date(2024, 1, 1, 0, 0, 0, 0, article.Vietnam)
			}},
		} {
			req := index.Request{Query: q, Size: 100}
			f.mod(&req)
			res, err := s.b.Search(s.ctx, req)
			if err != nil {
				t.Fatalf("search %+v with a %s filter: %v", q, f.name, err)
			}
			var want []string
			for id, h := range all {
				if h.Article.Site == site {
					want = append(want, id)
				}
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Article.ID)
				w, ok := all[h.Article.ID]
				if ok && math.Abs(h.Score-w.Score) > 1e-6*math.Abs(w.Score) {
					t.Errorf("%+v: %s scores %g with a %s filter, %g without", q, h.Article.ID, h.Score, f.name, w.Score)
				}
			}
			if len(want) == 0 || !slices.Equal(sorted(got), sorted(want)) {
				t.Errorf("%+v with a %s filter hit %v; want the %s articles of the unfiltered hits, %v", q, f.name, sorted(got), site, sorted(want))
			}
		}
	}
}

func facets(t *testing.T, s *suite) {
	res, err := s.b.Search(s.ctx, index.Request{Query: index.MatchAll{}, Size: 0,
		Facets:  []string{index.FieldSite, index.FieldYear, index.FieldSection},
		Filters: map[string][]string{index.FieldSite: {"baomau.vn"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 6 {
		t.Errorf("site=baomau.vn total %d, want 6", res.Total)
	}
	sites := map[string]int{}
	for _, f := range res.Facets[index.FieldSite] {
		sites[f.Value] = f.Count
	}
	if sites["baomau.vn"] != 6 || sites["tinmau.com.vn"] != 6 {
		t.Errorf("site facet under a site filter = %v; want both sites with their full counts", sites)
	}
	years := 0
	for i, f := range res.Facets[index.FieldYear] {
		years += f.Count
		if i > 0 && res.Facets[index.FieldYear][i-1].Value >= f.Value {
			t.Errorf("year facet not in time order: %v", res.Facets[index.FieldYear])
		}
	}
	if years != 6 {
		t.Errorf("year facet adds up to %d for the 6 baomau.vn articles (all dated)", years)
	}
	if len(res.Facets[index.FieldSection]) == 0 {
		t.Error("no section facet")
	}
}

func dateSorts(t *testing.T, s *suite) {
	newest := s.ids(t, index.MatchAll{}, func(r *index.Request) { r.Sort = index.SortNewest })
	oldest := s.ids(t, index.MatchAll{}, func(r *index.Request) { r.Sort = index.SortOldest })
	if newest[0] != "a12" || oldest[0] != "a10" {
		t.Errorf("newest first %s, oldest first %s; want a12 and a10", newest[0], oldest[0])
	}
	if newest[len(newest)-1] != "a11" || oldest[len(oldest)-1] != "a11" {
		t.Errorf("undated a11 not last: newest %v oldest %v", newest, oldest)
	}
}

func cursorPaging(t *testing.T, s *suite) {
	for _, order := range []index.Sort{index.SortRelevance, index.SortNewest, index.SortOldest} {
		all := map[string]int{}
		req := index.Request{Query: words("dân"), Size: 2, Sort: order}
		var total uint64
		for i := 0; i < 20; i++ {
			res, err := s.b.Search(s.ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			total = res.Total
			for _, h := range res.Hits {
				all[h.Article.ID]++
			}
			if len(res.Hits) < req.Size {
				break
			}
			req.After = res.Hits[len(res.Hits)-1].SortKey
		}
		if uint64(len(all)) != total {
			t.Errorf("sort %d: cursor walk saw %d articles, total is %d", order, len(all), total)
		}
		for id, n := range all {
			if n != 1 {
				t.Errorf("sort %d: %s seen %d times", order, id, n)
			}
		}
	}
}

func fingerprints(t *testing.T, s *suite) {
	fp, err := s.b.Fingerprints(s.ctx, []string{"a01", "a02", "zz"})
	if err != nil {
		t.Fatal(err)
	}
	if len(fp) != 2 || fp["a01"] != s.arts[0].ContentHash() || fp["a02"] != s.arts[1].ContentHash() {
		t.Errorf("fingerprints = %v; want the content hashes of a01 and a02 only", fp)
	}
	changed := s.arts[0]
	changed.Body += " Thêm một câu."
	if err := s.b.Upsert(s.ctx, changed); err != nil {
		t.Fatal(err)
	}
	fp, _ = s.b.Fingerprints(s.ctx, []string{"a01"})
	if fp["a01"] != changed.ContentHash() || fp["a01"] == s.arts[0].ContentHash() {
		t.Errorf("after an update the fingerprint did not follow the content")
	}
	if err := s.b.Upsert(s.ctx, s.arts[0]); err != nil {
		t.Fatal(err)
	}
}

func collapse(t *testing.T, s *suite) {
	q := words("dân chủ")
	full, err := s.b.Search(s.ctx, index.Request{Query: q, Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.b.Search(s.ctx, index.Request{Query: q, Size: 20, Collapse: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != len(full.Hits)-1 {
		t.Errorf("collapsed %d hits, uncollapsed %d; want one fewer (a01 and a07 are copies)", len(res.Hits), len(full.Hits))
	}
	kept := 0
	for _, h := range res.Hits {
		if h.Article.Cluster == "kdemo" {
			kept++
			if h.Copies != 1 {
				t.Errorf("%s: %d copies, want 1", h.Article.ID, h.Copies)
			}
		} else if h.Copies != 0 {
			t.Errorf("%s: %d copies, want 0", h.Article.ID, h.Copies)
		}
	}
	if kept != 1 {
		t.Errorf("%d hits of cluster kdemo kept, want 1", kept)
	}
	page2, _ := s.b.Search(s.ctx, index.Request{Query: q, Size: 2, Offset: 2, Collapse: true})
	if want := res.Hits[2:min(4, len(res.Hits))]; len(page2.Hits) != len(want) || len(want) == 0 || page2.Hits[0].Article.ID != want[0].Article.ID {
		t.Errorf("collapsed page 2 (%d hits) does not continue page 1 (%d hits)", len(page2.Hits), len(res.Hits))
	}
	// Walking collapsed pages by cursor shows each cluster once.
	walked := map[string]bool{}
	creq := index.Request{Query: q, Size: 1, Collapse: true}
	for i := 0; i < 10; i++ {
		r, err := s.b.Search(s.ctx, creq)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) == 0 {
			break
		}
		for _, h := range r.Hits {
			walked[h.Article.ID] = true
		}
		creq.After = r.Hits[len(r.Hits)-1].SortKey
	}
	if len(walked) != len(res.Hits) || walked["a01"] && walked["a07"] {
		t.Errorf("collapsed cursor walk saw %v; want the %d collapsed hits", walked, len(res.Hits))
	}
	got := s.ids(t, index.MatchAll{}, func(r *index.Request) { r.Filters = map[string][]string{index.FieldCluster: {"kdemo"}} })
	if !slices.Equal(sorted(got), []string{"a01", "a07"}) {
		t.Errorf("cluster=kdemo lists %v", got)
	}
}

func tiedCursors(t *testing.T, s *suite) {
	// A fresh index written in one batch: nothing for a background
	// merge to purge, so scores hold still between pages. (Under
	// concurrent writes scores drift, as in any score-ranked cursor.)
	b := s.open(t)
	var twins []article.Article
	for i := range 7 {
		twins = append(twins, article.Article{ID: fmt.Sprintf("tie%d", i), Title: "Sếu đầu đỏ", Body: "Sếu đầu đỏ trở về Tràm Chim."})
	}
	twins = append(twins, s.arts...)
	if err := b.Upsert(s.ctx, twins...); err != nil {
		t.Fatal(err)
	}
	q := words("sếu đầu đỏ")
	for _, order := range []index.Sort{index.SortRelevance, index.SortNewest} {
		seen := map[string]int{}
		req := index.Request{Query: q, Size: 3, Sort: order}
		for i := 0; i < 10; i++ {
			res, err := b.Search(s.ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				seen[h.Article.ID]++
			}
			if len(res.Hits) < req.Size {
				break
			}
			req.After = res.Hits[len(res.Hits)-1].SortKey
		}
		if len(seen) != 7 {
			t.Errorf("sort %d: walked %d of 7 tied articles: %v", order, len(seen), seen)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("sort %d: %s seen %d times", order, id, n)
			}
		}
	}
}

func facetSpellings(t *testing.T, s *suite) {
	extra := []article.Article{
		{ID: "hb1", Title: "Tin Hòa Bình", Body: "Một.", Section: "Hòa Bình", Author: "Lê Thị Thuỷ"},
		{ID: "hb2", Title: "Tin Hoà Bình", Body: "Hai.", Section: "Hoà Bình", Author: "Lê Thị Thủy"},
		{ID: "hb3", Title: "Tin Hoà Bình", Body: "Ba.", Section: "Hoà Bình ", Author: "Lê  Thị Thủy"},
	}
	if err := s.b.Upsert(s.ctx, extra...); err != nil {
		t.Fatal(err)
	}
	defer s.b.Delete(s.ctx, "hb1", "hb2", "hb3")
	res, err := s.b.Search(s.ctx, index.Request{Query: words("tin"), Size: 0, Facets: []string{index.FieldSection, index.FieldAuthor}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{index.FieldSection, index.FieldAuthor} {
		if len(res.Facets[f]) != 1 || res.Facets[f][0].Count != 3 {
			t.Errorf("%s facet = %v; want one bucket of 3", f, res.Facets[f])
		}
	}
	got := s.ids(t, index.MatchAll{}, func(r *index.Request) { r.Filters = map[string][]string{index.FieldSection: {"Hoà Bình"}} })
	if len(got) != 3 {
		t.Errorf("section=Hoà Bình matched %v; want all three spellings", got)
	}
}

func getAndDelete(t *testing.T, s *suite) {
	a, ok, err := s.b.Get(s.ctx, "a08")
	if err != nil || !ok || a.Title != "Thủy điện Hòa Bình xả lũ" || a.Author != "Dương Quang Chí" {
		t.Fatalf("get a08 = %+v, %v, %v", a, ok, err)
	}
	if _, ok, err := s.b.Get(s.ctx, "nope"); ok || err != nil {
		t.Errorf("get missing = %v, %v", ok, err)
	}
	if err := s.b.Delete(s.ctx, "a08"); err != nil {
		t.Fatal(err)
	}
	if got := s.ids(t, words("thủy điện"), nil); len(got) != 0 {
		t.Errorf("deleted article still found: %v", got)
	}
}
