package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
	"github.com/tracuu/tracuu/internal/article"
)

// replay is a server that answers from testdata/replay: each rule serves a
// file for a method and path (a trailing "*" matches any rest), a given
// number of times (0: any). A request no rule answers fails the test.
type replay struct {
	t     *testing.T
	mu    sync.Mutex
	rules []*rule
	got   []opensearchtest.Request
	srv   *httptest.Server
}

type rule struct {
	method, path string
	status       int
	file         string
	times        int
	used         int
}

func newReplay(t *testing.T, rules ...*rule) *replay {
	r := &replay{t: t, rules: rules}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

// on is a rule answering status with a file of testdata/replay.
func on(method, path string, status int, file string) *rule {
	return &rule{method: method, path: path, status: status, file: file}
}

// once limits a rule to n answers, so that the next rule for the same
// request takes over.
func (r *rule) once(n int) *rule { r.times = n; return r }

// opened are the rules Open needs on an OpenSearch 2 cluster with the
// index in place.
func opened() []*rule {
	return []*rule{
		on("GET", "/", 200, "info-opensearch.json"),
		on("GET", "/_alias/tracuu", 200, "alias.json"),
		on("GET", "/tracuu-v4-20260101t000000.000000/_mapping", 200, "mapping.json"),
	}
}

func (r *replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.got = append(r.got, opensearchtest.Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Body: body})
	var match *rule
	for _, ru := range r.rules {
		if ru.method != req.Method || (ru.times > 0 && ru.used >= ru.times) {
			continue
		}
		if p, ok := strings.CutSuffix(ru.path, "*"); ok && strings.HasPrefix(req.URL.Path, p) || ru.path == req.URL.Path {
			match = ru
			ru.used++
			break
		}
	}
	r.mu.Unlock()
	if match == nil {
		r.t.Errorf("replay: no answer for %s %s", req.Method, req.URL.Path)
		http.Error(w, `{"error":"no replay rule"}`, http.StatusTeapot)
		return
	}
	var data []byte
	if match.file != "" {
		var err error
		if data, err = os.ReadFile(filepath.Join("testdata", "replay", match.file)); err != nil {
			r.t.Error(err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(match.status)
	w.Write(data)
}

func (r *replay) requests() []opensearchtest.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func (r *replay) open(t *testing.T, cfg Config) *Backend {
	t.Helper()
	cfg.URL = r.srv.URL
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.c.backoff = func(int) time.Duration { return time.Millisecond }
	return b
}

func TestReplayOpen(t *testing.T) {
	for _, tc := range []struct {
		info, engine, version string
		pit                   bool
	}{
		{"info-opensearch.json", "opensearch", "2.11.0", true},
		{"info-opensearch-1.json", "opensearch", "1.3.14", false},
		{"info-elasticsearch-8.json", "elasticsearch", "8.11.1", true},
	} {
		r := newReplay(t, append([]*rule{on("GET", "/", 200, tc.info)}, opened()[1:]...)...)
		b := r.open(t, Config{})
		if in := b.Info(); in.Engine != tc.engine || in.Version != tc.version || in.pit() != tc.pit {
			t.Errorf("%s: info %+v, point in time %v", tc.info, in, in.pit())
		}
		if b.Target() != "tracuu-v4-20260101t000000.000000" {
			t.Errorf("%s: target %q", tc.info, b.Target())
		}
	}
	r := newReplay(t, on("GET", "/", 200, "info-elasticsearch-6.json"))
	_, err := Open(context.Background(), Config{URL: r.srv.URL})
	if err == nil || !strings.Contains(err.Error(), "6.8.23") || !strings.Contains(err.Error(), "Elasticsearch 7.10 or later") {
		t.Errorf("Elasticsearch 6: %v", err)
	}
	r = newReplay(t, on("GET", "/", 200, "count.json"))
	if _, err := Open(context.Background(), Config{URL: r.srv.URL}); err == nil || !strings.Contains(err.Error(), "no version number") {
		t.Errorf("a server that is no engine: %v", err)
	}
}

func TestReplaySchemaRefused(t *testing.T) {
	r := newReplay(t,
		on("GET", "/", 200, "info-opensearch.json"),
		on("GET", "/_alias/tracuu", 200, "alias.json"),
		on("GET", "/tracuu-v4-20260101t000000.000000/_mapping", 200, "mapping-schema3.json"))
	_, err := Open(context.Background(), Config{URL: r.srv.URL})
	if !errors.Is(err, index.ErrSchema) || !strings.Contains(err.Error(), `schema "3"`) || !strings.Contains(err.Error(), "tracuu reindex") {
		t.Errorf("schema 3 index: %v", err)
	}
	if _, err := Open(context.Background(), Config{URL: r.srv.URL, AnySchema: true}); err != nil {
		t.Errorf("AnySchema: %v", err)
	}
}

func TestReplayMissingIndex(t *testing.T) {
	r := newReplay(t,
		on("GET", "/", 200, "info-opensearch.json"),
		on("GET", "/_alias/tracuu", 404, "alias-missing.json"),
		on("HEAD", "/tracuu", 404, ""))
	_, err := Open(context.Background(), Config{URL: r.srv.URL, ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "no index there") {
		t.Errorf("read-only open of a missing index: %v", err)
	}
}

func TestReplaySearch(t *testing.T) {
	r := newReplay(t, append(opened(), on("POST", "/tracuu/_search", 200, "search-aggs.json"))...)
	b := r.open(t, Config{})
	res, err := b.Search(context.Background(), index.Request{Query: index.Term{Text: "dân"}, Size: 2,
		Facets: []string{index.FieldSite, index.FieldYear}, Filters: map[string][]string{index.FieldSite: {"baomau.vn"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Hits) != 2 || res.Hits[0].Article.ID != "a07" || res.Hits[1].Article.Title != "Thực hiện quy chế dân chủ ở cơ sở" {
		t.Fatalf("result %+v", res)
	}
	if h := res.Hits[1]; h.Score != 3.1416924 || !slices.Equal(h.SortKey, []string{"3.1416924", "a01"}) || !h.Article.Published.Equal(time.Date(2020, 7, 16, 13, 40, 0, 0, article.Vietnam)) {
		t.Errorf("hit %+v", h)
	}
	wantSites := []index.FacetValue{{Value: "baomau.vn", Count: 3}, {Value: "tinmau.com.vn", Count: 2}}
	if !slices.Equal(res.Facets[index.FieldSite], wantSites) {
		t.Errorf("site facet %v", res.Facets[index.FieldSite])
	}
	if !slices.Equal(res.Facets[index.FieldYear], []index.FacetValue{{Value: "2020", Count: 2}}) {
		t.Errorf("year facet %v (empty buckets dropped)", res.Facets[index.FieldYear])
	}
	// The cursor the hit carries goes back as the engine wrote it.
	if _, err := b.Search(context.Background(), index.Request{Query: index.Term{Text: "dân"}, Size: 2, After: res.Hits[1].SortKey}); err != nil {
		t.Fatal(err)
	}
	got := r.requests()
	var body struct {
		SearchAfter []json.RawMessage `json:"search_after"`
	}
	if err := json.Unmarshal(got[len(got)-1].Body, &body); err != nil || len(body.SearchAfter) != 2 || string(body.SearchAfter[0]) != "3.1416924" || string(body.SearchAfter[1]) != `"a01"` {
		t.Errorf("search_after sent %s (%v)", body.SearchAfter, err)
	}
}

func TestReplayTotalAsNumber(t *testing.T) {
	r := newReplay(t, append(opened(), on("POST", "/tracuu/_search", 200, "search-total-int.json"))...)
	res, err := r.open(t, Config{}).Search(context.Background(), index.Request{Query: index.Term{Text: "máy in"}, Size: 1})
	if err != nil || res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Article.ID != "a05" {
		t.Errorf("total as a number: %+v, %v", res, err)
	}
}

func TestReplaySearchFailures(t *testing.T) {
	r := newReplay(t, append(opened(),
		on("POST", "/tracuu/_search", 200, "search-shard-failure.json").once(1),
		on("POST", "/tracuu/_search", 400, "search-parse-error.json").once(1),
		on("POST", "/tracuu/_search", 429, "too-many-requests.json"))...)
	b := r.open(t, Config{Retries: 2})
	ctx := context.Background()
	_, err := b.Search(ctx, index.Request{Size: 10})
	if err == nil || !strings.Contains(err.Error(), "1 of 5 shards failed: node_not_connected_exception") {
		t.Errorf("shard failure: %v", err)
	}
	_, err = b.Search(ctx, index.Request{Size: 10, Offset: 10000})
	if !errors.Is(err, index.ErrBadRequest) || !strings.Contains(err.Error(), "Result window is too large") {
		t.Errorf("refused body: %v", err)
	}
	before := len(r.requests())
	_, err = b.Search(ctx, index.Request{Size: 10})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 429 || errors.Is(err, index.ErrBadRequest) {
		t.Errorf("busy engine: %v", err)
	}
	if n := len(r.requests()) - before; n != 3 {
		t.Errorf("busy engine asked %d times, want 1 + 2 retries", n)
	}
}

func TestReplayBulk(t *testing.T) {
	arts := []article.Article{{ID: "a01", Title: "Một", Body: "Một."}, {ID: "a02", Title: "Hai", Body: "Hai."}}
	ctx := context.Background()

	r := newReplay(t, append(opened(), on("POST", "/tracuu/_bulk", 200, "bulk-ok.json"))...)
	if err := r.open(t, Config{}).Upsert(ctx, arts...); err != nil {
		t.Errorf("bulk ok: %v", err)
	}

	// An item refused for its content fails the call, naming it; it is
	// not sent again.
	r = newReplay(t, append(opened(), on("POST", "/tracuu/_bulk", 200, "bulk-item-error.json"))...)
	err := r.open(t, Config{}).Upsert(ctx, arts...)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 articles refused: a02: 400 mapper_parsing_exception") {
		t.Errorf("item error: %v", err)
	}
	if n := countPath(r.requests(), "/tracuu/_bulk"); n != 1 {
		t.Errorf("a refused item was sent %d times", n)
	}

	// An item refused as busy is sent again, alone.
	r = newReplay(t, append(opened(),
		on("POST", "/tracuu/_bulk", 200, "bulk-item-429.json").once(1),
		on("POST", "/tracuu/_bulk", 200, "bulk-retry-ok.json"))...)
	if err := r.open(t, Config{}).Upsert(ctx, arts...); err != nil {
		t.Errorf("item 429 then ok: %v", err)
	}
	var bulks []opensearchtest.Request
	for _, q := range r.requests() {
		if q.Path == "/tracuu/_bulk" {
			bulks = append(bulks, q)
		}
	}
	if len(bulks) != 2 || bytes.Count(bulks[1].Body, []byte("\n")) != 2 || !bytes.Contains(bulks[1].Body, []byte(`{"index":{"_id":"a02"}}`)) || bulks[1].Query != "refresh=wait_for" {
		t.Errorf("the retry sent %q", bulks[len(bulks)-1].Body)
	}

	// Busy every time: the call gives up after the retries.
	r = newReplay(t, append(opened(),
		on("POST", "/tracuu/_bulk", 200, "bulk-item-429.json").once(1),
		on("POST", "/tracuu/_bulk", 200, "bulk-one-429.json"))...)
	err = r.open(t, Config{Retries: 2}).Upsert(ctx, arts...)
	if err == nil || !strings.Contains(err.Error(), "still refused as busy after 2 retries") {
		t.Errorf("item 429 every time: %v", err)
	}
	if n := countPath(r.requests(), "/tracuu/_bulk"); n != 3 {
		t.Errorf("busy items sent %d times, want 3", n)
	}

	// Deleting an id that is not there is no failure.
	r = newReplay(t, append(opened(), on("POST", "/tracuu/_bulk", 200, "bulk-delete-missing.json"))...)
	if err := r.open(t, Config{}).Delete(ctx, "a01", "invalid"); err != nil {
		t.Errorf("delete of a missing id: %v", err)
	}
}

func countPath(rs []opensearchtest.Request, path string) int {
	n := 0
	for _, r := range rs {
		if r.Path == path {
			n++
		}
	}
	return n
}

func TestReplayGet(t *testing.T) {
	r := newReplay(t, append(opened(),
		on("GET", "/tracuu/_doc/a08", 200, "get-found.json"),
		on("GET", "/tracuu/_doc/nope", 404, "get-not-found.json"),
		on("GET", "/tracuu/_doc/gone", 404, "index-not-found.json"))...)
	b := r.open(t, Config{})
	ctx := context.Background()
	a, ok, err := b.Get(ctx, "a08")
	if err != nil || !ok || a.ID != "a08" || a.Author != "Dương Quang Chí" {
		t.Errorf("get a08 = %+v, %v, %v", a, ok, err)
	}
	if _, ok, err := b.Get(ctx, "nope"); ok || err != nil {
		t.Errorf("get of a missing article = %v, %v; want not found, no error", ok, err)
	}
	if _, _, err := b.Get(ctx, "gone"); err == nil || !strings.Contains(err.Error(), "index_not_found_exception") {
		t.Errorf("get from a missing index: %v", err)
	}
}

func TestReplayStatsAndFrequencies(t *testing.T) {
	r := newReplay(t, append(opened(),
		on("GET", "/tracuu/_count", 200, "count.json"),
		on("GET", "/tracuu/_stats/store", 200, "stats-store.json"),
		on("POST", "/tracuu/_search", 200, "frequencies.json"))...)
	b := r.open(t, Config{})
	st, err := b.Stats(context.Background())
	if err != nil || st.Articles != 12 || st.SizeBytes != 208776 || st.Schema != index.SchemaVersion || !strings.HasSuffix(st.Path, "/tracuu-v4-20260101t000000.000000") {
		t.Errorf("stats %+v, %v", st, err)
	}
	// Buckets 0, 1 are "bán" in title and body, 2, 3 "ban".
	n, err := b.Frequencies(context.Background(), []string{"bán", "ban", "a b c"})
	if err != nil || !slices.Equal(n, []uint64{1, 5, 0}) {
		t.Errorf("frequencies %v, %v", n, err)
	}
}

func TestReplayScan(t *testing.T) {
	for _, tc := range []struct {
		info, create, createPath, deletePath, deleteFile string
	}{
		{"info-opensearch.json", "pit-create-opensearch.json", "/tracuu-v4-20260101t000000.000000/_search/point_in_time", "/_search/point_in_time", "pit-delete-opensearch.json"},
		{"info-elasticsearch-8.json", "pit-create-elasticsearch.json", "/tracuu-v4-20260101t000000.000000/_pit", "/_pit", "pit-delete-elasticsearch.json"},
	} {
		rules := append([]*rule{on("GET", "/", 200, tc.info)}, opened()[1:]...)
		r := newReplay(t, append(rules,
			on("POST", tc.createPath, 200, tc.create),
			on("POST", "/_search", 200, "scan-page-1.json").once(1),
			on("POST", "/_search", 200, "scan-page-2.json").once(1),
			on("DELETE", tc.deletePath, 200, tc.deleteFile))...)
		b := r.open(t, Config{})
		var ids []string
		err := b.scan(context.Background(), b.Target(), 2, func(arts []article.Article) error {
			for _, a := range arts {
				ids = append(ids, a.ID)
			}
			return nil
		})
		if err != nil || !slices.Equal(ids, []string{"a01", "a02", "a03"}) {
			t.Errorf("%s: scan saw %v, %v", tc.info, ids, err)
		}
		var pages []map[string]json.RawMessage
		var deleted []byte
		for _, q := range r.requests() {
			switch q.Path {
			case "/_search":
				var m map[string]json.RawMessage
				if err := json.Unmarshal(q.Body, &m); err != nil {
					t.Fatal(err)
				}
				pages = append(pages, m)
			case tc.deletePath:
				deleted = q.Body
			case tc.createPath:
				if q.Query != "keep_alive=5m" {
					t.Errorf("%s: point in time opened with %q", tc.info, q.Query)
				}
			}
		}
		if len(pages) != 2 || string(pages[1]["search_after"]) != `["a02",1]` || !bytes.Contains(pages[1]["pit"], []byte(`"keep_alive":"5m"`)) {
			t.Errorf("%s: pages asked %v", tc.info, pages)
		}
		if len(deleted) == 0 {
			t.Errorf("%s: point in time not closed", tc.info)
		}
	}
}
