package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/tracuu/tracuu/internal/vi"
)

// Boosts of the field plan: a title match outweighs a body match, and an
// exact-mark match outweighs a folded one, so an accented query ranks the
// documents spelled as typed first. A phrase answered from a pair field is
// boosted on top: the adjacency reward parse.go adds to plain multi-word
// queries is such a phrase, and it is what tells the article that says
// "quy chế dân chủ" from one that merely uses the four syllables.
//
// The values come from cmd/tracuu-eval --tune on 10,000 articles (MRR@10
// of accented / accent-less spans / scattered title words): title 3,
// pairs 1 gave 0.854 / 0.848 / 0.591; title 2, pairs 4 gives 0.938 /
// 0.993 / 0.550. Higher pair boosts help spans a little more and hurt
// scattered words more (pairs 8: 0.970 / 0.993 / 0.496); exact 1 scores a
// little higher but would stop ranking the spelling typed first.
// That tuning predates two later changes, folded-only words in plain
// multi-word queries and BM25 statistics of our own (bm25.go); a 20k eval
// after both gives 0.989 / 0.985 / 0.878; the grid has not been run again.
var tuning = Tuning{Title: 2, Body: 1, Exact: 2, Pairs: 4}

// Tuning holds the boosts of the field plan.
type Tuning struct {
	Title, Body float64 // per text field
	Exact       float64 // multiplies the exact-mark field's boost when the query has marks
	Pairs       float64 // multiplies the boost of phrases answered from pair fields
}

type textField struct {
	exact, folded string // word fields
	pairs, fpairs string // pair fields
	boost         float64
}

func textFields(field string) ([]textField, error) {
	title := textField{fTitle, fTitleFolded, fTitlePairs, fTitleFPairs, tuning.Title}
	body := textField{fBody, fBodyFolded, fBodyPairs, fBodyFPairs, tuning.Body}
	switch field {
	case "":
		return []textField{title, body}, nil
	case FieldTitle:
		return []textField{title}, nil
	case FieldBody:
		return []textField{body}, nil
	}
	return nil, nil
}

// textQuery matches text in a field: a keyword field by its facet value,
// a text field through its folded twin and, when the text has marks and
// folded is false, its exact field with a higher boost. A phrase of two
// words or more is answered from the pair fields (pairPhrase).
func textQuery(field, text string, phrase, folded bool) (query.Query, error) {
	fields, err := textFields(field)
	if err != nil {
		return nil, err
	}
	if fields == nil {
		if !isKeywordField(field) {
			return nil, fmt.Errorf("%w: unknown field %q", ErrBadRequest, field)
		}
		tq := bleve.NewTermQuery(facetValue(text))
		tq.SetField(field)
		return tq, nil
	}
	marks := vi.HasMarks(text)
	var words analysis.TokenStream
	if phrase {
		words = queryWords.Analyze([]byte(text))
	}
	var any []query.Query
	for _, f := range fields {
		if len(words) >= 2 {
			q := pairPhrase(f.fpairs, f.folded, foldWords(words), f.boost*tuning.Pairs)
			if !marks {
				any = append(any, q)
				continue
			}
			// The folded phrase decides the match; the spelling typed
			// ranks it: canonical pair terms when the index has them (each
			// a single short posting list), else the canonical words (a
			// conjunction of long posting lists: slower, less precise).
			bq := bleve.NewBooleanQuery()
			bq.AddMust(q)
			if !defaultSchema.exactPairs {
				bq.AddShould(match(f.exact, AnalyzerExact, text, f.boost*tuning.Exact))
			} else {
				runs, _ := pairTerms(words)
				for _, run := range runs {
					for _, p := range run {
						tq := bleve.NewTermQuery(p)
						tq.SetField(f.pairs)
						tq.SetBoost(f.boost * tuning.Exact)
						bq.AddShould(tq)
					}
				}
			}
			any = append(any, bq)
			continue
		}
		// One word (or none) is a term: a positional phrase would need
		// positions, which the word fields do not keep.
		any = append(any, match(f.folded, AnalyzerFolded, text, f.boost))
		if marks && !folded {
			any = append(any, match(f.exact, AnalyzerExact, text, f.boost*tuning.Exact))
		}
	}
	return bleve.NewDisjunctionQuery(any...), nil
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

// pairPhrase matches the words ws (two or more, analyzed for the pair
// field) as a phrase, using the pair field pairs and, for a word that
// sentence punctuation in the query left alone, the word field words.
//
// Two words are one pair term: an exact phrase match at the cost of one
// term lookup, where a positional phrase over two frequent syllables
// decodes the positions of every article holding both (the weak spot of
// Bleve: hundreds of milliseconds on "là người có" in 100k articles). More
// words are a positional phrase over their pair terms ("là người",
// "người có"): still exact, and cheap, because pair terms are rare, so few
// articles hold them all and few positions are read. Without positions on
// pair fields (a schema variant) it falls back to requiring every pair,
// which is nearly exact.
func pairPhrase(pairs, words string, ws analysis.TokenStream, boost float64) query.Query {
	runs, single := pairTerms(ws)
	var must []query.Query
	for _, run := range runs {
		switch {
		case len(run) == 1 || !defaultSchema.pairVectors:
			for _, p := range run {
				tq := bleve.NewTermQuery(p)
				tq.SetField(pairs)
				must = append(must, tq)
			}
		default:
			must = append(must, query.NewPhraseQuery(run, pairs))
		}
	}
	for _, w := range single {
		tq := bleve.NewTermQuery(w)
		tq.SetField(words)
		must = append(must, tq)
	}
	var q query.Query
	if len(must) == 1 {
		q = must[0]
	} else {
		q = bleve.NewConjunctionQuery(must...)
	}
	q.(query.BoostableQuery).SetBoost(boost)
	return q
}

// match requires every word of text in a word field.
func match(field, analyzer, text string, boost float64) query.Query {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	q.SetOperator(query.MatchQueryOperatorAnd)
	q.SetBoost(boost)
	return q
}

func isKeywordField(f string) bool {
	for _, k := range FacetFields {
		if k == f {
			return true
		}
	}
	return false
}

// prefixQuery matches words that start with the prefix, on the folded
// field so that "hanoi*"-style completions ignore marks.
func (b *Bleve) prefixQuery(ctx context.Context, q Prefix) (query.Query, error) {
	fields, err := textFields(q.Field)
	if err != nil {
		return nil, err
	}
	if fields == nil {
		return nil, fmt.Errorf("%w: prefix search is for text fields, not %q", ErrBadRequest, q.Field)
	}
	p := strings.TrimSpace(vi.Fold(q.Text))
	if p == "" {
		return nil, fmt.Errorf("%w: empty prefix", ErrBadRequest)
	}
	var any []query.Query
	for _, f := range fields {
		if q.Top <= 0 {
			counts, err := b.prefixCounts(ctx, f.folded, p)
			if err != nil {
				return nil, err
			}
			visits := uint64(0)
			for _, c := range counts {
				visits += c.count
			}
			if err := charge(ctx, p, len(counts), visits); err != nil {
				return nil, err
			}
			pq := bleve.NewPrefixQuery(p)
			pq.SetField(f.folded)
			pq.SetBoost(f.boost)
			any = append(any, pq)
			continue
		}
		terms, err := b.frequentTerms(ctx, f.folded, p, q.Top, q.MaxDocs)
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(f.folded)
			tq.SetBoost(f.boost)
			any = append(any, tq)
		}
	}
	if len(any) == 0 {
		return bleve.NewMatchNoneQuery(), nil
	}
	return bleve.NewDisjunctionQuery(any...), nil
}

