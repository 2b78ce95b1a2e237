package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/search"
)

func newTestServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.Upsert(context.Background(), backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(&search.Service{Backend: b}, cfg))
	t.Cleanup(srv.Close)
	return srv
}

func TestErrorsAreJSON(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/search?size=abc", 400, "bad_query"},
		{"GET", "/api/search?q=d*n", 400, "bad_query"},
		{"GET", "/api/nothing-here", 404, "not_found"},
		{"GET", "/api/articles/missing", 404, "not_found"},
		{"POST", "/api/search", 405, "method_not_allowed"},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body ErrorBody
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || err != nil || body.Error.Code != tc.code || body.Error.Message == "" {
			t.Errorf("%s %s: %d %+v (%v); want %d %s", tc.method, tc.path, resp.StatusCode, body, err, tc.status, tc.code)
		}
	}
}

func TestScriptInArticleComesBackEscaped(t *testing.T) {
	srv := newTestServer(t, Config{})
	resp, err := http.Get(srv.URL + "/api/search?q=alert")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res search.Response
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("q=alert: %d hits", len(res.Hits))
	}
	h := res.Hits[0]
	for name, s := range map[string]string{"snippet": h.Snippet, "title_html": h.TitleHTML} {
		if strings.Contains(s, "<script") || !strings.Contains(s, "&lt;script&gt;") {
			t.Errorf("%s not escaped: %s", name, s)
		}
	}
}

func TestCORS(t *testing.T) {
	for _, tc := range []struct {
		allowed []string
		origin  string
		want    string
	}{
		{nil, "https://site.example", "*"},
		{[]string{"https://a.example"}, "https://a.example", "https://a.example"},
		{[]string{"https://a.example"}, "https://evil.example", ""},
	} {
		srv := newTestServer(t, Config{CORSOrigins: tc.allowed})
		req, _ := http.NewRequest("GET", srv.URL+"/api/search?q=dan", nil)
		req.Header.Set("Origin", tc.origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.want {
			t.Errorf("allowed %v, origin %s: Access-Control-Allow-Origin %q, want %q", tc.allowed, tc.origin, got, tc.want)
		}
	}
}

func getBody(t *testing.T, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestSuggest(t *testing.T) {
	srv := newTestServer(t, Config{})
	for q, want := range map[string]string{
		"thuy d":   "thủy điện hòa",
		"da na":    "đà nẵng hồi",
		"quy che ": "quy chế dân",
		"nghi":     "nghị định",
	} {
		_, body := getBody(t, srv.URL+"/api/suggest?q="+url.QueryEscape(q), nil)
		var res search.SuggestResponse
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatalf("suggest %q: %v in %s", q, err, body)
		}
		if len(res.Suggestions) == 0 || res.Suggestions[0].Kind != "term" || res.Suggestions[0].Text != want {
			t.Errorf("suggest %q = %+v, want first the term %q", q, res.Suggestions, want)
		}
	}
	if resp, _ := getBody(t, srv.URL+"/api/suggest?q=x&size=0", nil); resp.StatusCode != 400 {
		t.Errorf("size=0: %d", resp.StatusCode)
	}
}

func TestRelated(t *testing.T) {
	srv := newTestServer(t, Config{})
	resp, body := getBody(t, srv.URL+"/api/articles/a07/related?size=3", nil)
	var res search.Response
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("related: %d %s", resp.StatusCode, body)
	}
	if len(res.Hits) == 0 || len(res.Hits) > 3 {
		t.Fatalf("related a07 (phát huy dân chủ): %d hits", len(res.Hits))
	}
	for _, h := range res.Hits {
		if h.ID == "a07" {
			t.Error("an article is not related to itself")
		}
	}
	if res.Hits[0].ID != "a01" && res.Hits[0].ID != "a10" {
		t.Errorf("related a07 ranked %s first; want one of the other dân chủ articles", res.Hits[0].ID)
	}
	if resp, _ := getBody(t, srv.URL+"/api/articles/zzz/related", nil); resp.StatusCode != 404 {
		t.Errorf("related of a missing article: %d", resp.StatusCode)
	}
}

