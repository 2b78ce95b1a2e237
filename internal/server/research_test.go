package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
)

func newResearchServer(t *testing.T) (*httptest.Server, index.Backend) {
	t.Helper()
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.Upsert(context.Background(), backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(&search.Service{Backend: b}, Config{}))
	t.Cleanup(srv.Close)
	return srv, b
}

// parsedFeed is what Universal Feed Parser (python3-feedparser) reads.
type parsedFeed struct {
	Bozo    bool   `json:"bozo"`
	Version string `json:"version"`
	Title   string `json:"title"`
	ID      string `json:"id"`
	Updated string `json:"updated"`
	Links   []struct {
		Rel  string `json:"rel"`
		Href string `json:"href"`
	} `json:"links"`
	Entries []struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		Link      string `json:"link"`
		Published string `json:"published"`
		Updated   string `json:"updated"`
		Author    string `json:"author"`
		Summary   string `json:"summary"`
		Tags      []struct {
			Term string `json:"term"`
		} `json:"tags"`
	} `json:"entries"`
}

const parseFeedPy = `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
f = d.feed
print(json.dumps({"bozo": bool(d.bozo), "version": d.version, "title": f.get("title"), "id": f.get("id"),
  "updated": f.get("updated"), "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in f.get("links", [])],
  "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "published": e.get("published"),
    "updated": e.get("updated"), "author": e.get("author"), "summary": e.get("summary"),
    "tags": [{"term": t.get("term")} for t in e.get("tags", [])]} for e in d.entries]}))
`

// feedPython is a Python that has feedparser: Debian's, where a Python
// of another install comes first on the PATH.
func feedPython(t *testing.T) string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import feedparser").Run() == nil {
			return py
		}
	}
	t.Skip("python3-feedparser not installed (apt-get install python3-feedparser; .ci/run does)")
	return ""
}

func parseFeed(t *testing.T, body string) parsedFeed {
	t.Helper()
	cmd := exec.Command(feedPython(t), "-c", parseFeedPy)
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var f parsedFeed
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatalf("feedparser output %s: %v", out, err)
	}
	return f
}

// The feed of a search is valid Atom to a real parser, lists the newest
// matches as /api/search does, answers 304 to a reader whose copy is
// current, and shows a new match after an import.
func TestFeed(t *testing.T) {
	srv, b := newResearchServer(t)
	q := url.Values{"q": {"dan chu"}}
	resp, body := getBody(t, srv.URL+"/api/feed?"+q.Encode(), nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	f := parseFeed(t, body)
	if f.Bozo || f.Version != "atom10" || f.Title != "tracuu: dan chu" || f.ID == "" || f.Updated == "" {
		t.Fatalf("parsed feed: %+v", f)
	}
	var res search.Response
	_, sb := getBody(t, srv.URL+"/api/search?q=dan+chu&sort=newest&size=20", nil)
	if err := json.Unmarshal([]byte(sb), &res); err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != len(res.Hits) || len(f.Entries) < 2 {
		t.Fatalf("%d entries, search has %d hits", len(f.Entries), len(res.Hits))
	}
	for i, e := range f.Entries {
		h := res.Hits[i]
		if e.Title != h.Title || e.Link != h.URL || !strings.HasSuffix(e.ID, "/api/articles/"+h.ID) || e.Updated == "" {
			t.Errorf("entry %d: %+v, hit %s %q %s", i, e, h.ID, h.Title, h.URL)
		}
		if h.Published != nil {
			got, err := time.Parse(time.RFC3339, e.Published)
			if err != nil || !got.Equal(*h.Published) {
				t.Errorf("entry %d published %q, hit %v", i, e.Published, h.Published)
			}
		}
		// The parser sanitizes the summary's HTML (drops <mark>): its text stays.
		plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
		if h.Author != "" && e.Author != h.Author || strings.TrimSpace(e.Summary) != strings.TrimSpace(plain) {
			t.Errorf("entry %d: author %q summary %q", i, e.Author, e.Summary)
		}
	}
	var self, alt string
	for _, l := range f.Links {
		switch l.Rel {
		case "self":
			self = l.Href
		case "alternate":
			alt = l.Href
		}
	}
	if self != srv.URL+"/api/feed?"+q.Encode() || alt != srv.URL+"/?"+q.Encode() {
		t.Errorf("links: self %q alternate %q", self, alt)
	}

	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no validators: %v", resp.Header)
	}
	for name, h := range map[string]map[string]string{
		"If-None-Match":     {"If-None-Match": etag},
		"If-Modified-Since": {"If-Modified-Since": lm},
	} {
		if r, body := getBody(t, srv.URL+"/api/feed?"+q.Encode(), h); r.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("%s: %d", name, r.StatusCode)
		}
	}
	// A new match is the first entry, and the old validators no longer hold.
	newer := article.Article{ID: "feed-new", URL: "https://baomau.vn/feed-new.html", Title: "Dân chủ ở cơ sở: tin mới",
		Body: "Bài mới về dân chủ.", Published: time.Now().Add(-time.Hour).Truncate(time.Second), Site: "baomau.vn"}
	if err := b.Upsert(context.Background(), newer); err != nil {
		t.Fatal(err)
	}
	r2, body2 := getBody(t, srv.URL+"/api/feed?"+q.Encode(), map[string]string{"If-None-Match": etag})
	if r2.StatusCode != 200 || r2.Header.Get("ETag") == etag {
		t.Fatalf("after an import: %d, etag %s", r2.StatusCode, r2.Header.Get("ETag"))
	}
	f2 := parseFeed(t, body2)
	if len(f2.Entries) == 0 || f2.Entries[0].Title != newer.Title {
		t.Errorf("after an import the first entry is %+v", f2.Entries)
	}
	if r, _ := getBody(t, srv.URL+"/api/feed?"+q.Encode(), map[string]string{"If-Modified-Since": lm}); r.StatusCode != 200 {
		t.Errorf("If-Modified-Since before the new entry: %d, want 200", r.StatusCode)
	}
	for _, bad := range []string{"page=2", "sort=oldest", "size=1000", "q=d*n"} {
		if r, _ := getBody(t, srv.URL+"/api/feed?"+bad, nil); r.StatusCode != 400 {
			t.Errorf("feed ?%s: %d, want 400", bad, r.StatusCode)
		}
	}
}

