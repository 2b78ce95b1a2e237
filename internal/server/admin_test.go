package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/ingest"
	"github.com/tracuu/tracuu/internal/search"
)

func newAdminServer(t *testing.T, token string, roots []string) (*httptest.Server, index.Backend) {
	t.Helper()
	x, err := ingest.Open(filepath.Join(t.TempDir(), "ix"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(&search.Service{Backend: x.Live()}, Config{Admin: Admin{Token: token, Roots: roots, Ingest: x}})
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		s.Shutdown(context.Background())
		x.Close()
	})
	return srv, x.Live()
}

func adminDo(t *testing.T, method, url, token, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header
}

func waitJob(t *testing.T, base, token, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, job, _ := adminDo(t, "GET", base+"/api/admin/imports/"+id, token, "")
		if job["status"] != "running" && job["status"] != "queued" {
			return job
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s still running after 20s", id)
	return nil
}

func TestAdminNeedsToken(t *testing.T) {
	srv, _ := newAdminServer(t, "", nil)
	if code, _, _ := adminDo(t, "POST", srv.URL+"/api/admin/imports", "anything", `{"source":"/"}`); code != http.StatusForbidden {
		t.Errorf("with no token configured: %d, want 403", code)
	}
	srv, _ = newAdminServer(t, "s3cret", nil)
	for _, tok := range []string{"", "wrong", "s3cret-and-more", "s3cre"} {
		code, body, hdr := adminDo(t, "POST", srv.URL+"/api/admin/imports", tok, `{"source":"/"}`)
		if code != http.StatusUnauthorized || hdr.Get("WWW-Authenticate") == "" || body["error"] == nil {
			t.Errorf("token %q: %d %v", tok, code, body)
		}
		if hdr.Get("Access-Control-Allow-Origin") != "" {
			t.Error("admin routes answered CORS")
		}
	}
}

func TestAdminImportAndReindexWhileSearching(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "batch.jsonl")
	os.WriteFile(src, []byte(`{"id":"n1","title":"Tin mới về quy chế dân chủ","body":"Nội dung."}`+"\n"+
		`{"id":"n2","title":"Tin thứ hai","body":"Dân chủ ở cơ sở."}`+"\n"), 0o644)
	outside := filepath.Join(t.TempDir(), "other.jsonl")
	os.WriteFile(outside, []byte(`{"id":"x","title":"x","body":"x"}`+"\n"), 0o644)
	link := filepath.Join(root, "escape.jsonl")
	os.Symlink(outside, link)

	srv, live := newAdminServer(t, "tok", []string{root})
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"source":"` + outside + `"}`, http.StatusForbidden},
		{`{"source":"` + link + `"}`, http.StatusForbidden},
		{`{"source":"` + root + `/../` + filepath.Base(filepath.Dir(outside)) + `"}`, http.StatusForbidden},
		{`{"sauce":"x"}`, http.StatusBadRequest},
		{`{}`, http.StatusBadRequest},
		{`{"source":"` + strings.Repeat("a", 70<<10) + `"}`, http.StatusBadRequest},
	} {
		if code, body, _ := adminDo(t, "POST", srv.URL+"/api/admin/imports", "tok", tc.body); code != tc.code {
			t.Errorf("body %.60s: %d %v, want %d", tc.body, code, body, tc.code)
		}
	}

	code, job, hdr := adminDo(t, "POST", srv.URL+"/api/admin/imports", "tok", `{"source":"`+src+`"}`)
	if code != http.StatusAccepted || hdr.Get("Location") == "" {
		t.Fatalf("start import: %d %v", code, job)
	}
	job = waitJob(t, srv.URL, "tok", job["id"].(string))
	sum, _ := job["summary"].(map[string]any)
	if job["status"] != "done" || sum["new"] != 2.0 {
		t.Fatalf("import job: %v", job)
	}
	resp, err := http.Get(srv.URL + "/api/search?q=dan+chu")
	if err != nil {
		t.Fatal(err)
	}
	var res search.Response
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if res.Total != 2 {
		t.Errorf("search after admin import: total %d, want 2", res.Total)
	}

	old := servedPath(t, live)
	code, job, _ = adminDo(t, "POST", srv.URL+"/api/admin/reindex", "tok", "")
	if code != http.StatusAccepted {
		t.Fatalf("start reindex: %d %v", code, job)
	}
	job = waitJob(t, srv.URL, "tok", job["id"].(string))
	if job["status"] != "done" || servedPath(t, live) == old {
		t.Fatalf("reindex job: %v", job)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old version not removed: %v", err)
	}
	if st, _ := live.Stats(context.Background()); st.Articles != 2 {
		t.Errorf("after reindex: %d articles", st.Articles)
	}
	code, list, _ := adminDo(t, "GET", srv.URL+"/api/admin/imports", "tok", "")
	if jobs, _ := list["jobs"].([]any); code != 200 || len(jobs) != 2 {
		t.Errorf("job list: %d %v", code, list)
	}
	if code, _, _ := adminDo(t, "GET", srv.URL+"/api/admin/imports/99", "tok", ""); code != 404 {
		t.Errorf("missing job: %d", code)
	}
}

func TestRateLimitAndNoSecretsInLogs(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	x, err := ingest.Open(filepath.Join(t.TempDir(), "ix"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	s := New(&search.Service{Backend: x.Live()}, Config{RateLimit: 5, Log: log, Admin: Admin{Token: "super-secret-token", Ingest: x}})
	srv := httptest.NewServer(s)
	defer srv.Close()
	codes := map[int]int{}
	for i := 0; i < 8; i++ {
		resp, err := http.Get(srv.URL + "/api/search?q=x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[200] != 5 || codes[429] != 3 {
		t.Errorf("8 searches under a limit of 5/min: %v", codes)
	}
	adminDo(t, "GET", srv.URL+"/api/admin/imports", "super-secret-token", "")
	adminDo(t, "GET", srv.URL+"/api/admin/imports?token=x", "wrong-token", "")
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "super-secret-token") || strings.Contains(logs.String(), "wrong-token") {
		t.Errorf("a token reached the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"path":"/api/admin/imports"`) {
		t.Errorf("admin requests are not in the access log:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// servedPath is the directory of the version live serves.
func servedPath(t *testing.T, live index.Backend) string {
	t.Helper()
	st, err := live.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Path
}
