package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/vi"
)

// SetFigures says how exactly the whole answer of one accented query (its
// export: every match, not the first ten) is the set of articles that hold
// its words as typed.
type SetFigures struct {
	Query     string  `json:"query"`
	Spellings int     `json:"spellings"` // spellings of its folded form in the corpus
	Matches   int     `json:"matches"`   // articles exported
	Truth     int     `json:"truth"`     // articles holding both syllables as typed
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// answerSets exports, for the n most frequent two-syllable title words
// with marks on both syllables whose folded form other spellings share
// ("thủ tướng" with "thu tượng"), every match, and compares it with the
// articles whose title or body holds both syllables spelled as typed.
func answerSets(ctx context.Context, svc *search.Service, arts []article.Article, n int) ([]SetFigures, error) {
	titlePairs := map[string]int{}
	for i := range arts {
		for _, r := range runs(splitWords(vi.Normalize(arts[i].Title))) {
			for j := 1; j < len(r); j++ {
				if vi.HasMarks(r[j-1].text) && vi.HasMarks(r[j].text) {
					titlePairs[r[j-1].text+" "+r[j].text]++
				}
			}
		}
	}
	type pf struct {
		pair string
		n    int
	}
	var cands []pf
	for p, c := range titlePairs {
		cands = append(cands, pf{p, c})
	}
	sort.Slice(cands, func(i, j int) bool {
		return cands[i].n > cands[j].n || cands[i].n == cands[j].n && cands[i].pair < cands[j].pair
	})
	cands = cands[:min(len(cands), 10*n)]
	spellings := map[string]map[string]bool{} // folded pair → canonical spellings
	for _, c := range cands {
		spellings[vi.Fold(c.pair)] = map[string]bool{}
	}
	words := make([]map[string]bool, len(arts))
	for i := range arts {
		ws := splitWords(vi.Normalize(arts[i].Title + "\n" + arts[i].Body))
		words[i] = make(map[string]bool, len(ws))
		for j, w := range ws {
			words[i][w.text] = true
			if j > 0 && w.adj {
				p := ws[j-1].text + " " + w.text
				if s := spellings[vi.Fold(p)]; s != nil {
					s[p] = true
				}
			}
		}
	}
	var out []SetFigures
	for _, c := range cands {
		if len(out) == n {
			break
		}
		if len(spellings[vi.Fold(c.pair)]) < 2 {
			continue // no other spelling: the folded and exact sets agree anyway
		}
		a, b, _ := strings.Cut(c.pair, " ")
		truth := map[string]bool{}
		for i := range arts {
			if words[i][a] && words[i][b] {
				truth[arts[i].ID] = true
			}
		}
		got, err := exportIDs(ctx, svc, c.pair)
		if err != nil {
			return nil, err
		}
		hit := 0
		for id := range got {
			if truth[id] {
				hit++
			}
		}
		f := SetFigures{Query: c.pair, Spellings: len(spellings[vi.Fold(c.pair)]), Matches: len(got), Truth: len(truth)}
		if len(got) > 0 {
			f.Precision = float64(hit) / float64(len(got))
		}
		if len(truth) > 0 {
			f.Recall = float64(hit) / float64(len(truth))
		}
		out = append(out, f)
	}
	return out, nil
}

// exportIDs returns the ids of every article the export of q writes.
func exportIDs(ctx context.Context, svc *search.Service, q string) (map[string]bool, error) {
	var buf bytes.Buffer
	if _, err := svc.Export(ctx, search.Params{Q: q}, search.FormatJSONL, &buf); err != nil {
		return nil, fmt.Errorf("export %q: %w", q, err)
	}
	ids := map[string]bool{}
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var a struct {
			ID string `json:"id"`
		}
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("export %q: %w", q, err)
		}
		ids[a.ID] = true
	}
	return ids, nil
}

// setSummary is the mean precision and recall over sets, and the least.
func setSummary(sets []SetFigures) (p, r, minP, minR float64) {
	if len(sets) == 0 {
		return 0, 0, 0, 0
	}
	minP, minR = 1, 1
	for _, s := range sets {
		p += s.Precision
		r += s.Recall
		minP, minR = min(minP, s.Precision), min(minR, s.Recall)
	}
	return p / float64(len(sets)), r / float64(len(sets)), minP, minR
}
