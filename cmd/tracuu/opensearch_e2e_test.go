package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
)

// TestOpenSearchEndToEnd runs the real binary with --backend opensearch
// against the stand-in cluster (opensearchtest: our reading of the API,
// not OpenSearch itself): import of the bundled sample, stats, search,
// reindex, and serve answering searches, readiness, metrics and an admin
// rebuild from the cluster. Every request must carry the basic
// authentication given by user and password file, as a secured cluster
// would demand.
func TestOpenSearchEndToEnd(t *testing.T) {
	e := opensearchtest.New(t)
	work := t.TempDir()
	pwFile := filepath.Join(work, "pw")
	if err := os.WriteFile(pwFile, []byte("pässword\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("tracuu:pässword"))
	e.SetBefore(func(r *http.Request, _ []byte) (int, string, bool) {
		if r.Header.Get("Authorization") != auth {
			return 401, `{"error":{"type":"security_exception","reason":"missing authentication credentials"},"status":401}`, true
		}
		return 0, "", false
	})
	// The variables a deployment sets, with a flag that overrides one: the
	// alias from the environment, the password from a file.
	env := []string{"TRACUU_BACKEND=", opensearch.EnvURL + "=" + e.URL(), opensearch.EnvIndex + "=news", opensearch.EnvUser + "=tracuu",
		opensearch.EnvPassword + "=wrong", opensearch.EnvToken + "=", envStateDir + "="}
	state := filepath.Join(work, "state")
	cluster := []string{"--backend", "opensearch", "--opensearch-password-file", pwFile}

	// Without --backend, the environment's cluster is not used.
	if _, errOut, code := tracuuEnv(t, env, "stats", "--index", filepath.Join(work, "none")); code == 0 || strings.Contains(errOut, "opensearch") {
		t.Errorf("stats without --backend: exit %d, %s; want Bleve's error for a missing directory", code, errOut)
	}

	out, errOut, code := tracuuEnv(t, env, append([]string{"import", "--json", "--opensearch-state-dir", state}, append(cluster, sampleDir)...)...)
	if code != 0 {
		t.Fatalf("import exited %d: %s", code, errOut)
	}
	var sum struct {
		New int `json:"new"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.New != 5 || e.Docs("news") != 5 {
		t.Fatalf("import: %s (%v); %d documents in the cluster, want 5", out, err, e.Docs("news"))
	}
	if _, err := os.Stat(filepath.Join(state, "last-import-report.jsonl")); err != nil {
		t.Errorf("no report in the state directory: %v", err)
	}
	// The import ran in the import mode and left it.
	var intervals []string
	for _, r := range e.Log() {
		if strings.HasSuffix(r.Path, "/_settings") {
			intervals = append(intervals, string(r.Body))
		}
	}
	if len(intervals) != 2 || !strings.Contains(intervals[0], `"-1"`) || !strings.Contains(intervals[1], "null") {
		t.Errorf("refresh settings sent by the import: %q", intervals)
	}

	out, errOut, code = tracuuEnv(t, env, append([]string{"stats"}, cluster...)...)
	if code != 0 || !strings.Contains(out, "articles: 5\n") || !strings.Contains(out, e.URL()+"/news-v") {
		t.Errorf("stats: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = tracuuEnv(t, env, append([]string{"search", "--json", "quy", "che", "dan", "chu"}, cluster...)...)
	var res searchAnswer
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total == 0 || len(res.Hits) == 0 {
		t.Errorf("search: exit %d, %d hits\n%.500s%s", code, res.Total, out, errOut)
	}
	// The research commands open the cluster the same way.
	for _, args := range [][]string{{"trends", "--json", "dân chủ"}, {"terms", "--json", "dân chủ"}, {"concordance", "--json", "--limit", "2", "dân chủ"}} {
		out, errOut, code = tracuuEnv(t, env, append(args, cluster...)...)
		if code != 0 || !strings.Contains(out, "dân chủ") && !strings.Contains(out, `"matches":5`) {
			t.Errorf("%s: exit %d\n%.300s%s", args[0], code, out, errOut)
		}
	}
	out, errOut, code = tracuuEnv(t, env, append([]string{"reindex", "--opensearch-state-dir", state}, cluster...)...)
	if code != 0 || !strings.Contains(out, "rebuilt 5 articles into news-v") || e.Docs("news") != 5 {
		t.Errorf("reindex: exit %d, %d documents\n%s%s", code, e.Docs("news"), out, errOut)
	}
	// The state followed the new index: a second import finds every page
	// unchanged.
	out, errOut, code = tracuuEnv(t, env, append([]string{"import", "--json", "--opensearch-state-dir", state}, append(cluster, sampleDir)...)...)
	var again struct {
		Unchanged int `json:"unchanged"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &again) != nil || again.Unchanged != 5 {
		t.Errorf("import after reindex: exit %d\n%s%s", code, out, errOut)
	}

	token := "an-admin-token-long-enough"
	base := serveWith(t, append(env, "TRACUU_ADMIN_TOKEN="+token),
		append([]string{"--opensearch-state-dir", state, "--index", filepath.Join(work, "unused")}, cluster...)...)
	a := searchOK(t, base, url.Values{"q": {"quy chế dân chủ"}})
	if a.Total == 0 || len(a.Hits) == 0 || len(a.Facets["site"]) == 0 {
		t.Errorf("/api/search from the cluster: %+v", a)
	}
	code, b := get(t, base, "/readyz", nil)
	var ready map[string]string
	if code != 200 || json.Unmarshal(b, &ready) != nil || ready["engine"] != "opensearch 2.19.0" || ready["index_status"] != "green" ||
		!strings.HasPrefix(ready["index"], "news-v") {
		t.Errorf("/readyz: %d %s", code, b)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"tracuu_engine_up 1\n", "tracuu_index_articles 5\n", `tracuu_engine_index_status{status="green"} 1`} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}
	code, b = get(t, base, "/api/stats", nil)
	if code != 200 || !strings.Contains(string(b), `"articles":5`) {
		t.Errorf("/api/stats: %d %s", code, b)
	}

	// An admin rebuild goes through ingest as the CLI's does.
	before := ready["index"]
	req, _ := http.NewRequest(http.MethodPost, base+"/api/admin/reindex", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var job map[string]any
	json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("admin reindex: %d %v", resp.StatusCode, job)
	}
	deadline := time.Now().Add(20 * time.Second)
	for job["status"] != "done" && job["status"] != "failed" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		req, _ := http.NewRequest(http.MethodGet, base+"/api/admin/imports/"+job["id"].(string), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&job)
		resp.Body.Close()
	}
	if job["status"] != "done" || e.Docs(before) != -1 || e.Docs("news") != 5 {
		t.Errorf("admin reindex: %v; the previous index has %d documents (want it deleted)", job, e.Docs(before))
	}
	if a := searchOK(t, base, url.Values{"q": {"quy chế dân chủ"}}); a.Total == 0 {
		t.Error("no hits after the admin rebuild")
	}
}

