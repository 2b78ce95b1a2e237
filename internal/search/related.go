package search

import (
	"context"
	"sort"
	"strings"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// functionWords are the commonest Vietnamese syllables, which say nothing
// about what an article is about. They are only skipped when picking the
// words of a more-like-this query; the index keeps every word.
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`của và các là có được trong cho với những một này đã để người không
		theo khi từ về tại đến năm ngày cũng như thì ra đó nhiều sẽ lại nên còn vào hơn làm trên bị do rất
		nhưng sau nào mà đang gì chỉ việc đây vì hay cùng đi ở thể rằng điều số qua nay lên bằng tới nếu
		phải vẫn cần đều giữa mới ông bà anh chị họ chúng tôi ta mình the of and to in a`) {
		functionWords[vi.Fold(w)] = true
	}
}

// relatedPairs is how many word pairs of an article make its
// more-like-this query.
const relatedPairs = 12

// Related finds articles about the same thing as the article id: the
// article's most telling word pairs (from the title, then the most
// repeated in the body) as optional phrases. The article itself and its
// near-duplicates are left out.
func (s *Service) Related(ctx context.Context, id string, size int) (Response, bool, error) {
	a, ok, err := s.Backend.Get(ctx, id)
	if err != nil || !ok {
		return Response{}, ok, err
	}
	pairs := telling(a.Title, a.Text())
	out := Response{Hits: []Hit{}, Facets: map[string][]index.FacetValue{}}
	if len(pairs) == 0 {
		return out, true, nil
	}
	var should []index.Query
	for _, p := range pairs {
		should = append(should, index.Phrase{Text: p})
	}
	res, err := s.Backend.Search(ctx, index.Request{Query: index.Bool{Should: should}, Size: size + 10})
	if err != nil {
		return out, true, err
	}
	out.TookMS = res.Took.Milliseconds()
	h := newHighlighter(nil)
	for _, hit := range res.Hits {
		b := hit.Article
		if b.ID == id || (a.Cluster != "" && b.Cluster == a.Cluster) || len(out.Hits) == size {
			continue
		}
		out.Hits = append(out.Hits, toHit(h, hit))
	}
	out.Total = uint64(len(out.Hits))
	return out, true, nil
}

// telling picks the word pairs of an article that best say what it is
// about: every pair of its title, then body pairs by how often they recur,
// skipping pairs of function words.
func telling(title, body string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] && len(out) < relatedPairs {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range pairsOf(title) {
		add(p)
	}
	counts := map[string]int{}
	for _, p := range pairsOf(body) {
		counts[p]++
	}
	ranked := make([]string, 0, len(counts))
	for p, n := range counts {
		if n > 1 {
			ranked = append(ranked, p)
		}
	}
	sort.Slice(ranked, func(i, j int) bool {
		if counts[ranked[i]] != counts[ranked[j]] {
			return counts[ranked[i]] > counts[ranked[j]]
		}
		return ranked[i] < ranked[j]
	})
	for _, p := range ranked {
		add(p)
	}
	return out
}

// pairsOf returns the adjacent word pairs of text (folded), within
// sentences, leaving out pairs made only of function words.
func pairsOf(text string) []string {
	ws := words(text)
	var out []string
	for i := 0; i+1 < len(ws); i++ {
		gap := text[ws[i][1]:ws[i+1][0]]
		if strings.TrimSpace(gap) != "" {
			continue // punctuation between: not one phrase
		}
		a, b := vi.Fold(text[ws[i][0]:ws[i][1]]), vi.Fold(text[ws[i+1][0]:ws[i+1][1]])
		if functionWords[a] && functionWords[b] || len(a) < 2 && len(b) < 2 {
			continue
		}
		out = append(out, a+" "+b)
	}
	return out
}