func TestExport(t *testing.T) {
	srv := newTestServer(t, Config{})
	resp, body := getBody(t, srv.URL+"/api/export?format=jsonl&q=", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("export jsonl: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != len(backendtest.Articles(t)) {
		t.Errorf("export of everything: %d lines, want %d", len(lines), len(backendtest.Articles(t)))
	}
	if strings.Contains(body, "<script>") && !strings.Contains(body, `"title":"Bài có <script>`) {
		t.Errorf("export changed article text")
	}
	resp, body = getBody(t, srv.URL+"/api/export?format=csv&q=dan+chu&site=baomau.vn", nil)
	body, bom := strings.CutPrefix(body, "\uFEFF")
	if !bom {
		t.Error("csv export has no UTF-8 byte order mark: Excel garbles it")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("export csv: %d %v", resp.StatusCode, err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != strings.Join(search.CSVHeader, ",") {
		t.Fatalf("csv header/rows: %v", rows)
	}
	for _, r := range rows[1:] {
		if r[4] != "baomau.vn" {
			t.Errorf("csv row from site %q under site=baomau.vn", r[4])
		}
	}
	for _, bad := range []string{"format=xml", "q=x*", "page=2", "size=5"} {
		if resp, _ := getBody(t, srv.URL+"/api/export?"+bad, nil); resp.StatusCode != 400 {
			t.Errorf("export ?%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestOperationalEndpoints(t *testing.T) {
	srv := newTestServer(t, Config{})
	getBody(t, srv.URL+"/api/search?q=dan", nil)
	resp, body := getBody(t, srv.URL+"/metrics", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `tracuu_http_requests_total{code="200",method="GET",route="/api/search"} 1`) ||
		!strings.Contains(body, "tracuu_index_articles 12") {
		t.Errorf("metrics: %d\n%.2000s", resp.StatusCode, body)
	}
	resp, body = getBody(t, srv.URL+"/api/openapi.json", nil)
	var doc map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &doc) != nil || doc["openapi"] != "3.1.0" {
		t.Errorf("openapi: %d %.200s", resp.StatusCode, body)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, _ := getBody(t, srv.URL+p, nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	// Revalidation: the same search with its ETag is a 304 with no body.
	resp, _ = getBody(t, srv.URL+"/api/search?q=dan", nil)
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id on the answer")
	}
	tag := resp.Header.Get("ETag")
	if tag == "" || resp.Header.Get("Cache-Control") == "" {
		t.Fatalf("no ETag/Cache-Control on search: %v", resp.Header)
	}
	resp, body = getBody(t, srv.URL+"/api/search?q=dan", map[string]string{"If-None-Match": tag})
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("revalidation: %d %q", resp.StatusCode, body)
	}
	if resp, _ := getBody(t, srv.URL+"/api/search?q=dan+chu", map[string]string{"If-None-Match": tag}); resp.StatusCode != 200 {
		t.Errorf("another query with the first one's tag: %d", resp.StatusCode)
	}
	// Compression for clients that ask.
	req, _ := http.NewRequest("GET", srv.URL+"/api/search?q=dan&size=12", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	r2, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("search answer not gzipped: %v", r2.Header)
	}
}

func TestHostileQueries(t *testing.T) {
	srv := newTestServer(t, Config{})
	for name, q := range map[string]string{
		"10,000 terms":       strings.Repeat("dân ", 10000),
		"leading wildcard":   "*an",
		"regexp-like":        "/d.n/",
		"deep parentheses":   strings.Repeat("(", 5000) + "a" + strings.Repeat(")", 5000),
		"invalid UTF-8":      "d\xffn",
		"control characters": "dân\x00\x01chủ",
	} {
		resp, body := getBody(t, srv.URL+"/api/search?q="+url.QueryEscape(q), nil)
		if resp.StatusCode >= 500 {
			t.Errorf("%s: status %d %s", name, resp.StatusCode, body)
		}
	}
	for _, v := range []string{"size=1000000000", "page=-1", "after=" + strings.Repeat("A", 5000), "from=99999-01-01"} {
		if resp, _ := getBody(t, srv.URL+"/api/search?"+v, nil); resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", v, resp.StatusCode)
		}
	}
}