// TestOpenSearchMistakes: the cluster backend's usage errors and a missing
// index are reported before anything is written.
func TestOpenSearchMistakes(t *testing.T) {
	e := opensearchtest.New(t)
	env := []string{"TRACUU_BACKEND=", opensearch.EnvURL + "=", opensearch.EnvIndex + "="}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"stats", "--backend", "opensearch"}, 2, "needs the cluster's address"},
		{[]string{"stats", "--backend", "solr"}, 2, `unknown backend "solr"`},
		{[]string{"search", "--opensearch-url", e.URL(), "x"}, 2, "applies to --backend opensearch only"},
		{[]string{"stats", "--backend", "opensearch", "--opensearch-url", "http://u:p@" + strings.TrimPrefix(e.URL(), "http://")}, 2, "holds a password"},
		{[]string{"stats", "--backend", "opensearch", "--opensearch-url", e.URL()}, 1, "no index there"},
		{[]string{"serve", "--backend", "opensearch", "--opensearch-url", e.URL(), "--addr", "127.0.0.1:0"}, 1, "pass --create"},
	} {
		_, errOut, code := tracuuEnv(t, env, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
	if n := len(e.Log()); n != 0 {
		// The read-only opens ask what is there, and create nothing.
		for _, r := range e.Log() {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				t.Errorf("a mistaken command sent %s %s", r.Method, r.Path)
			}
		}
	}
}
