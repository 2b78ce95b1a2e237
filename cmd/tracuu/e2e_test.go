package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The end-to-end tests build the real binary, import the bundled sample
// into a temporary index and talk to `tracuu serve` over HTTP.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tracuu-e2e")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "tracuu")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic("build tracuu: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const sampleDir = "../../sample"

type expectedPage struct {
	File      string `json:"file"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Host      string `json:"host"` // the site facet value: the domain
}

func loadExpected(t *testing.T) []expectedPage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir, "expected.json"))
	if err != nil {
		t.Fatalf("read sample expectations: %v", err)
	}
	var pages []expectedPage
	if err := json.Unmarshal(b, &pages); err != nil {
		t.Fatalf("parse sample/expected.json: %v", err)
	}
	if len(pages) != 5 {
		t.Fatalf("sample/expected.json lists %d pages, want the 5 seed articles", len(pages))
	}
	return pages
}

// tracuu runs the binary and returns stdout, stderr and the exit code.
func tracuu(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return tracuuEnv(t, nil, args...)
}

// tracuuEnv is tracuu with variables added to the environment.
func tracuuEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(append(os.Environ(), "TRACUU_INDEX="), env...) // flags only, and env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run tracuu %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

type importSummary struct {
	Seen, Indexed, NotArticles, Skipped int
}

func importSample(t *testing.T, dir string) importSummary {
	t.Helper()
	out, errOut, code := tracuu(t, "import", "--index", dir, "--json", sampleDir)
	if code != 0 {
		t.Fatalf("import exited %d: %s", code, errOut)
	}
	var s struct {
		Seen        int `json:"seen"`
		Indexed     int `json:"indexed"`
		NotArticles int `json:"not_articles"`
		Skipped     int `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("import --json printed %q: %v", out, err)
	}
	return importSummary{s.Seen, s.Indexed, s.NotArticles, s.Skipped}
}

// serve starts `tracuu serve` on a free loopback port and returns its base URL.
func serve(t *testing.T, dir string) string {
	t.Helper()
	return serveWith(t, nil, "--index", dir)
}

// serveWith starts `tracuu serve` with args, and env added to the
// environment, on a free loopback port and returns its base URL.
func serveWith(t *testing.T, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binPath, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		m := regexp.MustCompile(`http://\S+/`).FindString(l)
		if m == "" {
			t.Fatalf("serve printed %q, want a URL", l)
		}
		return strings.TrimSuffix(m, "/")
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start within 20s")
	}
	return ""
}

type searchAnswer struct {
	Total       int    `json:"total"`
	Next        string `json:"next"`
	Interpreted string `json:"interpreted"`
	Hits        []hit  `json:"hits"`
	Facets      map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

type hit struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Site      string `json:"site"`
	Published string `json:"published"`
	Snippet   string `json:"snippet"`
}

func get(t *testing.T, base, path string, v url.Values) (int, []byte) {
	t.Helper()
	u := base + path
	if v != nil {
		u += "?" + v.Encode()
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); path != "/" && !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q, want JSON", u, ct)
	}
	return resp.StatusCode, b
}

func searchOK(t *testing.T, base string, v url.Values) searchAnswer {
	t.Helper()
	code, b := get(t, base, "/api/search", v)
	if code != http.StatusOK {
		t.Fatalf("search %v: status %d: %s", v, code, b)
	}
	var a searchAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("search %v: %v in %s", v, err, b)
	}
	return a
}

