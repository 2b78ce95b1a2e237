package bleve

import (
	"context"
	"fmt"
	"sync"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
)

// Bleve v2.6.1's BM25 takes a field's average length to be the number of
// distinct terms in the field's dictionaries, summed over the segments,
// per document (bm25ScoreMetrics in search/searcher/search_term.go). That
// is not a length, and it moves whenever segments merge: the same query on
// the same articles ranked differently before and after a merge. Every
// search we run therefore passes statistics of its own, as Bleve's
// pre-search data: the document count, and for each field the average
// number of tokens, measured on a sample of stored articles.

// lengthSample is how many stored articles the average lengths are
// measured on; averages over a few hundred news articles move by a few
// per cent at most.
const lengthSample = 256

// lengthStats caches the average field lengths and the BM25 statistics
// last handed to Bleve.
type lengthStats struct {
	mu      sync.Mutex
	sampled uint64             // document count when the averages were measured
	avg     map[string]float64 // average tokens per document of every indexed field
	docs    uint64             // document count of stats
	stats   *search.BM25Stats
}

// bm25Stats returns the statistics for a search now: averages measured
// again once the index has grown or shrunk by a tenth since the last
// sample, the document count always current.
func (b *Bleve) bm25Stats(ctx context.Context) (*search.BM25Stats, error) {
	n, err := b.idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("document count: %w", err)
	}
	l := &b.lengths
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stats != nil && l.docs == n {
		return l.stats, nil
	}
	if l.avg == nil || n*10 < l.sampled*9 || n*10 > l.sampled*11 {
		avg, err := b.measureLengths(ctx)
		if err != nil {
			return nil, err
		}
		l.avg, l.sampled = avg, n
	}
	// Bleve fails a search on a field the statistics leave out: l.avg
	// names every field the mapping indexes.
	st := &search.BM25Stats{DocCount: float64(n), FieldCardinality: make(map[string]int, len(l.avg))}
	for f, avg := range l.avg {
		// Bleve divides by the document count and rounds up.
		st.FieldCardinality[f] = int(avg * float64(n))
	}
	// Unscored searches merge the postings of several terms into one
	// reader that Bleve names "*" and looks up here too.
	st.FieldCardinality["*"] = int(n)
	l.docs, l.stats = n, st
	return st, nil
}

// measureLengths returns the average token count of every field the
// mapping indexes: for the text fields, their analysis of the title and
// body of up to lengthSample stored articles; for keyword and date fields,
// one (one value per article, a few for authors).
func (b *Bleve) measureLengths(ctx context.Context) (map[string]float64, error) {
	m, ok := b.idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("sample stored articles: mapping of type %T", b.idx.Mapping())
	}
	req := blevelib.NewSearchRequestOptions(blevelib.NewMatchAllQuery(), lengthSample, 0, false)
	req.Fields = []string{fSource}
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("sample stored articles: %w", err)
	}
	sum := map[string]float64{}
	fields := b.plan.textFields("") // title, body
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		a, err := decodeSource([]byte(src))
		if err != nil {
			return nil, fmt.Errorf("sample stored article %s: %w", h.ID, err)
		}
		for i, text := range []string{a.Title, a.Body} {
			// The lengths the fields give Bleve: syllables and pairs.
			f := fields[i]
			ta := textAnalysis{text: text, schema: b.schema}
			ta.run()
			sum[f.words] += float64(ta.nWords)
			sum[f.fpairs] += float64(ta.nPairs)
		}
	}
	avg := map[string]float64{}
	for _, f := range indexedFields(m.DefaultMapping) {
		avg[f] = 1
		if s, ok := sum[f]; ok && len(res.Hits) > 0 {
			avg[f] = s / float64(len(res.Hits))
		}
	}
	return avg, nil
}

// search runs req with our BM25 statistics (see above).
func (b *Bleve) search(ctx context.Context, req *blevelib.SearchRequest) (*blevelib.SearchResult, error) {
	st, err := b.bm25Stats(ctx)
	if err != nil {
		return nil, err
	}
	if req.PreSearchData == nil {
		req.PreSearchData = map[string]interface{}{}
	}
	req.PreSearchData[search.BM25PreSearchDataKey] = st
	return b.idx.SearchInContext(ctx, req)
}