// frequentTerms returns the top terms of field starting with prefix, by
// the number of articles holding them; with maxDocs > 0, only as many as
// are held by maxDocs articles in all (at least one).
func (b *Bleve) frequentTerms(ctx context.Context, field, prefix string, top, maxDocs int) ([]string, error) {
	counts, err := b.prefixCounts(ctx, field, prefix)
	if err != nil {
		return nil, err
	}
	var out []string
	docs := uint64(0)
	for _, t := range counts[:min(top, len(counts))] {
		docs += t.count
		if maxDocs > 0 && len(out) > 0 && docs > uint64(maxDocs) {
			break
		}
		out = append(out, t.term)
	}
	return out, nil
}

type termCount struct {
	term  string
	count uint64
}

// prefixCounts returns the terms of field starting with prefix, most
// frequent first. The dictionary's own counts cannot be used: zapx
// (v17.0) keeps the one-document flag of a term seen earlier in the same
// iteration, so later terms count 1 in that segment. The count is taken
// from a term reader instead, about 10 µs a term: 5 ms for the 500 words of
// a one-letter prefix, so answers are kept for a minute.
func (b *Bleve) prefixCounts(ctx context.Context, field, prefix string) ([]termCount, error) {
	key := field + "\x00" + prefix
	if c, ok := b.prefixes.get(key); ok {
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
		terms = append(terms, e.Term)
	}
	if err := d.Close(); err != nil {
		return nil, fmt.Errorf("prefix %q: %w", prefix, err)
	}
	out := make([]termCount, 0, len(terms))
	for i, t := range terms {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("prefix %q: %w", prefix, err)
		}
		out = append(out, termCount{t, tfr.Count()})
		tfr.Close()
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].count > out[j].count })
	b.prefixes.put(key, out)
	return out, nil
}

// prefixCache keeps recent prefixCounts answers for a while: completions a
// minute old are still good completions.
type prefixCache struct {
	mu      sync.Mutex
	entries map[string]prefixEntry
}

type prefixEntry struct {
	counts []termCount
	at     time.Time
}

const (
	prefixTTL     = time.Minute
	prefixEntries = 4096
)

func (c *prefixCache) get(key string) ([]termCount, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Since(e.at) > prefixTTL {
		return nil, false
	}
	return e.counts, true
}

func (c *prefixCache) put(key string, counts []termCount) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= prefixEntries {
		c.entries = map[string]prefixEntry{}
	}
	c.entries[key] = prefixEntry{counts, time.Now()}
}