func TestEndToEnd(t *testing.T) {
	want := loadExpected(t)
	dir := filepath.Join(t.TempDir(), "index")
	first := importSample(t, dir)
	if first.Indexed != 5 {
		t.Fatalf("first import indexed %d articles, want 5 (%+v)", first.Indexed, first)
	}
	// Importing again must not duplicate anything.
	importSample(t, dir)
	out, _, code := tracuu(t, "stats", "--index", dir, "--json")
	if code != 0 || !strings.Contains(out, `"articles":5`) {
		t.Fatalf("after two imports stats = %s (exit %d), want 5 articles", out, code)
	}

	base := serve(t, dir)
	// While serve holds the index, a second writer is told what to do instead of hanging.
	if _, errOut, code := tracuu(t, "import", "--index", dir, sampleDir); code != 1 || !strings.Contains(errOut, "admin API") {
		t.Errorf("import while serving: exit %d, %q; want 1 and a pointer to the admin API", code, errOut)
	}
	wantURLs := map[string]bool{}
	for _, p := range want {
		wantURLs[p.URL] = true
	}

	// A wrong mark is read without it, and said so; exact=1 searches the
	// spelling typed, which no article holds. Punctuation pasted or typed
	// around the words changes nothing.
	if a := searchOK(t, base, url.Values{"q": {"dân chũ"}}); a.Total != 5 || a.Interpreted != "dân chu" {
		t.Errorf("q=dân chũ: total %d, interpreted %q; want 5 and \"dân chu\"", a.Total, a.Interpreted)
	}
	if a := searchOK(t, base, url.Values{"q": {"dân chũ"}, "exact": {"1"}}); a.Total != 0 || a.Interpreted != "" {
		t.Errorf("q=dân chũ exact: total %d, interpreted %q; want none, as typed", a.Total, a.Interpreted)
	}
	for _, q := range []string{"quy chế dân chủ?", "“Quy chế dân chủ” -", "quy chế - dân chủ ,", "quy chees daan chur"} {
		if a := searchOK(t, base, url.Values{"q": {q}}); a.Total != 5 {
			t.Errorf("q=%q: total %d, want all 5 seed articles", q, a.Total)
		}
	}
	for _, q := range []string{"quy che dan chu", "quy chế dân chủ", "QUY CHẾ DÂN CHỦ", "dan chu"} {
		a := searchOK(t, base, url.Values{"q": {q}})
		if a.Total != 5 || len(a.Hits) != 5 {
			t.Errorf("q=%q: total %d, %d hits; want all 5 seed articles", q, a.Total, len(a.Hits))
		}
		for _, h := range a.Hits {
			if !wantURLs[h.URL] {
				t.Errorf("q=%q: hit %q has URL %q, not one of the sample's", q, h.Title, h.URL)
			}
			if !strings.Contains(h.Snippet, "<mark>") {
				t.Errorf("q=%q: snippet of %q has no <mark>: %s", q, h.Title, h.Snippet)
			}
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(h.Snippet, "<mark>", ""), "</mark>", ""), "<") {
				t.Errorf("q=%q: snippet carries markup other than <mark>: %s", q, h.Snippet)
			}
		}
		years := 0
		for _, f := range a.Facets["year"] {
			years += f.Count
		}
		if years != a.Total {
			t.Errorf("q=%q: year facet counts add up to %d, total is %d", q, years, a.Total)
		}
	}

	// A site filter narrows to that site; the site facet still offers the others.
	site := want[0].Host
	a := searchOK(t, base, url.Values{"q": {"quy che dan chu"}, "site": {site}})
	if a.Total != 1 || len(a.Hits) != 1 || a.Hits[0].Site != site {
		t.Errorf("site=%s: total %d, hits %+v; want its one article", site, a.Total, a.Hits)
	}
	if n := len(a.Facets["site"]); n != 5 {
		t.Errorf("site=%s: site facet lists %d sites, want all 5 (multi-select facets ignore their own filter)", site, n)
	}

	// A date range narrows by publication date.
	a = searchOK(t, base, url.Values{"q": {"dan chu"}, "from": {"2020"}, "to": {"2020-12-31"}})
	for _, h := range a.Hits {
		if !strings.HasPrefix(h.Published, "2020-") {
			t.Errorf("from=2020: hit %q published %s", h.Title, h.Published)
		}
	}
	if a.Total == 0 || a.Total >= 5 {
		t.Errorf("from=2020&to=2020-12-31: total %d, want some but not all", a.Total)
	}

	// The empty query lists everything, newest first.
	a = searchOK(t, base, url.Values{"q": {""}})
	if a.Total != 5 {
		t.Errorf("q= (empty): total %d, want 5", a.Total)
	}
	for i := 1; i < len(a.Hits); i++ {
		if a.Hits[i-1].Published < a.Hits[i].Published {
			t.Errorf("q= (empty): hits not newest first: %s before %s", a.Hits[i-1].Published, a.Hits[i].Published)
		}
	}

	// Paging with size=2 walks all five exactly once, by page and by cursor.
	seen := map[string]int{}
	for page := 1; page <= 3; page++ {
		a = searchOK(t, base, url.Values{"q": {"dan chu"}, "size": {"2"}, "page": {strconv.Itoa(page)}})
		for _, h := range a.Hits {
			seen[h.ID]++
		}
	}
	if len(seen) != 5 {
		t.Errorf("pages of 2: saw %d distinct articles (%v), want 5", len(seen), seen)
	}
	seen = map[string]int{}
	v := url.Values{"q": {"dan chu"}, "size": {"2"}}
	for i := 0; i < 5; i++ {
		a = searchOK(t, base, v)
		for _, h := range a.Hits {
			seen[h.ID]++
		}
		if a.Next == "" {
			break
		}
		v.Set("after", a.Next)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("cursor walk saw %s %d times", id, n)
		}
	}
	if len(seen) != 5 {
		t.Errorf("cursor walk saw %d articles, want 5", len(seen))
	}

	// Bad input is a 400 with a JSON error, never a 500.
	for _, v := range []url.Values{
		{"q": {"dan chu"}, "size": {"abc"}},
		{"size": {"0"}},
		{"page": {"-1"}},
		{"size": {"1000000000"}},
		{"q": {"c*"}},
		{"q": {"d*n"}},
		{"q": {"dân " + strings.Repeat("x ", 70)}},
		{"from": {"2020-13"}},
		{"sort": {"random"}},
		{"after": {"not-a-cursor"}},
		{"facets": {"colour"}},
		{"colour": {"red"}},
	} {
		code, b := get(t, base, "/api/search", v)
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if code != http.StatusBadRequest || json.Unmarshal(b, &e) != nil || e.Error.Code != "bad_query" || e.Error.Message == "" {
			t.Errorf("%v: status %d body %s; want 400 with a JSON error", v, code, b)
		}
	}

	// One article by id; a missing one is a JSON 404.
	a = searchOK(t, base, url.Values{"q": {"dan chu"}, "size": {"1"}})
	code, b := get(t, base, "/api/articles/"+a.Hits[0].ID, nil)
	if code != http.StatusOK || !strings.Contains(string(b), a.Hits[0].ID) {
		t.Errorf("GET article %s: %d %s", a.Hits[0].ID, code, b)
	}
	if code, _ := get(t, base, "/api/articles/nope", nil); code != http.StatusNotFound {
		t.Errorf("GET missing article: status %d, want 404", code)
	}
	code, b = get(t, base, "/api/stats", nil)
	if code != http.StatusOK || !strings.Contains(string(b), `"articles":5`) {
		t.Errorf("/api/stats: %d %s", code, b)
	}
	if code, b := get(t, base, "/", nil); code != http.StatusOK || !strings.Contains(string(b), "/api/search") && !strings.Contains(string(b), "app.js") {
		t.Errorf("GET /: %d %.200s", code, b)
	}
}

