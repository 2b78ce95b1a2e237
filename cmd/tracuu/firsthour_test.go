package main

import (
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/importer"
)

// Every subcommand's --help prints its usage and every flag its FlagSet
// defines, on stdout, and exits 0; the top-level usage names every flag.
func TestHelpFromFlags(t *testing.T) {
	top, _, code := tracuu(t, "--help")
	if code != 0 {
		t.Fatalf("tracuu --help exited %d", code)
	}
	for _, f := range []string{"--force", "--page", "--sort", "--site", "--from", "--to", "--admin-token-file", "--create", "--version"} {
		if !strings.Contains(top, f) {
			t.Errorf("top-level usage lacks %s", f)
		}
	}
	for _, c := range commands {
		out, errOut, code := tracuu(t, c.name, "--help")
		if code != 0 || !strings.Contains(out, "usage: tracuu "+c.name) {
			t.Errorf("tracuu %s --help: exit %d, stdout %q, stderr %q", c.name, code, out, errOut)
			continue
		}
		fs := flagsOf(c.name)
		if fs == nil {
			t.Fatalf("no flags found for %s", c.name)
		}
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(out, "-"+f.Name) || !strings.Contains(top, "--"+f.Name) {
				t.Errorf("%s: help or top-level usage lacks --%s", c.name, f.Name)
			}
		})
		if h, _, _ := tracuu(t, "help", c.name); h != out {
			t.Errorf("tracuu help %s differs from tracuu %s --help", c.name, c.name)
		}
	}
	out, _, code := tracuu(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "tracuu ") || !strings.Contains(out, "go1.") {
		t.Errorf("tracuu --version: exit %d, %q", code, out)
	}
}

