package bleve

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// Boosts of the field plan: a title match outweighs a body match, and an
// exact-mark match outweighs a folded one, so an accented query ranks the
// documents spelled as typed first. A phrase, found by its pair terms, is
// boosted on top: the adjacency phrase of plain words (fieldPlan.words) is
// such a phrase, and it is what tells the article that says "quy chế dân
// chủ" from one that merely uses the four syllables. The values are chosen
// with cmd/tracuu-eval --tune (README, "Tuning the ranking").
var defaultTuning = Tuning{Title: 2, Body: 1, Exact: 2, Pairs: 4, TitleAll: 1}

// DefaultTuning is the boosts of the product's field plan.
func DefaultTuning() Tuning { return defaultTuning }

// Tuning holds the boosts of the field plan.
type Tuning struct {
	Title, Body float64 // per text field
	Exact       float64 // multiplies the exact-mark field's boost when the query has marks
	Pairs       float64 // multiplies the boost of phrases answered from pair fields
	TitleAll    float64 // weight of the clause "every plain word in the title"
}

// fieldPlan turns the nodes of a query tree into Bleve queries over the
// fields of defaultSchema, weighted by a Tuning. An index of another
// schema (a yardstick) is searched with the same plan.
type fieldPlan struct {
	tuning Tuning
}

type textField struct {
	words  string // the word field: canonical and folded terms, positions
	fpairs string // the folded pair field
	boost  float64
}

// textFields returns the text fields a query on field searches: title and
// body for "", none for a field that is not text.
func (p fieldPlan) textFields(field string) []textField {
	title := textField{fTitle, fTitleFPairs, p.tuning.Title}
	body := textField{fBody, fBodyFPairs, p.tuning.Body}
	switch field {
	case "":
		return []textField{title, body}
	case index.FieldTitle:
		return []textField{title}
	case index.FieldBody:
		return []textField{body}
	}
	return nil
}

// match says how textQuery matches the words of a text.
type match int

const (
	// allWords requires every word. A word typed with marks matches that
	// spelling only (any tone placement, NFC or NFD, any case: the
	// canonical form); a word typed without marks matches every spelling.
	allWords match = iota
	// allWordsFolded matches as allWords but scores marked words by their
	// folded form: the query ranks the spelling typed by other clauses (a
	// phrase, the title).
	allWordsFolded
	// exactPhrase requires the words side by side, in order, each spelled
	// as typed: found by its pairs, verified on positions (phraseQuery).
	exactPhrase
	// nearPhrase scores the words side by side for a query that requires
	// them by other clauses: as exactPhrase, except that two words are not
	// verified on positions (phraseQuery).
	nearPhrase
)

// textQuery matches text in a field as m says: a keyword field by its
// facet value, a text field word by word or as a phrase of two words or
// more.
func (p fieldPlan) textQuery(field, text string, m match) (query.Query, error) {
	fields := p.textFields(field)
	if fields == nil {
		if !index.IsFacetField(field) {
			return nil, fmt.Errorf("%w: unknown field %q", index.ErrBadRequest, field)
		}
		tq := blevelib.NewTermQuery(facetValue(text))
		tq.SetField(field)
		return tq, nil
	}
	words := queryWords.Analyze([]byte(text))
	if len(words) == 0 {
		return blevelib.NewMatchNoneQuery(), nil
	}
	var any []query.Query
	for _, f := range fields {
		if (m == exactPhrase || m == nearPhrase) && len(words) >= 2 {
			any = append(any, p.phraseQuery(f, words, m == exactPhrase))
			continue
		}
		var must []query.Query
		for _, w := range words {
			must = append(must, p.wordQuery(f, w.Term, m == allWordsFolded)...)
		}
		any = append(any, conjunction(must))
	}
	if len(any) == 1 {
		return any[0], nil
	}
	return blevelib.NewDisjunctionQuery(any...), nil
}

// wordsPlan is how the plain words of a query (index.Words) are scored:
// every word required, plus an optional phrase of the words side by side
// and, apart from both, a clause for a title holding every word.
type wordsPlan struct {
	words  []query.Query // one required clause per word
	phrase query.Query   // the words side by side, in order; nil for one word
	title  query.Query   // every word in the title; nil for one word or a scoped Words
}

