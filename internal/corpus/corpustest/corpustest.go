// Package corpustest finds the shared real-data corpora (vi-news,
// vi-pages, aeb) for tests. They live outside the repository, in
// ../shared/corpus beside the module's root, or wherever $TRACUU_CORPUS
// says; a test that needs one is skipped, with a message saying where it
// looked, on a machine without it.
package corpustest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Env names the variable that points the tests at the corpus root (the
// directory holding vi-news, vi-pages and aeb).
const Env = "TRACUU_CORPUS"

// RequiredEnv names the variable that turns a missing corpus from a skip
// into a failure: CI sets it, as it always runs with the corpus beside the
// clone, so a misplaced corpus cannot pass as a run that skipped.
const RequiredEnv = "TRACUU_CORPUS_REQUIRED"

// Root returns the corpus root: $TRACUU_CORPUS when set, otherwise
// ../shared/corpus beside the root of the module the test runs in.
func Root() (string, error) {
	if d := os.Getenv(Env); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("corpus root: %w", err)
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared", "corpus"), nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("corpus root: no go.mod above %s; set %s", wd, Env)
		}
		d = up
	}
}

// Path returns the file or directory elem of the corpus root, such as
// Path(tb, "vi-news") or Path(tb, "vi-news", "part-00.jsonl.gz"). When it
// is not there, it skips tb (fails it when $TRACUU_CORPUS_REQUIRED is set).
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	root, err := Root()
	if err == nil {
		p := filepath.Join(append([]string{root}, elem...)...)
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("shared corpus not available (%v): put it at ../shared/corpus beside the repository or set %s to its directory", err, Env)
	if os.Getenv(RequiredEnv) != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}
