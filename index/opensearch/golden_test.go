package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
)

var update = flag.Bool("update", false, "rewrite the golden request bodies in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites the file with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got %.300s\nwant %.300s\n(run go test -update if the change is meant)", name, i+1, g, w)
			}
		}
	}
}

func indent(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// versionStamp is the time part of a versioned index name.
var versionStamp = regexp.MustCompile(`-v(\d+)-\d{8}t[0-9.]+`)

func stable(s string) string { return versionStamp.ReplaceAllString(s, "-v$1-TIME") }

// openToy opens a backend on a toy engine with the fixtures indexed.
func openToy(t *testing.T, cfg Config) (*Backend, *opensearchtest.Engine) {
	t.Helper()
	e := opensearchtest.New(t)
	cfg.URL = e.URL()
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(context.Background(), backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	e.Requests()
	return b, e
}

func TestGoldenCreateIndex(t *testing.T) {
	zero := 0
	body := indexBody(Config{Shards: 3, Replicas: &zero}, nil)
	body["aliases"] = obj{"tracuu": obj{}}
	got := indent(t, body)
	golden(t, "create-index.json", got)
	var sent obj
	if err := json.Unmarshal(got, &sent); err != nil {
		t.Fatal(err)
	}
	checkSpec(t, "create-index.json", "indices.create", sent)
}

func TestGoldenBulk(t *testing.T) {
	e := opensearchtest.New(t)
	b, err := Open(context.Background(), Config{URL: e.URL(), Index: "tracuu"})
	if err != nil {
		t.Fatal(err)
	}
	e.Requests()
	arts := backendtest.Articles(t)
	if err := b.Upsert(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	var bulk []opensearchtest.Request
	for _, r := range e.Requests() {
		if strings.HasSuffix(r.Path, "/_bulk") {
			bulk = append(bulk, r)
		}
	}
	if len(bulk) != 1 || bulk[0].Query != "refresh=wait_for" {
		t.Fatalf("%d bulk requests (%+v), want one with refresh=wait_for", len(bulk), bulk)
	}
	golden(t, "bulk.ndjson", bulk[0].Body)
	for i, line := range bytes.Split(bytes.TrimSpace(bulk[0].Body), []byte("\n")) {
		var v obj
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if i%2 == 0 {
			checkSpec(t, fmt.Sprintf("bulk line %d", i+1), "bulk action", v)
		}
	}
}

// goldenSearches are representative requests: what the search service
// sends for the query language's constructs, with filters, facets, sorts,
// cursors and collapse.
var goldenSearches = []struct {
	name string
	q    string // parsed with the search service's parser
	req  index.Request
	raw  index.Query // instead of q
}{
	{name: "words with marks", q: "quy chế dân chủ", req: index.Request{Size: 10}},
	{name: "words without marks", q: "quy che dan chu", req: index.Request{Size: 10}},
	{name: "quoted phrase of two", q: `"dân chủ"`, req: index.Request{Size: 10}},
	{name: "phrase of three, one word unmarked", q: `"sếu đầu do"`, req: index.Request{Size: 10}},
	{name: "phrase over a sentence break", raw: index.Phrase{Text: "Hà Nội. Sau đó nói"}, req: index.Request{Size: 10}},
	{name: "code", q: "04/2015/NĐ-CP", req: index.Request{Size: 10}},
	{name: "prefix", q: "thuy*", req: index.Request{Size: 10}},
	{name: "completion prefix", raw: index.Bool{Must: []index.Query{index.Term{Field: index.FieldTitle, Text: "giá"}, index.Prefix{Field: index.FieldTitle, Text: "b", Top: 3, MaxDocs: 8000}}}, req: index.Request{Size: 10}},
	{name: "exclusion", q: "dân chủ -nghị", req: index.Request{Size: 10}},
	{name: "or", q: "thủy điện OR máy in", req: index.Request{Size: 10}},
	{name: "field scope", q: "title:dân", req: index.Request{Size: 10}},
	{name: "keyword field", q: "site:baomau.vn", req: index.Request{Size: 10}},
	{name: "filters and dates", q: "", req: index.Request{Size: 10,
		Filters: map[string][]string{index.FieldSection: {"Thời sự", "Kinh tế"}, index.FieldSite: {"tinmau.com.vn"}},
		From:    time.Date(2019, 1, 1, 0, 0, 0, 0, article.Vietnam), To: time.Date(2021, 1, 1, 0, 0, 0, 0, article.Vietnam)}},
	{name: "multi-select facets", q: "dân", req: index.Request{Size: 0,
		Facets:  []string{index.FieldSite, index.FieldSection, index.FieldAuthor, index.FieldYear, index.FieldMonth},
		Filters: map[string][]string{index.FieldSite: {"baomau.vn"}, index.FieldAuthor: {"Khánh Vy"}}}},
	{name: "day histogram", q: "", req: index.Request{Facets: []string{index.FieldDay}}},
	{name: "newest with cursor", q: "dân", req: index.Request{Size: 2, Sort: index.SortNewest, After: []string{"1612112400000", "a02"}}},
	{name: "oldest page 2", q: "dân", req: index.Request{Size: 2, Offset: 2, Sort: index.SortOldest}},
	{name: "relevance cursor", q: "dân", req: index.Request{Size: 2, After: []string{"1.5", "a07"}}},
	{name: "collapse", q: "dân chủ", req: index.Request{Size: 2, Collapse: true}},
	{name: "collapse with cursor", q: "dân chủ", req: index.Request{Size: 1, Collapse: true, After: []string{"2.5", "a01"}}},
}

func TestGoldenSearches(t *testing.T) {
	b, e := openToy(t, Config{Index: "tracuu"})
	ctx := context.Background()
	out := obj{}
	for _, tc := range goldenSearches {
		req := tc.req
		req.Query = tc.raw
		if tc.raw == nil && tc.q != "" {
			q, err := search.Parse(tc.q)
			if err != nil {
				t.Fatalf("%s: parse %q: %v", tc.name, tc.q, err)
			}
			req.Query = q
		}
		if _, err := b.Search(ctx, req); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		out[tc.name] = logged(t, e.Requests())
	}
	if _, err := b.Frequencies(ctx, []string{"bán", "ban", "bàn ghế", "ban ghe", "a b c"}); err != nil {
		t.Fatal(err)
	}
	out["frequencies"] = logged(t, e.Requests())
	golden(t, "searches.json", indent(t, out))
}

// logged turns logged requests into what the golden file shows, checking
// each body against the API specification's keys on the way.
func logged(t *testing.T, rs []opensearchtest.Request) []any {
	t.Helper()
	var out []any
	for _, r := range rs {
		line := r.Method + " " + stable(r.Path)
		if r.Query != "" {
			line += "?" + r.Query
		}
		if len(r.Body) == 0 {
			out = append(out, line)
			continue
		}
		var body obj
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("%s: body: %v", line, err)
		}
		checkSpec(t, line, specKind(r.Path), body)
		out = append(out, obj{"request": line, "body": body})
	}
	return out
}

// TestGoldenConformance records every request the conformance suite makes
// of the toy engine, bodies checked against the API specification's keys.
// The bulk sources are left out (bulk.ndjson shows them); the requests are
// sorted, since some subtests range over maps.
func TestGoldenConformance(t *testing.T) {
	e := opensearchtest.New(t)
	n := 0
	backendtest.Run(t, func(t *testing.T) index.Backend {
		n++
		b, err := Open(context.Background(), Config{URL: e.URL(), Index: fmt.Sprintf("suite%d", n)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
	var lines []string
	for _, r := range e.Requests() {
		line := r.Method + " " + stable(r.Path)
		if r.Query != "" {
			line += "?" + r.Query
		}
		body := r.Body
		if strings.HasSuffix(r.Path, "/_bulk") {
			lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
			var actions [][]byte
			for i := 0; i < len(lines); i++ {
				var v obj
				if err := json.Unmarshal(lines[i], &v); err != nil {
					t.Fatal(err)
				}
				checkSpec(t, line, "bulk action", v)
				actions = append(actions, lines[i])
				if _, ok := v["index"]; ok {
					i++ // the source line
				}
			}
			body = bytes.Join(actions, []byte(" "))
		} else if len(body) > 0 {
			var v obj
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			checkSpec(t, line, specKind(r.Path), v)
		}
		if len(body) > 0 {
			line += " " + stable(string(body))
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	golden(t, "conformance.txt", []byte(strings.Join(lines, "\n")+"\n"))
}

// specKind is the request body kind of a path, for checkSpec.
func specKind(path string) string {
	switch {
	case strings.HasSuffix(path, "/_search"):
		return "search"
	case strings.HasSuffix(path, "/_mget"):
		return "mget"
	case path == "/_aliases":
		return "indices.update_aliases"
	case path == "/_search/point_in_time":
		return "delete_pit"
	case strings.HasSuffix(path, "/_settings"):
		return "settings"
	case strings.Count(path, "/") == 1:
		return "indices.create"
	}
	return "unknown"
}