// words plans plain words. Articles with the words side by side rank
// first: the phrase keeps the punctuation typed between neighbours, so it
// breaks where the article's text breaks, and it rewards the spelling typed.
// The words themselves are therefore scored without their marks (they
// still match as typed): per-word rewards for marks ranked articles
// repeating common words above the one holding the span. An article whose
// title holds every word ranks high even when the words are apart there;
// that clause stands apart from the phrase because Bleve scales a
// disjunction by the share of its clauses that match, so a second optional
// clause beside the phrase would halve its reward. One word alone is its
// term, spelled as typed.
func (fp fieldPlan) words(q index.Words) (wordsPlan, error) {
	var p wordsPlan
	if len(q.Words) == 0 {
		return p, fmt.Errorf("%w: Words without a word", index.ErrBadRequest)
	}
	each := allWords
	if len(q.Words) > 1 {
		each = allWordsFolded
	}
	for _, w := range q.Words {
		wq, err := fp.textQuery(q.Field, w.Text, each)
		if err != nil {
			return p, err
		}
		if w.Reading != "" {
			rq, err := fp.textQuery(q.Field, w.Reading, each)
			if err != nil {
				return p, err
			}
			wq = boolean(nil, []query.Query{wq, rq}, nil, 0)
		}
		p.words = append(p.words, wq)
	}
	if len(q.Words) == 1 {
		return p, nil
	}
	var title []query.Query
	for _, meant := range q.Meant() {
		tq, err := fp.textQuery(index.FieldTitle, meant, allWords)
		if err != nil {
			return p, err
		}
		title = append(title, tq)
	}
	var err error
	if p.phrase, err = fp.textQuery(q.Field, q.Span(), nearPhrase); err != nil {
		return p, err
	}
	if q.Field == "" {
		p.title = boolean(title, nil, nil, fp.tuning.TitleAll)
	}
	return p, nil
}

// marked reports whether a canonical token carries marks: only then does
// its folded form differ.
func marked(tok []byte) bool { return !bytes.Equal(vi.FoldToken(tok), tok) }

// wordQuery matches one canonical word in the word field of f: its
// spelling when it has marks, otherwise its folded form.
func (p fieldPlan) wordQuery(f textField, tok []byte, scoreFolded bool) []query.Query {
	folded := termQuery(f.words, string(vi.FoldToken(tok)), f.boost)
	if !marked(tok) || !defaultSchema.ExactWords {
		return []query.Query{folded}
	}
	if scoreFolded {
		// The spelling decides the match without adding to the score.
		return []query.Query{folded, termQuery(f.words, string(tok), 0)}
	}
	return []query.Query{termQuery(f.words, string(tok), f.boost*p.tuning.Exact)}
}

// phraseQuery matches the canonical words ws (two or more) side by side
// and in order, each marked word spelled as typed. The folded pairs find
// the candidates (pairPhrase): rare terms, so few articles. Two unmarked
// words are their folded pair alone, one exact term. Otherwise a
// positional phrase on the word field decides (verify.go): each marked
// word is its canonical term there, each unmarked one its folded term, at
// the positions the query gives them. When a word of three or more has
// marks, the phrase's words add to the score, which ranks the spelling
// typed first; two words are scored by their pair alone, like the
// canonical pair term they replace, so that a frequent pair's thousands
// of articles are not scored three times over. When not
// exact (the ranking clause of plain words, fieldPlan.words, which other
// clauses restrict to the right articles), two marked words are their
// pair and the marked words anywhere in the field, scored the same: a
// frequent pair would otherwise have the positions of thousands of
// articles read for a bonus.
func (p fieldPlan) phraseQuery(f textField, ws analysis.TokenStream, exact bool) query.Query {
	boost := f.boost * p.tuning.Pairs
	fws := foldWords(ws)
	pairs := pairPhrase(f.fpairs, f.words, fws, boost)
	var marks []query.Query
	for _, w := range ws {
		if marked(w.Term) && defaultSchema.ExactWords {
			marks = append(marks, termQuery(f.words, string(w.Term), f.boost*p.tuning.Exact))
		}
	}
	onePair := len(ws) == 2 && ws[1].Position == ws[0].Position+1
	if onePair && (!exact || len(marks) == 0) || !defaultSchema.WordPositions {
		return conjunction(append(pairs, marks...))
	}
	slots := wordSlots(ws, fws)
	if len(marks) > 0 && !onePair {
		// The phrase's words, spelled as typed where marked, add to the
		// score: the spelling typed ranks first.
		var seen []string
		for _, t := range slots {
			if t != "" && !slices.Contains(seen, t) {
				seen = append(seen, t)
				pairs = append(pairs, termQuery(f.words, t, f.boost*p.tuning.Exact))
			}
		}
	}
	v := &verifiedPhrase{candidates: pairs, field: f.words, slots: slots}
	if onePair {
		for _, w := range ws {
			if marked(w.Term) {
				v.spellings = append(v.spellings, [2]string{string(w.Term), string(vi.FoldToken(w.Term))})
			}
		}
		v.pairs, v.pair = f.fpairs, string(fws[0].Term)+string(pairSep)+string(fws[1].Term)
	}
	return v
}

