package bleve

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// verifiedPhrase matches the articles that its candidates (queries, all
// required, which alone make the score) match and whose word field holds
// the phrase: the slot terms at consecutive positions, an empty slot
// standing for any term or none.
//
// Bleve's phrase searcher cannot serve here: when the document it is
// advanced to fails the positions, it walks on to the next document that
// passes, through every article holding all the phrase's words, which for
// frequent syllables is the slow positional phrase the pair terms exist
// to avoid. Here the candidates lead, and positions are read from the
// slot terms' postings for their articles only, with no scoring.
type verifiedPhrase struct {
	candidates []query.Query
	field      string
	slots      []string
	// spellings, when set, are the canonical and folded terms of the
	// marked words of a two-word phrase whose candidates are exactly the
	// articles holding it side by side, spelled some way: the folded pair
	// term pair in the field pairs. Counting decides many articles
	// without their positions (spelledAsTyped); reading says whether to.
	spellings [][2]string
	pairs     string
	pair      string
	reading   reading
}

// reading is how the checker decides a two-word phrase with spellings.
type reading int

const (
	readCheaper   reading = iota // whichever reads fewer postings (counting)
	readCounts                   // term frequencies first (spelledAsTyped)
	readPositions                // the words' positions only
)

func (q *verifiedPhrase) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	v := &verifySearcher{slot: make([]int, len(q.slots))}
	for i, t := range q.slots {
		v.slot[i] = -1
		if t == "" {
			continue
		}
		k := slices.Index(v.terms, t)
		if k < 0 {
			k = len(v.terms)
			v.terms = append(v.terms, t)
		}
		v.slot[i] = k
	}
	var ss []search.Searcher
	fail := func(err error) (search.Searcher, error) {
		for _, s := range ss {
			s.Close()
		}
		v.closeReaders()
		return nil, err
	}
	open := func(field, t string, freq, positions bool) (bindex.TermFieldReader, error) {
		tfr, err := r.TermFieldReader(ctx, []byte(t), field, freq, false, positions)
		if err != nil {
			return nil, fmt.Errorf("phrase term %q: %w", t, err)
		}
		return &forwardReader{TermFieldReader: tfr}, nil
	}
	for _, t := range v.terms {
		tfr, err := open(q.field, t, false, true)
		if err != nil {
			return fail(err)
		}
		v.readers = append(v.readers, tfr)
	}
	if len(q.spellings) > 0 {
		tfr, err := open(q.pairs, q.pair, true, false)
		if err != nil {
			return fail(err)
		}
		v.pair = tfr
	}
	for _, sp := range q.spellings {
		for _, t := range sp {
			tfr, err := open(q.field, t, true, false)
			if err != nil {
				return fail(err)
			}
			v.freqs = append(v.freqs, tfr)
		}
	}
	if v.pair != nil && (q.reading == readPositions || q.reading == readCheaper && !v.counting()) {
		drop := append(v.freqs, v.pair)
		v.freqs, v.pair = nil, nil
		for _, fr := range drop {
			if err := fr.Close(); err != nil {
				return fail(err)
			}
		}
	}
	for _, c := range q.candidates {
		s, err := c.Searcher(ctx, r, m, options)
		if err != nil {
			return fail(err)
		}
		ss = append(ss, s)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, ss, options)
	if err != nil {
		return fail(err)
	}
	v.Searcher = conj
	v.lead = slices.IndexFunc(v.slot, func(k int) bool { return k >= 0 })
	v.pos = make([][]uint64, len(v.terms))
	return v, nil
}

// verifySearcher passes on the matches of its searcher whose positions
// hold the phrase.
type verifySearcher struct {
	search.Searcher
	terms   []string                 // the distinct slot terms
	slot    []int                    // per slot, its index in terms; -1 for any term
	lead    int                      // the first slot with a term; -1 for none
	readers []bindex.TermFieldReader // per term, its postings with positions
	freqs   []bindex.TermFieldReader // canonical, folded, ...: the spellings' frequencies
	pair    bindex.TermFieldReader   // the pair term's frequencies, with freqs
	pos     [][]uint64               // per term, its positions in the current match
}

func (v *verifySearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := v.Searcher.Next(ctx)
	return v.first(ctx, m, err)
}

func (v *verifySearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	m, err := v.Searcher.Advance(ctx, id)
	return v.first(ctx, m, err)
}

func (v *verifySearcher) Close() error {
	err := v.Searcher.Close()
	if cerr := v.closeReaders(); err == nil {
		err = cerr
	}
	return err
}

