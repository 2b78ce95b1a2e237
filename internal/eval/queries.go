package eval

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/vi"
)

// Query classes. The accented classes are typed with marks (however
// encoded or placed), the accent-less ones without.
const (
	ClassTitle      = "title"          // a title span as written
	ClassTitleNoAcc = "title_noaccent" // the same without marks
	ClassTitleNFD   = "title_nfd"      // decomposed Unicode (macOS, some keyboards)
	ClassTitleTone  = "title_tone"     // the other tone placement: hoà for hòa, thuỷ for thủy
	ClassTitleUpper = "title_upper"    // in capitals
	ClassBody       = "body"           // a body span as written
	ClassBodyNoAcc  = "body_noaccent"
	ClassTitleWords = "title_words" // two or three title words that are not adjacent
	// ClassTitleWordsAny scores the title_words queries again, counting as
	// right any article whose title holds every query word: scattered
	// common words ("Trump gây") are in many titles, and the query cannot
	// tell its source title from the others, so only this says whether
	// titles holding all the words rank first.
	ClassTitleWordsAny = "title_words_any"
	// The classes of the query-reading rules: title spans typed as Telex or
	// VNI keystrokes with the input method off, whole titles pasted with
	// their punctuation, and a control of title spans made only of ASCII
	// words, which must be searched as typed.
	ClassTitleTelex  = "title_telex"
	ClassTitleVNI    = "title_vni"
	ClassTitlePasted = "title_pasted"
	ClassTitleASCII  = "title_ascii_control"
	GroupAccented    = "accented"
	GroupAccentless  = "accentless"
	minSpan, maxSpan = 2, 6
)

// Classes lists the query classes in report order.
var Classes = []string{ClassTitle, ClassTitleNoAcc, ClassTitleNFD, ClassTitleTone, ClassTitleUpper, ClassBody, ClassBodyNoAcc, ClassTitleWords,
	ClassTitleTelex, ClassTitleVNI, ClassTitlePasted, ClassTitleASCII}

// readingClasses are scored on their own, outside "all", so that "all"
// compares with runs from before they existed.
var readingClasses = map[string]bool{ClassTitleTelex: true, ClassTitleVNI: true, ClassTitlePasted: true, ClassTitleASCII: true}

// groupOf tells which summary group a class counts in.
var groupOf = map[string]string{
	ClassTitle: GroupAccented, ClassTitleNFD: GroupAccented, ClassTitleTone: GroupAccented,
	ClassTitleUpper: GroupAccented, ClassBody: GroupAccented,
	ClassTitleNoAcc: GroupAccentless, ClassBodyNoAcc: GroupAccentless,
}

// KnownItem is a query with its one right answer.
type KnownItem struct {
	Class  string `json:"class"`
	Text   string `json:"text"`
	Target string `json:"target"`
}

// titleHolds reports whether every word of q (normalized) is a word of
// the title (normalized), in any order and place.
func titleHolds(title map[string]bool, q string) bool {
	ws := splitWords(vi.Normalize(q))
	for _, w := range ws {
		if !title[w.text] {
			return false
		}
	}
	return len(ws) > 0
}

// titleWordSets gives each article's title as a set of normalized words.
func titleWordSets(arts []article.Article) map[string]map[string]bool {
	out := make(map[string]map[string]bool, len(arts))
	for i := range arts {
		set := map[string]bool{}
		for _, w := range splitWords(vi.Normalize(arts[i].Title)) {
			set[w.text] = true
		}
		out[arts[i].ID] = set
	}
	return out
}

// word is a run of letters, digits and marks; adj says that only spaces
// (no punctuation, no line break) separate it from the previous word.
type word struct {
	text string
	adj  bool
}

func splitWords(s string) []word {
	var out []word
	start, adj := -1, false
	sawGap := true // before the first word
	onlySpace := true
	for i, r := range s {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		switch {
		case inWord && start < 0:
			start = i
			adj = !sawGap && onlySpace
		case !inWord && start >= 0:
			out = append(out, word{s[start:i], adj})
			start, sawGap, onlySpace = -1, false, true
			fallthrough
		case !inWord:
			if r != ' ' {
				onlySpace = false
			}
		}
	}
	if start >= 0 {
		out = append(out, word{s[start:], adj})
	}
	return out
}

// runs cuts words into runs of adjacent words.
func runs(ws []word) [][]word {
	var out [][]word
	for i, w := range ws {
		if i == 0 || !w.adj {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], w)
	}
	return out
}