// wordSlots are the terms of a phrase of ws in the word field, one slot
// per position from the first: a marked word as its canonical term, an
// unmarked one as its folded term (fws), and an empty slot where the query
// left a position gap.
func wordSlots(ws, fws analysis.TokenStream) []string {
	first := ws[0].Position
	slots := make([]string, ws[len(ws)-1].Position-first+1)
	for i, w := range ws {
		t := string(fws[i].Term)
		if marked(w.Term) && defaultSchema.ExactWords {
			t = string(w.Term)
		}
		slots[w.Position-first] = t
	}
	return slots
}

func termQuery(field, term string, boost float64) *query.TermQuery {
	tq := blevelib.NewTermQuery(term)
	tq.SetField(field)
	tq.SetBoost(boost)
	return tq
}

func conjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return blevelib.NewConjunctionQuery(qs...)
}

// foldWords returns the folded twin of a token stream, positions kept.
func foldWords(ws analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, len(ws))
	for i, w := range ws {
		t := *w
		t.Term = vi.FoldToken(w.Term)
		out[i] = &t
	}
	return out
}

// pairPhrase returns what a phrase of the words ws (two or more, folded,
// positions kept) requires: its folded pairs and, for a word that sentence
// punctuation in the query left alone, its folded term in the word field
// words.
//
// Two words are one pair term: an exact phrase match at the cost of one
// term lookup, where a positional phrase over two frequent syllables
// decodes the positions of every article holding both (Bleve's weak spot
// on frequent syllables). For more words, every pair is required: few
// articles hold them all, and phraseQuery checks their order on those
// alone. With positions on the pair fields (a schema variant) the pairs of
// a run are a positional phrase themselves.
func pairPhrase(pairs, words string, ws analysis.TokenStream, boost float64) []query.Query {
	runs, single := pairTerms(ws)
	// Bleve scores a conjunction as the sum of its parts and ignores its
	// own boost: each part carries it.
	var must []query.Query
	for _, run := range runs {
		switch {
		case len(run) == 1 || !defaultSchema.PairPositions:
			for _, p := range run {
				must = append(must, termQuery(pairs, p, boost))
			}
		default:
			pq := query.NewPhraseQuery(run, pairs)
			pq.SetBoost(boost)
			must = append(must, pq)
		}
	}
	for _, w := range single {
		must = append(must, termQuery(words, w, boost))
	}
	return must
}

// prefixQuery matches words that start with the prefix: a prefix typed
// without marks on the folded field, so that "hanoi*"-style completions
// ignore marks; one typed with marks on the canonical words, spelled as
// typed like every other word.
func (b *Bleve) prefixQuery(ctx context.Context, q index.Prefix) (query.Query, error) {
	fields := b.plan.textFields(q.Field)
	if fields == nil {
		return nil, fmt.Errorf("%w: prefix search is for text fields, not %q", index.ErrBadRequest, q.Field)
	}
	p := strings.TrimSpace(vi.Fold(q.Text))
	if p == "" {
		return nil, fmt.Errorf("%w: empty prefix", index.ErrBadRequest)
	}
	exact := vi.HasMarks(q.Text) && defaultSchema.ExactWords
	if exact {
		p = strings.TrimSpace(vi.Normalize(q.Text))
	}
	var any []query.Query
	for _, f := range fields {
		field := f.words
		if q.Top <= 0 {
			counts, err := b.prefixCounts(ctx, f.words, p)
			if err != nil {
				return nil, err
			}
			visits := uint64(0)
			for _, c := range counts {
				visits += c.Count
			}
			if err := charge(ctx, p, len(counts), visits); err != nil {
				return nil, err
			}
			if exact {
				pq := blevelib.NewPrefixQuery(p)
				pq.SetField(field)
				pq.SetBoost(f.boost)
				any = append(any, pq)
				continue
			}
			// The folded terms only: the canonical ones beside them in
			// the word field would match the same articles again.
			for _, c := range counts {
				any = append(any, termQuery(field, c.Term, f.boost))
			}
			continue
		}
		counts, err := b.prefixCounts(ctx, field, p)
		if err != nil {
			return nil, err
		}
		for _, t := range index.MostFrequent(counts, q.Top, q.MaxDocs) {
			any = append(any, termQuery(field, t, f.boost))
		}
	}
	if len(any) == 0 {
		return blevelib.NewMatchNoneQuery(), nil
	}
	return blevelib.NewDisjunctionQuery(any...), nil
}

