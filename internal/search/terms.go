package search

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/vi"
)

// Limits of a terms request.
const (
	DefaultTermSample = 500
	MaxTermSample     = 2000
	DefaultTermSize   = 30
	MaxTermSize       = 100
	termCandidates    = 300 // most frequent words, and pairs, weighed against the archive
	minTermDocs       = 3   // a word in fewer sampled articles says nothing
)

// TermParams is a terms request: a query with the filters of a search,
// the sample size and how many terms to return.
type TermParams struct {
	Params
	Sample int
	Size   int
}

// ParseTermParams reads sample and size besides the query and filters.
func ParseTermParams(v url.Values) (TermParams, error) {
	v = cloneValues(v)
	var tp TermParams
	var err error
	if tp.Sample, err = intParam(v, "sample", DefaultTermSample, 10, MaxTermSample); err != nil {
		return tp, err
	}
	if tp.Size, err = intParam(v, "size", DefaultTermSize, 1, MaxTermSize); err != nil {
		return tp, err
	}
	v.Del("sample")
	v.Del("size")
	if tp.Params, err = parseFiltersOnly(v, "terms"); err != nil {
		return tp, err
	}
	if tp.Q == "" {
		return tp, &ParamError{Param: "q", Msg: "the telling words of a query need a query"}
	}
	return tp, nil
}

// Terms is the answer of /api/terms.
type Terms struct {
	Q           string `json:"q"`
	Interpreted string `json:"interpreted,omitempty"`
	Matches     uint64 `json:"matches"`  // articles matching the query
	Sample      int    `json:"sample"`   // of which read: the best placed by relevance
	Articles    uint64 `json:"articles"` // in the archive
	TookMS      int64  `json:"took_ms"`
	Terms       []Term `json:"terms"`
}

// Term is a word or a two-syllable word unusually frequent in the sample.
type Term struct {
	Term      string  `json:"term"`
	Syllables int     `json:"syllables"`
	Count     int     `json:"count"`   // sampled articles holding it
	Archive   uint64  `json:"archive"` // articles of the archive holding it
	Score     float64 `json:"score"`
}

// Terms finds the words and syllable pairs that are much more common in
// the matches of a query than in the archive, the way significant-terms
// analyses do: the share of sampled articles holding a term against its
// share of the archive, scored (fg-bg)·fg/bg, which favours terms both
// frequent in the sample and rare outside it. The sample is the best
// placed matches by relevance, so the cost is bounded whatever the number
// of matches. Stop syllables, numbers and the query's own words are left
// out; pairs are adjacent syllables with only spaces between them, since
// most Vietnamese words are two syllables written apart.
func (s *Service) Terms(ctx context.Context, tp TermParams) (Terms, error) {
	start := time.Now()
	plan, err := s.Plan(ctx, tp.Q, tp.Exact)
	if err != nil {
		return Terms{}, err
	}
	own := map[string]bool{} // folded words of the query
	for _, seq := range newSeqMatcher(plan.Query).seqs {
		for _, w := range seq.words {
			own[vi.Fold(w.text)] = true
		}
	}
	res, err := s.Backend.Search(ctx, index.Request{Query: plan.Query, Filters: tp.Filters, From: tp.From, To: tp.To, Size: tp.Sample})
	if err != nil {
		if errors.Is(err, index.ErrBadRequest) {
			return Terms{}, &ParamError{Param: "q", Msg: err.Error()}
		}
		return Terms{}, fmt.Errorf("terms: %w", err)
	}
	st, err := s.Backend.Stats(ctx)
	if err != nil {
		return Terms{}, fmt.Errorf("terms: %w", err)
	}
	out := Terms{Q: tp.Q, Interpreted: plan.Interpreted, Matches: res.Total, Sample: len(res.Hits), Articles: st.Articles, Terms: []Term{}}
	df := map[string]int{}
	for _, h := range res.Hits {
		a := h.Article
		seen := map[string]bool{}
		for _, text := range []string{a.Title, a.Lead, a.Body} {
			countTerms(text, own, seen)
		}
		for t := range seen {
			df[t]++
		}
	}
	var words, pairs []string
	for t, n := range df {
		if n < minTermDocs {
			continue
		}
		if strings.Contains(t, " ") {
			pairs = append(pairs, t)
		} else {
			words = append(words, t)
		}
	}
	top := func(ts []string) []string {
		sort.Slice(ts, func(i, j int) bool {
			if df[ts[i]] != df[ts[j]] {
				return df[ts[i]] > df[ts[j]]
			}
			return ts[i] < ts[j]
		})
		return ts[:min(len(ts), termCandidates)]
	}
	cands := append(top(words), top(pairs)...)
	bg, err := s.Backend.Frequencies(ctx, cands)
	if err != nil {
		return Terms{}, fmt.Errorf("terms: %w", err)
	}
	for i, t := range cands {
		fg := float64(df[t]) / float64(max(out.Sample, 1))
		b := max(bg[i], uint64(df[t])) // the sample is part of the archive
		bgp := float64(b) / float64(max(st.Articles, b, 1))
		if fg <= bgp || bgp == 0 {
			continue
		}
		out.Terms = append(out.Terms, Term{Term: t, Syllables: strings.Count(t, " ") + 1, Count: df[t], Archive: b,
			Score: roundTo((fg-bgp)*fg/bgp, 4)})
	}
	sort.Slice(out.Terms, func(i, j int) bool {
		if out.Terms[i].Score != out.Terms[j].Score {
			return out.Terms[i].Score > out.Terms[j].Score
		}
		return out.Terms[i].Term < out.Terms[j].Term
	})
	out.Terms = out.Terms[:min(len(out.Terms), tp.Size)]
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// countTerms adds to seen the words and pairs of text worth weighing:
// canonical (lower case, one tone placement), no stop syllables, numbers,
// single letters or words of the query.
func countTerms(text string, own, seen map[string]bool) {
	ws := words(text)
	prev, prevEnd := "", -1
	for _, w := range ws {
		t := vi.Normalize(text[w[0]:w[1]])
		ok := utf8.RuneCountInString(t) > 1 && !stopSyllables[t] && !own[vi.Fold(t)] && !numeric(t)
		if ok {
			seen[t] = true
			if prev != "" && strings.TrimSpace(text[prevEnd:w[0]]) == "" {
				seen[prev+" "+t] = true
			}
			prev, prevEnd = t, w[1]
		} else {
			prev = ""
		}
	}
}

func numeric(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// stopSyllables are the function syllables of Vietnamese news prose:
// particles, pronouns, conjunctions, prepositions, classifiers and the
// most common verbs of saying and being, which are frequent in any set of
// articles and say nothing of a topic.
var stopSyllables = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		và à ạ ai anh ấy bà bạn bao bị bởi các cái cần cho chỉ chiếc chính chưa chứ có còn của cùng
		cũng đã đang đây để đến đều điều do đó được gì hay hơn khi không là lại làm lên lúc
		mà mình mọi một nay này nên nếu nhau nhiều như nhưng những nói nơi ở ông phải qua
		ra rằng rất rồi sau sẽ so sự tại theo thế thì tôi trên trong từ từng vẫn vào vậy về
		vì việc với vừa xuống tới cả ngày năm tháng hôm cho biết thêm họ chúng ta em hiện nữa
		đi lần khác bên trước đầu mới mỗi vụ số nhất hai ba bốn năm sáu bảy tám chín mười
		trăm nghìn triệu tỷ hoặc nhằm`) {
		stopSyllables[w] = true
	}
}
