package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/internal/search"
)

func newTestServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	b, err := index.Open(filepath.Join(t.TempDir(), "ix"), index.Options{})
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
		{"GET", "/api/search?q=%22open", 400, "bad_query"},
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
