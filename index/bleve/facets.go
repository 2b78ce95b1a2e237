package bleve

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// Facet counting without Bleve's facet builder. Bleve counts a facet by
// reading every matching document's doc values (a decompressed chunk and a
// string per value), the larger part of a common-word query. Segments never change once written, so each
// segment's facet values are read once into arrays of small integers
// (ordinals), and a search counts by indexing those arrays with the
// document numbers it already walks.
//
// The counting rides on the search itself: countingQuery wraps the query
// Bleve runs, and its searcher counts every match the collector pulls, so
// there is one pass over the matches, not two.

// facetCache holds the ordinal arrays of the segments seen so far.
type facetCache struct {
	mu   sync.Mutex
	segs map[segment.Segment]*segFacets
	dict [len(facetOrder)]ordDict
	// inOrder lists each histogram field's ordinals by value, rebuilt when
	// new values appear, so that counting days needs no sort per search.
	inOrder [len(facetOrder)][]uint32
}

// histogram reports whether a facet reads in time order, not by count.
func histogram(field string) bool {
	return field == index.FieldYear || field == index.FieldMonth || field == index.FieldDay
}

// facetOrder is the position of each facet field in the arrays.
var facetOrder = [...]string{index.FieldSite, index.FieldSection, index.FieldAuthor, index.FieldYear, index.FieldMonth, index.FieldDay}

// facetSources are the doc-value fields the arrays are read from: the day
// is derived from the publication time, so no field of its own is indexed.
var facetSources = []string{index.FieldSite, index.FieldSection, index.FieldAuthor, index.FieldYear, index.FieldMonth, fPublished}

func facetSlot(field string) int {
	for i, f := range facetOrder {
		if f == field {
			return i
		}
	}
	return -1
}

// ordDict numbers the values of one facet field; numbers are never reused,
// so arrays built earlier stay valid.
type ordDict struct {
	ord    map[string]uint32
	values []string
}

func (d *ordDict) id(v []byte) uint32 {
	if o, ok := d.ord[string(v)]; ok {
		return o
	}
	if d.ord == nil {
		d.ord = map[string]uint32{}
	}
	o := uint32(len(d.values))
	s := string(v)
	d.ord[s] = o
	d.values = append(d.values, s)
	return o
}

// segFacets holds, per facet field, the values of each document of one
// segment: document n has vals[start[n]:start[n+1]]. A field with at most
// one value per document (all but author, as a rule) is kept as one[n],
// the ordinal plus one (0: none) instead, one read per match.
type segFacets struct {
	start [len(facetOrder)][]uint32
	vals  [len(facetOrder)][]uint32
	one   [len(facetOrder)][]uint32
}

func newFacetCache() *facetCache {
	return &facetCache{segs: map[segment.Segment]*segFacets{}}
}

// view returns the arrays of every segment of a snapshot, reading the
// segments not seen before, and forgets segments merged away.
func (c *facetCache) view(snap *scorch.IndexSnapshot) (*facetView, error) {
	ss := snap.Segments()
	v := &facetView{segs: make([]*segFacets, len(ss)), offsets: make([]uint64, len(ss))}
	c.mu.Lock()
	defer c.mu.Unlock()
	var running uint64
	for i, s := range ss {
		seg := s.Segment()
		v.offsets[i] = running
		running += seg.Count()
		sf, ok := c.segs[seg]
		if !ok {
			var err error
			if sf, err = c.read(seg); err != nil {
				return nil, err
			}
			c.segs[seg] = sf
		}
		v.segs[i] = sf
	}
	if len(c.segs) > 2*len(ss)+8 {
		// Forget segments merged away; rarely, so searches rarely pay.
		live := make(map[segment.Segment]bool, len(ss))
		for _, s := range ss {
			live[s.Segment()] = true
		}
		for seg := range c.segs {
			if !live[seg] {
				delete(c.segs, seg)
			}
		}
	}
	for f := range c.dict {
		// Later appends never touch the elements this header covers.
		v.values[f] = c.dict[f].values
		if histogram(facetOrder[f]) {
			if len(c.inOrder[f]) != len(v.values[f]) {
				c.inOrder[f] = valueOrder(v.values[f])
			}
			v.inOrder[f] = c.inOrder[f]
		}
	}
	return v, nil
}

