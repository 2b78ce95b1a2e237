package search

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// How much more often one reading of a word must occur in the archive than
// the word as typed before the query takes it. The odds are high on
// purpose: marks typed are marks meant, and an ASCII word is a word.
const (
	// keysOdds: keystrokes of an input method ("vieetj") against the word
	// as typed; a real word ("bus", "Lee", "Vox") occurs, keystrokes do not.
	keysOdds = 1000
	// keysOddsBeside: the same when another word of the query is surely
	// keystrokes: then "sex", "teen", "coo" are "sẽ", "tên", "cô" typed with
	// the input method off.
	keysOddsBeside = 20
	// slipWordOdds: a word's folded form against its spelling typed. A
	// wrong mark ("chũ" for "chủ") is all but absent; a rare real word
	// ("mợ") is not.
	slipWordOdds = 1000
	// slipPairOdds: a query of two marked words ("Việt năm") against their
	// folded pair ("viet nam"). Only a two-word query is read so: a rare
	// real pair beside a common one ("Đảng được", "đang được") looks the
	// same to counts, and in a longer query the other words carry it.
	slipPairOdds = 1000
)

// Planned is a query as it will be searched.
type Planned struct {
	Query index.Query
	// Interpreted is the query searched when it differs from what was
	// typed: a wrong mark read without marks, keystrokes read as the
	// syllable they spell. Empty when the query was searched as typed.
	Interpreted string
}

// Plan parses q and, unless exact, reads its plain words the way the
// archive makes plausible: input-method keystrokes typed with the method
// off are searched as the syllable they spell too ("vieetj" → việt), and a
// word or pair of words whose spelling typed is all but absent while its
// folded form is common is searched without marks ("dân chũ" → dân chu).
// Every search, count and export of a query goes through Plan, so they
// all answer the same set.
func (s *Service) Plan(ctx context.Context, q string, exact bool) (Planned, error) {
	toks, err := tokens(q)
	if err != nil {
		return Planned{}, err
	}
	parsed, err := parse(q, toks, nil)
	if err != nil || exact {
		return Planned{Query: parsed}, err
	}
	words, pairs := plainWords(q, toks)
	if len(words) == 0 {
		return Planned{Query: parsed}, nil
	}
	at := make([]int, 0, len(words))
	for i := range words {
		at = append(at, i)
	}
	sort.Ints(at)

	// Ask the archive about each candidate reading at once.
	var texts []string
	ask := func(t string) int { texts = append(texts, t); return len(texts) - 1 }
	// A candidate reading of a word: the indexes of its counts in texts,
	// and the text the reading searches.
	type candidate struct {
		typed, other int
		text         string
	}
	keys := map[int]candidate{}
	slips := map[int]candidate{}
	for _, i := range at {
		w := words[i]
		if !vi.HasMarks(w) {
			if k, ok := vi.Keystrokes(w); ok {
				keys[i] = candidate{ask(w), ask(k), k}
			}
			continue
		}
		slips[i] = candidate{ask(w), ask(vi.Fold(w)), vi.Fold(w)}
	}
	var pairSlips [][2]int
	var pairAsk []candidate
	for _, p := range pairs {
		a, b := words[p[0]], words[p[1]]
		if len(words) == 2 && vi.HasMarks(a) && vi.HasMarks(b) {
			pairSlips = append(pairSlips, p)
			pairAsk = append(pairAsk, candidate{typed: ask(a + " " + b), other: ask(vi.Fold(a) + " " + vi.Fold(b))})
		}
	}
	if len(texts) == 0 {
		return Planned{Query: parsed}, nil
	}
	n, err := s.Backend.Frequencies(ctx, texts)
	if err != nil {
		return Planned{}, fmt.Errorf("plan: %w", err)
	}
	readings := map[int]string{}
	for _, odds := range []uint64{keysOdds, keysOddsBeside} {
		for i, c := range keys {
			if n[c.other] > 0 && n[c.typed]*odds < n[c.other] {
				readings[i] = c.text
			}
		}
		if len(readings) == 0 {
			break // no word is surely keystrokes: the others are words
		}
	}
	for i, c := range slips {
		// A required word that no article holds empties the answer: any
		// other spelling is better than none.
		if n[c.other] > 0 && (n[c.typed] == 0 || n[c.typed]*slipWordOdds < n[c.other]) {
			readings[i] = c.text
		}
	}
	for k, p := range pairSlips {
		c := pairAsk[k]
		if max(n[c.typed], 1)*slipPairOdds < n[c.other] {
			readings[p[0]], readings[p[1]] = vi.Fold(words[p[0]]), vi.Fold(words[p[1]])
		}
	}
	if len(readings) == 0 {
		return Planned{Query: parsed}, nil
	}
	read, err := parse(q, toks, readings)
	if err != nil {
		return Planned{}, err
	}
	return Planned{Query: read, Interpreted: rewrite(q, toks, readings)}, nil
}

// rewrite returns q, split into toks, with the words that have readings
// replaced by them.
func rewrite(q string, toks []token, readings map[int]string) string {
	var b strings.Builder
	pos := 0
	for i, t := range toks {
		r, ok := readings[i]
		if !ok {
			continue
		}
		b.WriteString(q[pos:t.start])
		b.WriteString(r)
		pos = t.end
	}
	b.WriteString(q[pos:])
	return b.String()
}