func (v *verifySearcher) closeReaders() error {
	var err error
	for _, r := range slices.Concat(v.readers, v.freqs) {
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}
	if v.pair != nil {
		if cerr := v.pair.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// first returns m if it holds the phrase, else the next match that does.
func (v *verifySearcher) first(ctx *search.SearchContext, m *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for m != nil && err == nil {
		ok, err := v.holds(m.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if ok {
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
		m, err = v.Searcher.Next(ctx)
		if err != nil {
			return nil, err
		}
	}
	return m, err
}

// holds reports whether the document id has every slot term at the
// slot's offset from one start position. Candidates come in id order, so
// each term's postings only move forward.
func (v *verifySearcher) holds(id bindex.IndexInternalID) (bool, error) {
	if len(v.freqs) > 0 {
		holds, known, err := v.spelledAsTyped(id)
		if err != nil || known {
			return holds, err
		}
	}
	for k, r := range v.readers {
		d, err := r.Advance(id, nil)
		if err != nil {
			return false, fmt.Errorf("phrase term %q: %w", v.terms[k], err)
		}
		if d == nil || !d.ID.Equals(id) {
			return false, nil
		}
		v.pos[k] = v.pos[k][:0]
		for _, vec := range d.Vectors {
			v.pos[k] = append(v.pos[k], vec.Pos)
		}
	}
	lead := v.lead
	if lead < 0 {
		return true, nil
	}
next:
	for _, p := range v.pos[v.slot[lead]] {
		start := p - uint64(lead)
		for i, k := range v.slot {
			if i != lead && k >= 0 && !slices.Contains(v.pos[k], start+uint64(i)) {
				continue next
			}
		}
		return true, nil
	}
	return false, nil
}

// counting reports whether deciding a two-word phrase by term frequencies
// (spelledAsTyped) reads fewer postings than reading its words' positions.
// Either way each term's postings are read through (zap reads a posting's
// frequency only by reading those before it); positions also decode the
// locations of every candidate, about two per candidate, while counting
// reads the marked words' folded postings, the longest of all, and skips
// the unmarked word's.
func (v *verifySearcher) counting() bool {
	var positions, counts uint64
	for _, r := range v.readers {
		positions += r.Count()
	}
	cands := v.pair.Count()
	positions += 2 * cands
	counts = cands
	for _, r := range v.freqs {
		counts += r.Count()
	}
	return counts < positions
}

// spelledAsTyped decides, when it can from term frequencies alone, whether
// the document id holds a two-word phrase as typed (known). Each pair
// occurrence uses its own position of either word, so the occurrences
// with a word spelled otherwise number at most the word's other
// spellings (folded minus canonical frequency) summed over the marked
// words; more pair occurrences than that leave one spelled as typed. A
// marked word absent as typed rules the phrase out.
func (v *verifySearcher) spelledAsTyped(id bindex.IndexInternalID) (holds, known bool, err error) {
	freq := func(r bindex.TermFieldReader) (uint64, error) {
		d, err := r.Advance(id, nil)
		if err != nil || d == nil || !d.ID.Equals(id) {
			return 0, err
		}
		return d.Freq, nil
	}
	var others uint64
	for k := 0; k+1 < len(v.freqs); k += 2 {
		canon, err := freq(v.freqs[k])
		if err != nil {
			return false, false, fmt.Errorf("phrase spelling: %w", err)
		}
		if canon == 0 {
			return false, true, nil
		}
		folded, err := freq(v.freqs[k+1])
		if err != nil {
			return false, false, fmt.Errorf("phrase spelling: %w", err)
		}
		others += folded - min(folded, canon)
	}
	pairs, err := freq(v.pair)
	if err != nil {
		return false, false, fmt.Errorf("phrase pair: %w", err)
	}
	return pairs > others, pairs > others, nil
}

// forwardReader is a term reader for a caller that asks for documents in
// increasing order, as the checker does (its candidates come in id
// order). Bleve's term reader, asked for a document at or before the one
// it holds, starts over from its first document; for a frequent word
// that walk, repeated for every candidate, cost more than the rest of the
// phrase together. Asked so, this one answers with the posting it holds:
// no posting lies between, since it moved past them for an earlier,
// smaller request. The posting it returns is its own, good until the
// next call.
type forwardReader struct {
	bindex.TermFieldReader
	cur *bindex.TermFieldDoc // the posting it stands on
	end bool                 // no postings are left
}

func (f *forwardReader) Advance(id bindex.IndexInternalID, _ *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	if f.end {
		return nil, nil
	}
	if f.cur != nil && f.cur.ID.Compare(id) >= 0 {
		return f.cur, nil
	}
	return f.keep(f.TermFieldReader.Advance(id, f.cur))
}

func (f *forwardReader) Next(_ *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	if f.end {
		return nil, nil
	}
	return f.keep(f.TermFieldReader.Next(f.cur))
}

func (f *forwardReader) keep(d *bindex.TermFieldDoc, err error) (*bindex.TermFieldDoc, error) {
	if err != nil {
		return nil, err
	}
	if d == nil {
		f.end = true
		return nil, nil
	}
	f.cur = d
	return d, nil
}