// Over HTTP the research endpoints answer what the search answers, and
// refuse bad input with a 400 before anything streams.
func TestResearchEndpoints(t *testing.T) {
	srv, _ := newResearchServer(t)
	var tr search.Trends
	resp, body := getBody(t, srv.URL+"/api/trends?q=dan+chu&q=an+ninh&interval=year", nil)
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &tr) != nil || len(tr.Series) != 2 {
		t.Fatalf("trends: %d %.300s", resp.StatusCode, body)
	}
	for j, bk := range tr.Buckets {
		for _, s := range tr.Series {
			var res search.Response
			_, sb := getBody(t, srv.URL+"/api/search?"+url.Values{"q": {s.Q}, "from": {bk.Start}, "to": {bk.End}}.Encode(), nil)
			json.Unmarshal([]byte(sb), &res)
			if res.Total != uint64(s.Counts[j]) {
				t.Errorf("%s %q: trends %d, search %d", bk.Key, s.Q, s.Counts[j], res.Total)
			}
		}
	}
	resp, body = getBody(t, srv.URL+"/api/trends?q=dan+chu&interval=year&format=csv", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "year,start,end,articles,dan chu,dan chu per 10000\n") {
		t.Errorf("trends csv: %d %.200s", resp.StatusCode, body)
	}

	var conc struct {
		Lines []search.ConcordLine `json:"lines"`
		Count int                  `json:"count"`
	}
	resp, body = getBody(t, srv.URL+"/api/concordance?q=alert&width=3", nil)
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &conc) != nil || conc.Count == 0 || len(conc.Lines) != conc.Count {
		t.Fatalf("concordance: %d %.300s", resp.StatusCode, body)
	}
	resp, body = getBody(t, srv.URL+"/api/concordance?q=dan+chu&format=csv&limit=1", nil)
	if resp.StatusCode != 200 || resp.Trailer.Get("Tracuu-Next") == "" || strings.Count(body, "\n") != 2 {
		t.Errorf("concordance csv: %d trailer %v %q", resp.StatusCode, resp.Trailer, body)
	}
	var terms search.Terms
	resp, body = getBody(t, srv.URL+"/api/terms?q=an+ninh&sample=10", nil)
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &terms) != nil || terms.Sample == 0 {
		t.Errorf("terms: %d %.300s", resp.StatusCode, body)
	}
	for _, bad := range []string{
		"trends?q=a&interval=hour", "trends", "trends?q=a&size=3",
		"concordance?q=", "concordance?q=d*n", "concordance?q=a&width=99", "concordance?q=site:x",
		"terms?q=", "terms?q=a&sample=1",
	} {
		if r, b := getBody(t, srv.URL+"/api/"+bad, nil); r.StatusCode != 400 || !strings.Contains(b, "bad_query") {
			t.Errorf("%s: %d %.200s, want 400", bad, r.StatusCode, b)
		}
	}
}

// The articles per period that trends divide by follow the index: after
// an import they count the new article.
func TestTrendsFollowImports(t *testing.T) {
	srv, b := newResearchServer(t)
	trend := func() search.Trends {
		var tr search.Trends
		resp, body := getBody(t, srv.URL+"/api/trends?q=dan+chu&interval=year&from=2020&to=2020", nil)
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &tr) != nil || len(tr.Buckets) != 1 {
			t.Fatalf("trends: %d %.300s", resp.StatusCode, body)
		}
		return tr
	}
	before := trend()
	trend() // from the cache
	a := article.Article{ID: "trend-new", Title: "Dân chủ ở cơ sở", Body: "Bài mới về dân chủ.",
		Published: time.Date(2020, 12, 31, 23, 30, 0, 0, article.Vietnam)}
	if err := b.Upsert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	after := trend()
	if after.Buckets[0].Articles != before.Buckets[0].Articles+1 || after.Series[0].Counts[0] != before.Series[0].Counts[0]+1 {
		t.Errorf("after an import: %+v %v, before %+v %v", after.Buckets, after.Series[0].Counts, before.Buckets, before.Series[0].Counts)
	}
}