// otherTone moves the tone of open oa, oe, uy syllables to the second vowel
// ("hòa" → "hoà", "thủy" → "thuỷ", "khỏe" → "khoẻ"): the "new style" some
// writers and keyboards use, which the index must treat as the same word.
func otherTone(w string) string {
	rs := []rune(norm.NFC.String(w))
	for i := 0; i+1 < len(rs); i++ {
		base, tone := splitTone(rs[i])
		if tone == 0 || i+2 < len(rs) && isLetter(rs[i+2]) {
			continue // not toned, or a closed syllable (hoàn): the mark stays
		}
		next := unicode.ToLower(rs[i+1])
		b := unicode.ToLower(base)
		if b == 'o' && (next == 'a' || next == 'e') || b == 'u' && next == 'y' {
			rs[i] = base
			rs[i+1] = addTone(rs[i+1], tone)
			return string(rs)
		}
	}
	return w
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }

// splitTone returns a letter without its tone mark and the mark.
func splitTone(r rune) (rune, rune) {
	d := []rune(norm.NFD.String(string(r)))
	if len(d) < 2 {
		return r, 0
	}
	for i, m := range d[1:] {
		switch m {
		case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
			rest := append(append([]rune{}, d[:i+1]...), d[i+2:]...)
			return []rune(norm.NFC.String(string(rest)))[0], m
		}
	}
	return r, 0
}

func addTone(r, tone rune) rune {
	return []rune(norm.NFC.String(string([]rune{r, tone})))[0]
}

// candidate is a span before the uniqueness check.
type candidate struct {
	KnownItem
	words  []string // the span's words, normalized (exact) or folded
	folded bool     // compare without marks
}

// generate makes up to 3×perClass candidates per class from arts with a
// fixed seed, so that every run asks the same questions.
func generate(arts []article.Article, perClass int, seed uint64) []candidate {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out []candidate
	for _, class := range Classes {
		made := 0
		for tries := 0; made < 3*perClass && tries < 200*perClass; tries++ {
			a := &arts[rng.IntN(len(arts))]
			text := a.Title
			if class == ClassBody || class == ClassBodyNoAcc {
				text = a.Body
			}
			ws := splitWords(vi.Clean(text))
			var span []string
			switch class {
			case ClassTitleWords:
				span = scattered(rng, ws)
			case ClassTitlePasted:
				if len(ws) >= 2 {
					for _, w := range ws {
						span = append(span, w.text)
					}
				}
			case ClassTitleASCII:
				span = asciiSpan(ws)
			default:
				span = pickSpan(rng, ws, class == ClassTitleTone)
			}
			if span == nil {
				continue
			}
			if (class == ClassTitleTelex || class == ClassTitleVNI) && !vi.HasMarks(strings.Join(span, " ")) {
				continue // nothing to type with the method's keys
			}
			c := candidate{KnownItem: KnownItem{Class: class, Target: a.ID}}
			plain := strings.Join(span, " ")
			switch class {
			case ClassTitleNoAcc, ClassBodyNoAcc:
				c.Text, c.folded = vi.Fold(plain), true
				if c.Text == strings.ToLower(plain) {
					continue // nothing to fold: not an accent-less query
				}
			case ClassTitleNFD:
				c.Text = norm.NFD.String(plain)
			case ClassTitleTone:
				for i, w := range span {
					span[i] = otherTone(w)
				}
				c.Text = strings.Join(span, " ")
			case ClassTitleUpper:
				c.Text = strings.ToUpper(plain)
			case ClassTitleTelex:
				c.Text = vi.TypeKeys(plain, vi.Telex)
			case ClassTitleVNI:
				c.Text = vi.TypeKeys(plain, vi.VNI)
			case ClassTitlePasted:
				c.Text = strings.TrimSpace(vi.Clean(text))
				if _, err := search.Parse(c.Text); err != nil {
					continue // a "title" of a paragraph: the query language refuses it
				}
			default:
				c.Text = plain
			}
			for _, w := range strings.Fields(plain) {
				if c.folded {
					c.words = append(c.words, vi.Fold(w))
				} else {
					c.words = append(c.words, vi.Normalize(w))
				}
			}
			out = append(out, c)
			made++
		}
	}
	return out
}