// read builds the arrays of one segment from its doc values. The caller
// holds c.mu.
func (c *facetCache) read(seg segment.Segment) (*segFacets, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("facets: segment %T has no doc values", seg)
	}
	n := seg.Count()
	sf := &segFacets{}
	for f := range facetOrder {
		sf.start[f] = make([]uint32, 1, n+1)
	}
	day := facetSlot(index.FieldDay)
	var state segment.DocVisitState
	var err error
	for doc := uint64(0); doc < n; doc++ {
		state, err = dv.VisitDocValues(doc, facetSources, func(field string, term []byte) {
			if field == fPublished {
				// A date is indexed at several precisions; the full one has shift 0.
				pc := numeric.PrefixCoded(term)
				if shift, err := pc.Shift(); err != nil || shift != 0 {
					return
				}
				if ns, err := pc.Int64(); err == nil {
					d := time.Unix(0, ns).In(article.Vietnam).AppendFormat(nil, "2006-01-02")
					sf.vals[day] = append(sf.vals[day], c.dict[day].id(d))
				}
				return
			}
			if f := facetSlot(field); f >= 0 {
				sf.vals[f] = append(sf.vals[f], c.dict[f].id(term))
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("facets: read doc values: %w", err)
		}
		for f := range facetOrder {
			sf.start[f] = append(sf.start[f], uint32(len(sf.vals[f])))
		}
	}
	for f := range facetOrder {
		if single(sf.start[f]) {
			one := make([]uint32, n)
			for doc := range one {
				if st := sf.start[f]; st[doc+1] > st[doc] {
					one[doc] = sf.vals[f][st[doc]] + 1
				}
			}
			sf.one[f], sf.start[f], sf.vals[f] = one, nil, nil
		}
	}
	return sf, nil
}

// single reports whether no document has two values.
func single(start []uint32) bool {
	for i := 1; i < len(start); i++ {
		if start[i]-start[i-1] > 1 {
			return false
		}
	}
	return true
}

// facetView is the arrays of one snapshot, addressed by Bleve's global
// document numbers (a segment's offset plus its local number).
type facetView struct {
	segs    []*segFacets
	offsets []uint64
	values  [len(facetOrder)][]string // per slot, the value of each ordinal when the view was made
	inOrder [len(facetOrder)][]uint32 // per histogram slot, its ordinals by value
}

// valueOrder returns the ordinals of values sorted by value.
func valueOrder(values []string) []uint32 {
	out := make([]uint32, len(values))
	for i := range out {
		out[i] = uint32(i)
	}
	slices.SortFunc(out, func(a, b uint32) int { return strings.Compare(values[a], values[b]) })
	return out
}

// facetCounts accumulates the counts of one search.
type facetCounts struct {
	view   *facetView
	fields []int      // slots counted
	counts [][]uint32 // per slot, per ordinal
	seg    int        // the segment of the last document counted
}

func (v *facetView) newCounts(fields []string) *facetCounts {
	fc := &facetCounts{view: v, counts: make([][]uint32, len(facetOrder))}
	for _, f := range fields {
		if s := facetSlot(f); s >= 0 && fc.counts[s] == nil {
			fc.fields = append(fc.fields, s)
			fc.counts[s] = make([]uint32, len(v.values[s]))
		}
	}
	return fc
}

func (fc *facetCounts) add(global uint64) {
	v := fc.view
	// Matches come in document order, so the segment rarely changes.
	if fc.seg >= len(v.offsets) || global < v.offsets[fc.seg] || (fc.seg+1 < len(v.offsets) && global >= v.offsets[fc.seg+1]) {
		fc.seg = sort.Search(len(v.offsets), func(i int) bool { return v.offsets[i] > global }) - 1
		if fc.seg < 0 {
			fc.seg = 0
			return
		}
	}
	sf := v.segs[fc.seg]
	local := global - v.offsets[fc.seg]
	for _, f := range fc.fields {
		if one := sf.one[f]; one != nil {
			if local < uint64(len(one)) && one[local] > 0 {
				fc.counts[f][one[local]-1]++
			}
			continue
		}
		st := sf.start[f]
		if local+1 >= uint64(len(st)) {
			continue
		}
		c := fc.counts[f]
		for _, o := range sf.vals[f][st[local]:st[local+1]] {
			c[o]++
		}
	}
}

// result returns the top size buckets of field, ordered as Bleve orders
// them: by count, then by value.
func (fc *facetCounts) result(field string, size int) []index.FacetValue {
	out := []index.FacetValue{}
	s := facetSlot(field)
	if fc == nil || s < 0 || fc.counts[s] == nil {
		return out
	}
	values, counts := fc.view.values[s], fc.counts[s]
	if histogram(field) {
		for _, o := range fc.view.inOrder[s] {
			if n := counts[o]; n > 0 {
				out = append(out, index.FacetValue{Value: values[o], Count: int(n)})
			}
		}
		if len(out) <= size {
			return out
		}
	} else {
		for o, n := range counts {
			if n > 0 {
				out = append(out, index.FacetValue{Value: values[o], Count: int(n)})
			}
		}
	}
	// A histogram longer than size keeps its most frequent values, in
	// time order.
	slices.SortFunc(out, func(a, b index.FacetValue) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Value, b.Value)
	})
	out = out[:min(len(out), size)]
	if histogram(field) {
		slices.SortFunc(out, func(a, b index.FacetValue) int { return strings.Compare(a.Value, b.Value) })
	}
	return out
}

// countingQuery runs Query and counts the facets of every match.
type countingQuery struct {
	query.Query
	cache  *facetCache
	fields []string
	counts *facetCounts // set when Bleve builds the searcher
}

func (q *countingQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if len(q.fields) == 0 {
		return q.Query.Searcher(ctx, r, m, opts)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("facets: index reader %T is not a scorch snapshot", r)
	}
	view, err := q.cache.view(snap)
	if err != nil {
		return nil, err
	}
	inner, err := q.Query.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	q.counts = view.newCounts(q.fields)
	return &countingSearcher{Searcher: inner, counts: q.counts}, nil
}

// countingSearcher counts each document its searcher yields.
type countingSearcher struct {
	search.Searcher
	counts *facetCounts
}

func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	if dm != nil {
		s.counts.add(dm.IndexInternalID.Value())
	}
	return dm, err
}

func (s *countingSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if dm != nil {
		s.counts.add(dm.IndexInternalID.Value())
	}
	return dm, err
}
