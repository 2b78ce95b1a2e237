package server

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A cross-origin request that needs a preflight (a custom header, a JSON
// body) is answered with the CORS headers; an origin not on the list gets
// none, and the admin API never answers CORS.
func TestCORSPreflight(t *testing.T) {
	for _, tc := range []struct {
		allowed   []string
		origin    string
		path      string
		wantAllow string
	}{
		{nil, "https://site.example", "/api/search", "*"},
		{[]string{"https://a.example"}, "https://a.example", "/api/search", "https://a.example"},
		{[]string{"https://a.example"}, "https://evil.example", "/api/search", ""},
		{nil, "https://site.example", "/api/admin/imports", ""},
	} {
		srv := newTestServer(t, Config{CORSOrigins: tc.allowed})
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+tc.path, nil)
		req.Header.Set("Origin", tc.origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "content-type, x-request-id")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		name := tc.origin + " " + tc.path
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.wantAllow {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", name, got, tc.wantAllow)
		}
		if tc.wantAllow == "" {
			continue
		}
		if resp.StatusCode >= 300 {
			t.Errorf("%s: preflight answered %d", name, resp.StatusCode)
		}
		if m := resp.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "GET") {
			t.Errorf("%s: Access-Control-Allow-Methods %q lacks GET", name, m)
		}
		if h := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(h, "content-type") {
			t.Errorf("%s: Access-Control-Allow-Headers %q lacks Content-Type", name, h)
		}
	}
}

// An export is named after its query and the day it was made, in ASCII.
func TestExportFilename(t *testing.T) {
	srv := newTestServer(t, Config{})
	re := regexp.MustCompile(`^attachment; filename="tracuu-quy-che-dan-chu-\d{4}-\d{2}-\d{2}\.csv"$`)
	resp, _ := getBody(t, srv.URL+"/api/export?format=csv&q="+"quy+ch%E1%BA%BF+%22d%C3%A2n+ch%E1%BB%A7%22", nil)
	if cd := resp.Header.Get("Content-Disposition"); !re.MatchString(cd) {
		t.Errorf("Content-Disposition %q, want a name from the query and the date", cd)
	}
	resp, _ = getBody(t, srv.URL+"/api/export?format=jsonl&q=", nil)
	if cd := resp.Header.Get("Content-Disposition"); !regexp.MustCompile(`filename="tracuu-\d{4}-\d{2}-\d{2}\.jsonl"`).MatchString(cd) {
		t.Errorf("export of everything: Content-Disposition %q", cd)
	}
}

// An import of a path that does not exist under the roots is a 404 that
// says so; one outside the roots stays a 403 whether it exists or not.
// A finished job's progress is snake_case JSON with seconds.
func TestAdminImportMissingSourceAndProgress(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "batch.jsonl")
	os.WriteFile(src, []byte(`{"id":"n1","title":"Tin mới về quy chế dân chủ","body":"Nội dung."}`+"\n"), 0o644)
	srv, _ := newAdminServer(t, "tok", []string{root})
	for _, tc := range []struct {
		source string
		code   int
		err    string
	}{
		{filepath.Join(root, "typo.jsonl"), http.StatusNotFound, "source_not_found"},
		{filepath.Join(root, "no", "such", "dir"), http.StatusNotFound, "source_not_found"},
		{filepath.Join(t.TempDir(), "elsewhere.jsonl"), http.StatusForbidden, "forbidden_source"},
	} {
		code, body, _ := adminDo(t, "POST", srv.URL+"/api/admin/imports", "tok", `{"source":"`+tc.source+`"}`)
		e, _ := body["error"].(map[string]any)
		if code != tc.code || e["code"] != tc.err {
			t.Errorf("%s: %d %v, want %d %s", tc.source, code, body, tc.code, tc.err)
		}
		if code == http.StatusNotFound && !strings.Contains(fmt.Sprint(e["message"]), "no such") {
			t.Errorf("%s: message %q does not say the path does not exist", tc.source, e["message"])
		}
	}
	code, job, _ := adminDo(t, "POST", srv.URL+"/api/admin/imports", "tok", `{"source":"`+src+`"}`)
	if code != http.StatusAccepted {
		t.Fatalf("start import: %d %v", code, job)
	}
	job = waitJob(t, srv.URL, "tok", job["id"].(string))
	p, _ := job["progress"].(map[string]any)
	if p["seen"] != 1.0 || p["indexed"] != 1.0 {
		t.Errorf("progress %v, want seen 1 and indexed 1", p)
	}
	if s, ok := p["elapsed_seconds"].(float64); !ok || s <= 0 || s > 60 {
		t.Errorf("progress %v: elapsed_seconds should be seconds", p)
	}
	for k := range p {
		if k != strings.ToLower(k) {
			t.Errorf("progress field %q is not snake_case", k)
		}
	}
}
