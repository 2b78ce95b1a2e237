package main

import (
	"flag"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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
	home := "../../../shared/corpus/vi-pages/pages/005_genk-vn_genkvn.homepage.html"
	out, errOut, code = tracuu(t, "extract", home)
	if code != 0 {
		t.Skipf("the shared vi-pages corpus is not readable here: %s", errOut)
	}
	if !regexp.MustCompile(`(?m)^kind: +\w+ \(.+\)$`).MatchString(out) {
		t.Errorf("kind and reason run together:\n%.300s", out)
	}
}
