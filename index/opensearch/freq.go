package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/terms"
	"github.com/tracuu/tracuu/internal/vi"
)

// freqChunk bounds the buckets of one counting request, well under the
// engines' search.max_buckets.
const freqChunk = 1000

// Frequencies counts each text's articles as a Term (one word) or a
// Phrase (two) matches it: a marked word in the canonical word fields,
// else its folded form; two words as their pair, canonical when both are
// marked. The count is the larger of the title's and the body's, as the
// embedded engine estimates it; texts of other lengths count 0. One
// request counts them all, a filters aggregation with a bucket per text
// and field.
func (b *Backend) Frequencies(ctx context.Context, texts []string) ([]uint64, error) {
	out := make([]uint64, len(texts))
	type bucket struct {
		text  int
		query obj
	}
	var buckets []bucket
	fields := textFields("") // title and body
	for i, text := range texts {
		ws := terms.Words(text)
		for _, f := range fields {
			switch {
			case len(ws) == 1 && terms.Marked(ws[0].Text):
				buckets = append(buckets, bucket{i, term(f.exact, ws[0].Text, 1)})
			case len(ws) == 1:
				buckets = append(buckets, bucket{i, term(f.folded, terms.FoldWord(ws[0].Text), 1)})
			case len(ws) == 2 && ws[1].Pos == ws[0].Pos+1:
				a, c := ws[0].Text, ws[1].Text
				if terms.Marked(a) && terms.Marked(c) {
					buckets = append(buckets, bucket{i, term(f.pairs, a+pairSep+c, 1)})
				} else {
					buckets = append(buckets, bucket{i, term(f.fpairs, terms.FoldWord(a)+pairSep+terms.FoldWord(c), 1)})
				}
			}
		}
	}
	for start := 0; start < len(buckets); start += freqChunk {
		part := buckets[start:min(len(buckets), start+freqChunk)]
		filters := obj{}
		for j, bk := range part {
			filters[strconv.Itoa(start+j)] = bk.query
		}
		counts, err := b.countEach(ctx, filters)
		if err != nil {
			return nil, fmt.Errorf("frequencies: %w", err)
		}
		for key, n := range counts {
			j, err := strconv.Atoi(key)
			if err != nil || j < start || j >= start+len(part) {
				return nil, fmt.Errorf("frequencies: unexpected bucket %q", key)
			}
			out[buckets[j].text] = max(out[buckets[j].text], n)
		}
	}
	return out, nil
}

// countEach counts the articles each named query matches, in one request.
func (b *Backend) countEach(ctx context.Context, filters obj) (map[string]uint64, error) {
	body := obj{"size": 0, "track_total_hits": false, "aggs": obj{"n": obj{"filters": obj{"filters": filters}}}}
	ans, err := b.search(ctx, body)
	if err != nil {
		return nil, err
	}
	var agg struct {
		Buckets map[string]struct {
			DocCount uint64 `json:"doc_count"`
		} `json:"buckets"`
	}
	if err := json.Unmarshal(ans.Aggregations["n"], &agg); err != nil {
		return nil, fmt.Errorf("decode counts: %w", err)
	}
	out := make(map[string]uint64, len(agg.Buckets))
	for k, v := range agg.Buckets {
		out[k] = v.DocCount
	}
	return out, nil
}

// Completions (a Prefix with Top) want the most frequent words starting
// with the prefix. The embedded engine reads them off its term dictionary;
// the engines' APIs list no terms of a text field short of fielddata,
// which would hold every word of the archive in memory. So the words are
// taken from a sample of the articles the prefix matches, analysed here
// as the index analysed them, and the most frequent in the sample are
// counted exactly in the index: a frequent word is all but certain to be
// in the sample, a rare one may be missed (completions can be coarser).
const (
	sampleTitles  = 200 // articles sampled for a title prefix
	sampleBodies  = 25  // for a prefix on body text, which is longer
	maxCandidates = 200 // words counted in the index
)

// prefixCounts returns words of field starting with prefix with the
// number of articles holding each, most frequent first (see above).
// Answers are kept for a minute: completions a minute old are still good.
func (b *Backend) prefixCounts(ctx context.Context, field, prefix string) ([]index.TermCount, error) {
	key := field + "\x00" + prefix
	if c, ok := b.prefixes.Get(key); ok {
		return c, nil
	}
	folded := field == fTitleFolded || field == fBodyFolded
	source, size := arr{fSource + ".title"}, sampleTitles
	if field == fBody || field == fBodyFolded {
		source, size = arr{fSource + ".lead", fSource + ".body"}, sampleBodies
	}
	body := obj{
		"query": obj{"prefix": obj{field: obj{"value": prefix}}}, "size": size,
		"sort": arr{"_doc"}, "_source": source, "track_total_hits": false,
	}
	ans, err := b.search(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("prefix %q: sample: %w", prefix, err)
	}
	seen := map[string]int{} // word → sampled articles holding it
	for _, h := range ans.Hits.Hits {
		var src struct{ Title, Lead, Body string }
		if err := json.Unmarshal(h.Source.Src, &src); err != nil {
			return nil, fmt.Errorf("prefix %q: sample %s: %w", prefix, h.ID, err)
		}
		here := map[string]bool{}
		for _, text := range []string{src.Title, src.Lead, src.Body} {
			ws := terms.Words(vi.Clean(text))
			if folded {
				ws = terms.Fold(ws)
			}
			for _, w := range ws {
				if strings.HasPrefix(w.Text, prefix) {
					here[w.Text] = true
				}
			}
		}
		for w := range here {
			seen[w]++
		}
	}
	cands := make([]string, 0, len(seen))
	for w := range seen {
		cands = append(cands, w)
	}
	slices.SortFunc(cands, func(a, c string) int {
		if seen[a] != seen[c] {
			return seen[c] - seen[a]
		}
		return strings.Compare(a, c)
	})
	cands = cands[:min(len(cands), maxCandidates)]
	out := make([]index.TermCount, 0, len(cands))
	if len(cands) > 0 {
		filters := obj{}
		for i, w := range cands {
			filters[strconv.Itoa(i)] = term(field, w, 1)
		}
		counts, err := b.countEach(ctx, filters)
		if err != nil {
			return nil, fmt.Errorf("prefix %q: count words: %w", prefix, err)
		}
		for i, w := range cands {
			if n := counts[strconv.Itoa(i)]; n > 0 {
				out = append(out, index.TermCount{Term: w, Count: n})
			}
		}
	}
	// Most frequent first, ties in dictionary order, as the embedded engine.
	slices.SortStableFunc(out, func(a, c index.TermCount) int {
		if a.Count != c.Count {
			if a.Count > c.Count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Term, c.Term)
	})
	b.prefixes.Put(key, out)
	return out, nil
}
