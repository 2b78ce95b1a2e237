package vi

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

// loadCorpus returns the first n articles as title and body texts.
func loadCorpus(tb testing.TB, n int) []string {
	tb.Helper()
	var texts []string
	err := corpus.Lines(context.Background(), corpustest.Path(tb, "vi-news"), func(file string, line int, text []byte) (bool, error) {
		var a struct{ Title, Body string }
		if err := json.Unmarshal(text, &a); err != nil {
			return false, fmt.Errorf("%s line %d: %w", file, line, err)
		}
		texts = append(texts, a.Title, a.Body)
		return len(texts) < 2*n, nil
	})
	if err != nil {
		tb.Fatalf("read corpus: %v", err)
	}
	return texts
}

// TestCorpus runs the invariants over 2,000 real articles and logs how many
// words Clean changes, that is the tone-placement variants met in practice.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the corpus test in -short mode")
	}
	texts := loadCorpus(t, 2000)
	changed := map[string]int{}
	words, changedWords, syllables, tokens := 0, 0, 0, 0
	for i, s := range texts {
		n := Normalize(s)
		if got := Normalize(n); got != n {
			t.Fatalf("Normalize not idempotent on %.80q", s)
		}
		f := Fold(s)
		if got := Fold(n); got != f {
			t.Fatalf("Fold(Normalize(s)) != Fold(s) on %.80q", s)
		}
		if i%8 == 0 {
			// Every combination of flags, as is and in capitals: slow.
			checkQuick(t, s)
			checkQuick(t, strings.ToUpper(s))
			if t.Failed() {
				return
			}
		}
		for _, r := range f {
			if r >= utf8.RuneSelf && (r < infoMax && info[r] != 0 || isDiacritic(r)) {
				t.Fatalf("Fold left %q in %.80q", r, s)
			}
		}
		for _, w := range strings.Fields(s) {
			words++
			if c := Clean(w); c != w {
				changedWords++
				changed[w+" → "+c]++
			}
		}
		for _, w := range strings.FieldsFunc(n, isWordSep) {
			tokens++
			if IsSyllable(w) {
				syllables++
			}
		}
	}
	type variant struct {
		s string
		n int
	}
	var top []variant
	for s, n := range changed {
		top = append(top, variant{s, n})
	}
	sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || top[i].n == top[j].n && top[i].s < top[j].s })
	var b strings.Builder
	for i, v := range top {
		if i == 15 {
			break
		}
		fmt.Fprintf(&b, " %s ×%d;", v.s, v.n)
	}
	t.Logf("%d texts, %d words, %d changed by Clean (%d distinct); most frequent:%s",
		len(texts), words, changedWords, len(changed), b.String())
	t.Logf("%d of %d letter/digit tokens (%.1f%%) are Vietnamese syllables", syllables, tokens,
		100*float64(syllables)/float64(tokens))
	if changedWords == 0 || syllables < tokens/2 {
		t.Errorf("implausible corpus figures: %d words changed, %d/%d syllables", changedWords, syllables, tokens)
	}
}