// serve --index with a typo refuses instead of serving an empty index;
// --create serves a new one.
func TestServeMissingIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "typo")
	_, errOut, code := tracuu(t, "serve", "--index", dir, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "no index at "+dir) || !strings.Contains(errOut, "--create") {
		t.Fatalf("serve of a missing index: exit %d, stderr %q", code, errOut)
	}
	cmd := exec.Command(binPath, "serve", "--index", dir, "--addr", "127.0.0.1:0", "--create")
	out := &lockedBuffer{}
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "serving 0 articles") {
		if time.Now().After(deadline) {
			t.Fatalf("serve --create did not start: %q", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// extract reads a JSONL file as the import does: one article a line, its
// fields labelled one to a line.
func TestExtractJSONL(t *testing.T) {
	src := "../../index/backendtest/testdata/articles.jsonl"
	out, errOut, code := tracuu(t, "extract", src)
	if code != 0 {
		t.Fatalf("extract: exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "kind:      article\n"); n != 12 {
		t.Errorf("extract of 12 JSONL lines shows %d articles:\n%.600s", n, out)
	}
	if !strings.Contains(out, "== "+src+":1\n") || !strings.Contains(out, "title:     Thực hiện quy chế dân chủ ở cơ sở\n") {
		t.Errorf("extract output lacks the first line's article:\n%.600s", out)
	}
	// A page that is not an article says why in parentheses, apart from
	// its kind.
	home := corpustest.Path(t, "vi-pages", "pages", "005_genk-vn_genkvn.homepage.html")
	out, errOut, code = tracuu(t, "extract", home)
	if code != 0 {
		t.Fatalf("extract %s: exit %d: %s", home, code, errOut)
	}
	if !regexp.MustCompile(`(?m)^kind: +\w+ \(.+\)$`).MatchString(out) {
		t.Errorf("kind and reason run together:\n%.300s", out)
	}
}

// The first Ctrl-C of an import says at once that it finishes the batch
// in hand; the second stops the process now. The index still opens and
// the same import then completes it.
func TestImportCtrlCTwice(t *testing.T) {
	src := filepath.Join(t.TempDir(), "corpus.jsonl")
	writeCorpus(t, src, 4000)
	dir := filepath.Join(t.TempDir(), "ix")
	cmd := exec.Command(binPath, "import", "--index", dir, "--batch", "500", src)
	errOut := &lockedBuffer{}
	cmd.Stderr = errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Interrupt once the import is under way: its first version exists.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "CURRENT")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import made no index within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	for !strings.Contains(errOut.String(), "finishing the batch in hand") {
		select {
		case err := <-done:
			t.Skipf("the import ended (%v) before the interrupt was handled: %q", err, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no word after the first Ctrl-C: %q", errOut.String())
		}
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() != 130 && ee.ExitCode() != 1 {
			t.Errorf("exit %d after the second Ctrl-C", ee.ExitCode())
		}
	case <-time.After(3 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the second Ctrl-C did not stop the import: %q", errOut.String())
	}
	if _, e, code := tracuu(t, "stats", "--index", dir); code != 0 {
		t.Fatalf("the index does not open after two Ctrl-C: %s", e)
	}
	if _, e, code := tracuu(t, "import", "--index", dir, "--json", src); code != 0 {
		t.Fatalf("the import does not resume: %s", e)
	}
	if n := len(snapshot(t, dir)); n != 4000 {
		t.Errorf("after the resumed import the index has %d articles, want 4000", n)
	}
}

// search and stats work while serve holds the index: they ask the server.
func TestSearchAndStatsWhileServing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	importSample(t, dir)
	base := serve(t, dir)
	resp, err := http.Get(base + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Errorf("/favicon.ico: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out, errOut, code := tracuu(t, "search", "--index", dir, "dan", "chu")
	if code != 0 || !strings.HasPrefix(out, "5 results") {
		t.Errorf("search while serving: exit %d, %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = tracuu(t, "search", "--index", dir, "--json", "--site", "dangbokhoicoquan.vn", "dan chu")
	if code != 0 || !strings.Contains(out, `"total":1`) {
		t.Errorf("filtered search while serving: exit %d, %.200q, stderr %q", code, out, errOut)
	}
	if _, errOut, code = tracuu(t, "search", "--index", dir, "dan c*"); code != 2 || !strings.Contains(errOut, "prefix") {
		t.Errorf("bad query while serving: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code = tracuu(t, "stats", "--index", dir)
	if code != 0 || !strings.Contains(out, "articles: 5") {
		t.Errorf("stats while serving: exit %d, %q, stderr %q", code, out, errOut)
	}
	// The research commands ask the server too, with the same output.
	out, errOut, code = tracuu(t, "trends", "--index", dir, "--json", "dan chu")
	var tr struct {
		Series []struct{ Total int } `json:"series"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &tr) != nil || len(tr.Series) != 1 || tr.Series[0].Total == 0 {
		t.Errorf("trends while serving: exit %d, %.300q, stderr %q", code, out, errOut)
	}
	out, errOut, code = tracuu(t, "terms", "--index", dir, "dan chu")
	if code != 0 || !strings.Contains(out, "matches read") {
		t.Errorf("terms while serving: exit %d, %.300q, stderr %q", code, out, errOut)
	}
	out, errOut, code = tracuu(t, "concordance", "--index", dir, "--width", "3", "dân chủ")
	if code != 0 || !strings.Contains(out, "dân chủ") || !strings.Contains(out, " lines") {
		t.Errorf("concordance while serving: exit %d, %.300q, stderr %q", code, out, errOut)
	}
	if _, errOut, code = tracuu(t, "trends", "--index", dir, "--interval", "fortnight", "dan chu"); code != 2 {
		t.Errorf("bad trends while serving: exit %d, stderr %q", code, errOut)
	}
}

// Off a terminal, progress is a plain line every few seconds with the
// phase, the count out of the total, the rate and the time left; no rate
// is given before a second has passed.
func TestPlainProgress(t *testing.T) {
	var buf strings.Builder
	p := newProgress("import", "pages", -1, &buf, false)
	p.set(10, "reading and indexing")
	if buf.Len() != 0 {
		t.Errorf("a line before %s: %q", plainEvery, buf.String())
	}
	p.setTotal(100)
	p.start = time.Now().Add(-4 * time.Second)
	p.last = time.Time{}
	p.update(importer.Progress{Seen: 40})
	want := "import: reading and indexing, 40 of 100 pages (40%), 10 pages/s, about 6s left\n"
	if buf.String() != want {
		t.Errorf("progress line %q, want %q", buf.String(), want)
	}
	if l := p.line(5, 100*time.Millisecond); strings.Contains(l, "/s") {
		t.Errorf("a rate after 0.1s: %q", l)
	}
	p.last = time.Time{}
	p.update(importer.Progress{Seen: 100})
	if !strings.Contains(buf.String(), "import: writing the last batch, 100 of 100 pages") {
		t.Errorf("no indexing phase once every page is read: %q", buf.String())
	}
}