func TestImportMissingSource(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	missing := filepath.Join(t.TempDir(), "no-such-archive.tar.gz")
	out, errOut, code := tracuu(t, "import", "--index", dir, missing)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], missing) {
		t.Errorf("stderr = %q, want one line naming %s", errOut, missing)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"import"}, {"search", "--size", "x", "dan"}, {"serve", "extra"}} {
		if _, _, code := tracuu(t, args...); code != 2 {
			t.Errorf("tracuu %v: exit %d, want 2", args, code)
		}
	}
}

// serve refuses an admin token short enough to guess, and removes at
// start the version directory a rebuild killed midway left behind.
func TestServeStartChecks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	importSample(t, dir)
	tok := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tok, []byte("x\n"), 0o600)
	_, stderr, code := tracuu(t, "serve", "--index", dir, "--addr", "127.0.0.1:0", "--admin-token-file", tok)
	if code != 2 || !strings.Contains(stderr, "at least 16 characters") {
		t.Errorf("serve with a one-character token: exit %d, %q", code, stderr)
	}
	partial := filepath.Join(dir, "v1-20260101T000000.000000000")
	if err := os.MkdirAll(filepath.Join(partial, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(partial, "store", "000000000001.zap"), make([]byte, 1<<20), 0o644)
	base := serve(t, dir)
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("the unfinished version is still there after serve started: %v", err)
	}
	if code, _ := get(t, base, "/api/search", url.Values{"q": {"dan chu"}}); code != 200 {
		t.Errorf("search after the cleanup: %d", code)
	}
}