// pickSpan picks 2–6 adjacent words; with tone, one of them must have an
// oa/oe/uy tone to move.
func pickSpan(rng *rand.Rand, ws []word, tone bool) []string {
	rs := runs(ws)
	n := minSpan + rng.IntN(maxSpan-minSpan+1)
	var fit [][]word
	for _, r := range rs {
		if len(r) >= n {
			fit = append(fit, r)
		}
	}
	if len(fit) == 0 {
		return nil
	}
	r := fit[rng.IntN(len(fit))]
	start := rng.IntN(len(r) - n + 1)
	if tone {
		var at []int
		for i, w := range r {
			if otherTone(w.text) != w.text {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			return nil
		}
		i := at[rng.IntN(len(at))]
		start = max(0, min(i-rng.IntN(n), len(r)-n))
		if i >= start+n {
			return nil
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r[start+i].text
	}
	return out
}

// asciiSpan returns the longest run (2–6 words) of adjacent words written
// in ASCII letters and digits only, with a letter in each: names, codes,
// English and Vietnamese written without marks.
func asciiSpan(ws []word) []string {
	var best []string
	for _, r := range runs(ws) {
		var cur []string
		for _, w := range append(r, word{}) {
			if w.text != "" && isASCIIWord(w.text) && len(cur) < maxSpan {
				cur = append(cur, w.text)
				continue
			}
			if len(cur) >= minSpan && len(cur) > len(best) {
				best = slices.Clone(cur)
			}
			cur = nil
			if w.text != "" && isASCIIWord(w.text) {
				cur = []string{w.text}
			}
		}
	}
	return best
}

func isASCIIWord(s string) bool {
	letter := false
	for _, r := range s {
		if r >= 0x80 {
			return false
		}
		letter = letter || unicode.IsLetter(r)
	}
	return letter
}

// scattered picks two or three title words, no two adjacent in the title,
// in title order.
func scattered(rng *rand.Rand, ws []word) []string {
	if len(ws) < 5 {
		return nil
	}
	k := 2 + rng.IntN(2)
	idx := rng.Perm(len(ws))[:k]
	sort.Ints(idx)
	for i := 1; i < k; i++ {
		if idx[i]-idx[i-1] < 2 {
			return nil
		}
	}
	out := make([]string, k)
	for i, j := range idx {
		out[i] = ws[j].text
	}
	return out
}

// unique keeps the candidates whose span occurs in exactly one article
// (scattered words are kept as they are: their answer is the title they
// came from), up to perClass per class, and counts word frequencies on
// the way for the latency phrases.
func unique(arts []article.Article, cands []candidate, perClass int) ([]KnownItem, map[string]int) {
	byKey := map[string][]int{}
	key := func(a, b string) string { return vi.Fold(a) + " " + vi.Fold(b) }
	for i, c := range cands {
		if c.Class != ClassTitleWords {
			k := key(c.words[0], c.words[1])
			byKey[k] = append(byKey[k], i)
		}
	}
	seen := make([]map[string]bool, len(cands))
	freq := map[string]int{}
	for ai := range arts {
		a := &arts[ai]
		ws := splitWords(vi.Normalize(a.Title + "\n" + a.Body))
		norm := make([]string, len(ws))
		fold := make([]string, len(ws))
		for i, w := range ws {
			norm[i], fold[i] = w.text, vi.Fold(w.text)
			freq[w.text]++
		}
		for i := 0; i+1 < len(ws); i++ {
			for _, ci := range byKey[fold[i]+" "+fold[i+1]] {
				c := &cands[ci]
				if i+len(c.words) > len(ws) || (seen[ci] != nil && seen[ci][a.ID]) {
					continue
				}
				hay := norm
				if c.folded {
					hay = fold
				}
				match := true
				for j, w := range c.words {
					if hay[i+j] != w {
						match = false
						break
					}
				}
				if match {
					if seen[ci] == nil {
						seen[ci] = map[string]bool{}
					}
					seen[ci][a.ID] = true
				}
			}
		}
	}
	count := map[string]int{}
	dup := map[string]bool{}
	var out []KnownItem
	for i, c := range cands {
		if count[c.Class] >= perClass || dup[c.Class+"\x00"+c.Text] {
			continue
		}
		if c.Class != ClassTitleWords && (len(seen[i]) != 1 || !seen[i][c.Target]) {
			continue
		}
		dup[c.Class+"\x00"+c.Text] = true
		count[c.Class]++
		out = append(out, c.KnownItem)
	}
	return out, freq
}

// frequentPhrases returns up to perLen distinct phrases of 2, 3 and 4
// adjacent words, every one of them among the topK most frequent words:
// the phrases a positional phrase query answers slowest. Picked from the
// articles in a fixed order, so every run measures the same phrases.
func frequentPhrases(arts []article.Article, freq map[string]int, topK, perLen int, seed uint64) map[int][]string {
	type wf struct {
		w string
		n int
	}
	var all []wf
	for w, n := range freq {
		all = append(all, wf{w, n})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].w < all[j].w })
	top := map[string]bool{}
	for i := 0; i < topK && i < len(all); i++ {
		top[all[i].w] = true
	}
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := map[int][]string{}
	have := map[string]bool{}
	for tries := 0; tries < 20000 && (len(out[2]) < perLen || len(out[3]) < perLen || len(out[4]) < perLen); tries++ {
		a := &arts[rng.IntN(len(arts))]
		for _, r := range runs(splitWords(vi.Normalize(a.Body))) {
			for n := 2; n <= 4; n++ {
				if len(out[n]) >= perLen {
					continue
				}
				for i := 0; i+n <= len(r); i++ {
					ok := true
					for _, w := range r[i : i+n] {
						if !top[w.text] {
							ok = false
							break
						}
					}
					if !ok {
						continue
					}
					ws := make([]string, n)
					for j := range ws {
						ws[j] = r[i+j].text
					}
					p := strings.Join(ws, " ")
					if !have[p] {
						have[p] = true
						out[n] = append(out[n], p)
					}
					break
				}
			}
		}
	}
	return out
}