// prefixCounts returns the terms of field starting with prefix, most
// frequent first; for a prefix without marks, the terms without marks.
// The dictionary's own counts cannot be used: zapx (v17.0) keeps the
// one-document flag of a term seen earlier in the same iteration, so
// later terms count 1 in that segment. The count is taken
// from a term reader instead, which adds up over the hundreds of words of
// a short prefix, so answers are kept for a minute.
func (b *Bleve) prefixCounts(ctx context.Context, field, prefix string) ([]index.TermCount, error) {
	key := field + "\x00" + prefix
	if c, ok := b.prefixes.Get(key); ok {
		return c, nil
	}
	// One snapshot for the words and their counts.
	adv, err := b.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("prefix %q: %w", prefix, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("prefix %q: %w", prefix, err)
	}
	defer r.Close()
	d, err := r.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, fmt.Errorf("prefix %q: %w", prefix, err)
	}
	// A prefix without marks stands for every spelling: its words are the
	// folded terms of the field, not the canonical ones that start alike.
	folded := !vi.HasMarks(prefix)
	var terms []string
	for {
		e, err := d.Next()
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("prefix %q: %w", prefix, err)
		}
		if e == nil {
			break
		}
		if folded && marked([]byte(e.Term)) {
			continue
		}
		terms = append(terms, e.Term)
	}
	if err := d.Close(); err != nil {
		return nil, fmt.Errorf("prefix %q: %w", prefix, err)
	}
	out := make([]index.TermCount, 0, len(terms))
	for i, t := range terms {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("prefix %q: %w", prefix, err)
		}
		out = append(out, index.TermCount{Term: t, Count: tfr.Count()})
		tfr.Close()
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	b.prefixes.Put(key, out)
	return out, nil
}

// Frequencies counts each text's articles from the term dictionaries: a
// word as its term in the word fields (canonical when it has marks, else
// folded), two words as their folded pair; two marked words count as the
// fewest articles holding either spelling or their folded pair, an upper
// bound of the phrase's count. The count is the larger of the title's and
// the body's (an article may hold the text in both), and deleted articles
// not yet merged away still count: an estimate, at the cost of a few
// dictionary lookups per field.
func (b *Bleve) Frequencies(ctx context.Context, texts []string) ([]uint64, error) {
	out := make([]uint64, len(texts))
	adv, err := b.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("frequencies: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("frequencies: %w", err)
	}
	defer r.Close()
	count := func(field, term string) (uint64, error) {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err != nil {
			return 0, fmt.Errorf("frequencies: %w", err)
		}
		defer tfr.Close()
		return tfr.Count(), nil
	}
	word := func(f textField, tok []byte) (string, string) {
		if marked(tok) && defaultSchema.ExactWords {
			return f.words, string(tok)
		}
		return f.words, string(vi.FoldToken(tok))
	}
	fields := b.plan.textFields("") // title and body
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ws := queryWords.Analyze([]byte(text))
		for _, f := range fields {
			var lookups [][2]string
			switch {
			case len(ws) == 1:
				field, term := word(f, ws[0].Term)
				lookups = append(lookups, [2]string{field, term})
			case len(ws) == 2 && ws[1].Position == ws[0].Position+1 && defaultSchema.Pairs:
				a, c := ws[0].Term, ws[1].Term
				lookups = append(lookups, [2]string{f.fpairs, string(vi.FoldToken(a)) + string(pairSep) + string(vi.FoldToken(c))})
				if marked(a) && marked(c) {
					fa, ta := word(f, a)
					fc, tc := word(f, c)
					lookups = append(lookups, [2]string{fa, ta}, [2]string{fc, tc})
				}
			default:
				continue
			}
			var n uint64
			for k, l := range lookups {
				c, err := count(l[0], l[1])
				if err != nil {
					return nil, err
				}
				if k == 0 || c < n {
					n = c
				}
			}
			out[i] = max(out[i], n)
		}
	}
	return out, nil
}
