package search

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/vi"
)

var (
	datedOnce sync.Once
	datedSvc  *Service
	datedArts []article.Article
	datedErr  error
)

// dated is a service over real articles of the shared corpus: the first 800
// with a publication date (dantri.com.vn, 2019 to 2021, with sections) and
// 200 without, built once for the research tests.
func dated(t *testing.T) (*Service, []article.Article) {
	t.Helper()
	dir := corpustest.Path(t, "vi-news")
	datedOnce.Do(func() {
		ctx := context.Background()
		withDate, without := 0, 0
		datedErr = corpus.Lines(ctx, dir, func(_ string, _ int, text []byte) (bool, error) {
			has := bytes.Contains(text, []byte(`"published"`))
			if has && withDate >= 800 || !has && without >= 200 {
				return withDate < 800 || without < 200, nil
			}
			var a article.Article
			if err := json.Unmarshal(text, &a); err != nil {
				return false, err
			}
			if a.Published.IsZero() {
				without++
			} else {
				withDate++
			}
			datedArts = append(datedArts, a)
			return withDate < 800 || without < 200, nil
		})
		if datedErr == nil {
			datedSvc, datedErr = serviceOver(ctx, datedArts)
		}
	})
	if datedErr != nil {
		t.Fatalf("dated index: %v", datedErr)
	}
	return datedSvc, datedArts
}

// total is what /api/search answers as the total of q between from and to.
func total(t *testing.T, s *Service, v url.Values) uint64 {
	t.Helper()
	v.Set("size", "1")
	v.Set("facets", "")
	p, err := ParseParams(v)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Search(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// Every bucket of a trend counts what a search for the same query and the
// bucket's dates totals, and its denominator what an empty query totals.
func TestTrendsEqualSearchTotals(t *testing.T) {
	s, _ := dated(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		v    url.Values
		// every: check every bucket; otherwise those with a count and a few without
		every bool
	}{
		{"monthly", url.Values{"q": {"covid", "Việt Nam", `"chính phủ"`}, "interval": {"month"}}, true},
		{"yearly accentless", url.Values{"q": {"viet nam", "ha noi -covid"}, "interval": {"year"}}, true},
		{"weekly in a period", url.Values{"q": {"bệnh nhân"}, "interval": {"week"}, "from": {"2021-03"}, "to": {"2021-05"}}, true},
		{"daily", url.Values{"q": {"covid"}, "interval": {"day"}, "from": {"2021-04-01"}, "to": {"2021-04-30"}}, false},
		{"section filter", url.Values{"q": {"tuyển sinh", "học sinh"}, "section": {"Giáo dục"}, "interval": {"month"}}, true},
		{"default interval", url.Values{"q": {"covid"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := ParseTrendParams(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := s.Trends(ctx, tp)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Buckets) == 0 || len(tr.Series) != len(tp.Queries) {
				t.Fatalf("%d buckets, %d series", len(tr.Buckets), len(tr.Series))
			}
			if want := tc.v.Get("interval"); want != "" && tr.Interval != want {
				t.Errorf("interval %q, want %q", tr.Interval, want)
			}
			filters := url.Values{}
			for _, k := range []string{"section", "site"} {
				if tc.v.Has(k) {
					filters[k] = tc.v[k]
				}
			}
			matched := 0
			for j, b := range tr.Buckets {
				if j > 0 && tr.Buckets[j-1].End >= b.Start {
					t.Fatalf("buckets overlap or are out of order: %+v then %+v", tr.Buckets[j-1], b)
				}
				any := false
				for _, ser := range tr.Series {
					any = any || ser.Counts[j] > 0
				}
				if !tc.every && !any && j%10 != 0 {
					continue
				}
				v := cloneValues(filters)
				v.Set("from", b.Start)
				v.Set("to", b.End)
				if got := total(t, s, cloneValues(v)); got != uint64(b.Articles) {
					t.Errorf("bucket %s: %d articles, search with no query totals %d", b.Key, b.Articles, got)
				}
				for _, ser := range tr.Series {
					v.Set("q", ser.Q)
					if got := total(t, s, cloneValues(v)); got != uint64(ser.Counts[j]) {
						t.Errorf("bucket %s q=%q: count %d, search totals %d", b.Key, ser.Q, ser.Counts[j], got)
					}
					if ser.Counts[j] > 0 {
						matched++
						want := roundTo(float64(ser.Counts[j])*10000/float64(b.Articles), 2)
						if ser.PerTenK[j] != want || want <= 0 {
							t.Errorf("bucket %s q=%q: per_10k %v, want %v", b.Key, ser.Q, ser.PerTenK[j], want)
						}
					}
				}
			}
			t.Logf("%s: %d buckets %s..%s, %d checked with matches; first series total %d", tr.Interval, len(tr.Buckets), tr.Buckets[0].Key, tr.Buckets[len(tr.Buckets)-1].Key, matched, tr.Series[0].Total)
			if matched == 0 {
				t.Fatal("no bucket with a match: the test checks nothing")
			}
			for _, ser := range tr.Series {
				v := cloneValues(filters)
				v.Set("q", ser.Q)
				v.Set("from", tr.Buckets[0].Start)
				v.Set("to", tr.Buckets[len(tr.Buckets)-1].End)
				if got := total(t, s, v); got != uint64(ser.Total) {
					t.Errorf("q=%q: series total %d, search over the span totals %d", ser.Q, ser.Total, got)
				}
			}
		})
	}
}

func TestTrendParamsRefused(t *testing.T) {
	for _, v := range []url.Values{
		{},
		{"q": {"a", "b", "c", "d", "e", "f", "g", "h", "i"}},
		{"q": {"covid"}, "interval": {"hour"}},
		{"q": {"covid"}, "size": {"10"}},
		{"q": {"covid"}, "from": {"2021-13"}},
		{"q": {"covid"}, "bogus": {"1"}},
	} {
		if _, err := ParseTrendParams(v); err == nil || !IsBadRequest(err) {
			t.Errorf("%v: %v, want a parameter error", v, err)
		}
	}
	s, _ := dated(t)
	tp, _ := ParseTrendParams(url.Values{"q": {"covid"}, "interval": {"day"}, "from": {"1990"}, "to": {"2030"}})
	if _, err := s.Trends(context.Background(), tp); err == nil || !IsBadRequest(err) {
		t.Errorf("40 years of days: %v, want a parameter error", err)
	}
	tp, _ = ParseTrendParams(url.Values{"q": {`"unclosed`, "d*n"}})
	if _, err := s.Trends(context.Background(), tp); err == nil || !IsBadRequest(err) {
		t.Errorf("bad query: %v, want a 400", err)
	}
}

// concord runs a concordance and decodes its JSONL lines and cursor.
func concord(t *testing.T, s *Service, v url.Values) ([]ConcordLine, ConcordSummary) {
	t.Helper()
	v.Set("format", "jsonl")
	cp, err := ParseConcordParams(v)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sum, err := s.Concordance(context.Background(), cp, &buf)
	if err != nil {
		t.Fatal(err)
	}
	var lines []ConcordLine
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(raw)
		if _, ok := raw["next"]; ok {
			if raw["next"] != sum.Next {
				t.Errorf("last line next %v, summary %q", raw["next"], sum.Next)
			}
			continue
		}
		var l ConcordLine
		json.Unmarshal(b, &l)
		lines = append(lines, l)
	}
	if len(lines) != sum.Lines {
		t.Fatalf("%d lines written, summary says %d", len(lines), sum.Lines)
	}
	return lines, sum
}

// Every line of a concordance holds the match with its context as the
// article has it, and the lines are every occurrence in every match.
func TestConcordanceLines(t *testing.T) {
	s, _ := news(t)
	// The articles as stored (clean text): what the lines are cut from.
	byID := map[string]article.Article{}
	stored := func(id string) article.Article {
		if a, ok := byID[id]; ok {
			return a
		}
		a, ok, err := s.Backend.Get(context.Background(), id)
		if err != nil || !ok {
			t.Fatalf("article %s: %v %v", id, ok, err)
		}
		byID[id] = a
		return a
	}
	for _, tc := range []struct {
		q     string
		width int
		fold  string // the words every match spells, folded
		exact string // and, when set, as written (canonical)
	}{
		{"dan chu", 8, "dan chu", ""},
		{`"dân chủ"`, 5, "dan chu", "dân chủ"},
		{"chinh phu", 3, "chinh phu", ""},
		{"Hà Nội", 8, "ha noi", "hà nội"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			lines, sum := concord(t, s, url.Values{"q": {tc.q}, "width": {strconv.Itoa(tc.width)}, "limit": {"10000"}})
			if sum.Next != "" {
				t.Fatalf("limit 10000 reached: raise it")
			}
			want := 0 // occurrences counted by hand in the articles the search matches
			res := total(t, s, url.Values{"q": {tc.q}})
			perArticle := map[string]int{}
			for _, l := range lines {
				perArticle[l.ID]++
			}
			if uint64(len(perArticle)) != res || sum.Articles != len(perArticle) {
				t.Errorf("lines from %d articles (summary %d), search matches %d", len(perArticle), sum.Articles, res)
			}
			phrased := map[string]bool{} // articles holding the words side by side
			for id, n := range perArticle {
				a := stored(id)
				k := countSeq(a.Title, tc.fold, tc.exact) + countSeq(a.Lead+"\n\n"+a.Body, tc.fold, tc.exact)
				if k > 0 {
					phrased[id] = true
					want += k
				} else {
					want += n // checked word by word below
				}
			}
			if len(lines) != want || len(phrased) == 0 {
				t.Errorf("%d lines, the matched articles hold %d occurrences (%d articles with the phrase)", len(lines), want, len(phrased))
			}
			for i, l := range lines {
				a := stored(l.ID)
				text := a.Title
				if l.Field == index.FieldBody {
					text = a.Lead + "\n\n" + a.Body
				}
				if !phrased[l.ID] {
					// Without the phrase, each line is words of the query.
					for _, w := range strings.Fields(vi.Fold(l.Match)) {
						if !strings.Contains(" "+tc.fold+" ", " "+w+" ") {
							t.Errorf("line %d: match %q in an article without the phrase", i, l.Match)
						}
					}
				} else if m := wordsOf(l.Match); vi.Fold(m) != tc.fold || tc.exact != "" && vi.Normalize(m) != tc.exact {
					t.Errorf("line %d: match %q", i, l.Match)
				}
				re := regexp.MustCompile(regexp.QuoteMeta(l.Left) + `\s*` + regexp.QuoteMeta(l.Match) + `\s*` + regexp.QuoteMeta(l.Right))
				if !re.MatchString(oneLine(text)) {
					t.Errorf("line %d: %q [%q] %q is not in article %s", i, l.Left, l.Match, l.Right, l.ID)
				}
				lw, rw := len(words(l.Left)), len(words(l.Right))
				if lw > tc.width || rw > tc.width || lw < tc.width && !strings.HasPrefix(wordsOf(text), wordsOf(l.Left+" "+l.Match)) ||
					rw < tc.width && !strings.HasSuffix(wordsOf(text), wordsOf(l.Match+" "+l.Right)) {
					t.Errorf("line %d: %d words left, %d right, want %d: %q [%q] %q", i, lw, rw, tc.width, l.Left, l.Match, l.Right)
				}
				if l.Title != a.Title || l.ID == "" {
					t.Errorf("line %d: title %q id %q", i, l.Title, l.ID)
				}
			}
			t.Logf("%q: %d lines from %d articles", tc.q, len(lines), len(perArticle))
		})
	}
}

// wordsOf is the words of s without the punctuation between them.
func wordsOf(s string) string {
	var out []string
	for _, w := range words(s) {
		out = append(out, s[w[0]:w[1]])
	}
	return strings.Join(out, " ")
}

// countSeq counts the runs of words spelling fold (and exact, when set).
func countSeq(text, fold, exact string) int {
	want := strings.Fields(fold)
	ex := strings.Fields(exact)
	ws := words(text)
	n := 0
	for i := 0; i+len(want) <= len(ws); i++ {
		ok := true
		for k := range want {
			w := text[ws[i+k][0]:ws[i+k][1]]
			if vi.Fold(w) != want[k] || len(ex) > 0 && vi.Normalize(w) != ex[k] {
				ok = false
				break
			}
		}
		if ok {
			n++
			i += len(want) - 1
		}
	}
	return n
}

// Following the cursors gives every line of the uncut answer once, in
// order, whatever the limit, cuts inside an article included.
func TestConcordanceCursor(t *testing.T) {
	s, _ := news(t)
	for _, sortBy := range []string{"newest", "relevance"} {
		all, _ := concord(t, s, url.Values{"q": {`"dân chủ"`}, "sort": {sortBy}, "limit": {"10000"}})
		if len(all) < 20 {
			t.Fatalf("%d lines: too few to page", len(all))
		}
		for _, limit := range []int{1, 7, 50} {
			var got []ConcordLine
			after := ""
			for calls := 0; ; calls++ {
				v := url.Values{"q": {`"dân chủ"`}, "sort": {sortBy}, "limit": {strconv.Itoa(limit)}}
				if after != "" {
					v.Set("after", after)
				}
				lines, sum := concord(t, s, v)
				if len(lines) > limit || calls > len(all)+2 {
					t.Fatalf("limit %d: %d lines in one answer, call %d", limit, len(lines), calls)
				}
				got = append(got, lines...)
				if sum.Next == "" {
					break
				}
				after = sum.Next
			}
			if !reflect.DeepEqual(got, all) {
				t.Errorf("sort %s limit %d: %d lines by cursor, %d at once", sortBy, limit, len(got), len(all))
			}
		}
	}
}

func TestConcordanceFormats(t *testing.T) {
	s, _ := news(t)
	for _, f := range []string{"json", "csv"} {
		cp, err := ParseConcordParams(url.Values{"q": {`"dan chu"`}, "format": {f}, "limit": {"5"}})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		sum, err := s.Concordance(context.Background(), cp, &buf)
		if err != nil || sum.Lines != 5 || sum.Next == "" {
			t.Fatalf("%s: %+v %v", f, sum, err)
		}
		if f == "json" {
			var doc struct {
				Q     string        `json:"q"`
				Width int           `json:"width"`
				Lines []ConcordLine `json:"lines"`
				Next  string        `json:"next"`
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Lines) != 5 || doc.Next != sum.Next || doc.Width != 8 || doc.Q != `"dan chu"` {
				t.Errorf("json: %v %+v\n%.300s", err, doc, buf.String())
			}
			continue
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 6 || !reflect.DeepEqual(rows[0], ConcordHeader) || vi.Fold(wordsOf(rows[1][7])) != "dan chu" {
			t.Errorf("csv: %v %q", err, rows)
		}
	}
	for _, v := range []url.Values{
		{"q": {""}},
		{"q": {"site:vnexpress.net"}},
	} {
		cp, err := ParseConcordParams(v)
		if err == nil {
			_, err = s.Concordance(context.Background(), cp, io.Discard)
		}
		if !IsBadRequest(err) {
			t.Errorf("%v: %v, want a 400", v, err)
		}
	}
	for _, v := range []url.Values{
		{"q": {"dan"}, "width": {"0"}},
		{"q": {"dan"}, "format": {"xml"}},
		{"q": {"dan"}, "size": {"3"}},
		{"q": {"dan"}, "after": {"bogus"}},
	} {
		if _, err := ParseConcordParams(v); !IsBadRequest(err) {
			t.Errorf("%v: %v, want a 400", v, err)
		}
	}
}

// The telling words of a query are counted right in its sample, rarer in
// the archive than in the sample, and are neither stop syllables nor the
// query's own words.
func TestTerms(t *testing.T) {
	s, _ := dated(t)
	ctx := context.Background()
	for _, tc := range []struct {
		q      string
		expect []string // terms a reader of these articles expects near the top
	}{
		{"covid", []string{"vắc xin", "cách ly", "xét nghiệm"}},
		{"bóng đá", []string{"cầu thủ", "trận đấu"}},
	} {
		t.Run(tc.q, func(t *testing.T) {
			tp, err := ParseTermParams(url.Values{"q": {tc.q}, "sample": {"200"}, "size": {"40"}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Terms(ctx, tp)
			if err != nil {
				t.Fatal(err)
			}
			sample, err := s.Backend.Search(ctx, index.Request{Query: mustPlan(t, s, tc.q), Size: 200})
			if err != nil {
				t.Fatal(err)
			}
			if res.Sample != len(sample.Hits) || res.Matches != sample.Total || res.Sample == 0 {
				t.Fatalf("sample %d of %d, want %d of %d", res.Sample, res.Matches, len(sample.Hits), sample.Total)
			}
			got := map[string]bool{}
			pairs := 0
			for i, term := range res.Terms {
				got[term.Term] = true
				if term.Syllables == 2 {
					pairs++
				}
				n := 0
				for _, h := range sample.Hits {
					a := h.Article
					if countSeq(a.Title, vi.Fold(term.Term), term.Term)+countSeq(a.Lead+"\n"+a.Body, vi.Fold(term.Term), term.Term) > 0 {
						n++
					}
				}
				// A pair across punctuation is not counted, so by hand may find more.
				if term.Count > n || term.Syllables == 1 && term.Count != n || term.Archive < uint64(term.Count) {
					t.Errorf("%q: count %d, by hand %d, archive %d", term.Term, term.Count, n, term.Archive)
				}
				if float64(term.Count)/float64(res.Sample) <= float64(term.Archive)/float64(res.Articles) {
					t.Errorf("%q is no more frequent in the sample than in the archive", term.Term)
				}
				for _, w := range strings.Fields(term.Term) {
					if stopSyllables[w] || strings.Contains(vi.Fold(tc.q), vi.Fold(w)) {
						t.Errorf("%q: stop syllable or query word", term.Term)
					}
				}
				if i > 0 && res.Terms[i-1].Score < term.Score {
					t.Errorf("not in score order at %d", i)
				}
			}
			for _, e := range tc.expect {
				if !got[e] {
					t.Errorf("%q not among the telling words: %v", e, res.Terms)
				}
			}
			if pairs == 0 {
				t.Errorf("no two-syllable word: %v", res.Terms)
			}
			t.Logf("%q (%d ms): %v", tc.q, res.TookMS, res.Terms[:min(12, len(res.Terms))])
		})
	}
}

func mustPlan(t *testing.T, s *Service, q string) index.Query {
	t.Helper()
	p, err := s.Plan(context.Background(), q, false)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query
}
