package bleve

import (
	"math"
	"strconv"

	"github.com/tracuu/tracuu/index"
)

// A relevance sort is by score alone: a tie-break on the id makes Bleve
// load a sort value for every matching document, the dearest part of a
// common-word query. Ties keep Bleve's internal order, which is stable
// for an index snapshot, so pages by offset are consistent; a cursor
// carries the score of the last hit and the ids of the hits shown with
// exactly that score, which the next page drops when Bleve returns them
// again. Date sorts need a value per hit anyway and keep the id tie-break.

// tieSlack is how far apart two scores may be and still count as tied.
func tieSlack(s float64) float64 { return math.Max(math.Abs(s)*1e-9, 1e-12) }

func tied(a, b float64) bool { return math.Abs(a-b) <= tieSlack(math.Max(math.Abs(a), math.Abs(b))) }

// maxTies bounds the ids a relevance cursor carries: the score and the
// ids fill a sort key of at most index.MaxCursorKey.
const maxTies = index.MaxCursorKey - 1

// cursorAfter is a decoded cursor.
type cursorAfter struct {
	key   []string        // what Bleve's SearchAfter takes
	score float64         // relevance: the score of the last hit shown
	shown map[string]bool // relevance: ids shown with exactly that score
	// seenAt holds the scores the shown ids came back with this time:
	// merges shift scores, so an id shown before can still lie ahead.
	seenAt map[string]float64
}

func parseAfter(req index.Request) (*cursorAfter, error) {
	if len(req.After) == 0 {
		return nil, nil
	}
	bad := index.ErrBadCursor
	if req.Sort != index.SortRelevance {
		if len(req.After) != len(sortOrder(req.Sort)) {
			return nil, bad
		}
		return &cursorAfter{key: req.After}, nil
	}
	score, err := strconv.ParseFloat(req.After[0], 64)
	if err != nil || math.IsNaN(score) || math.IsInf(score, 0) || len(req.After) > maxTies+1 {
		return nil, bad
	}
	// Bleve's SearchAfter skips hits whose sort values equal the cursor's;
	// asking for what comes after a score a hair higher keeps the ties, and
	// the ones already shown are dropped by id. The hair is relative, not
	// one float step: a background merge that purges deleted documents
	// shifts BM25 statistics, and with them every score, by a few ulps.
	up := strconv.FormatFloat(score+tieSlack(score), 'g', -1, 64)
	c := &cursorAfter{key: []string{up}, score: score, shown: map[string]bool{}, seenAt: map[string]float64{}}
	for _, id := range req.After[1:] {
		c.shown[id] = true
	}
	return c, nil
}

// setSortKeys gives each hit the cursor that pages after it.
func setSortKeys(s index.Sort, after *cursorAfter, hits []index.Hit) {
	if s != index.SortRelevance {
		return // Bleve's sort values are the key as they are
	}
	for i := range hits {
		score := hits[i].Score
		key := []string{strconv.FormatFloat(score, 'g', -1, 64)}
		if after != nil {
			// Keep every id shown before that may still come after this
			// hit: those not seen this time, or seen at or below its score.
			for id := range after.shown {
				if at, ok := after.seenAt[id]; !ok || at <= score+tieSlack(score) {
					key = append(key, id)
				}
			}
		}
		for j := 0; j <= i; j++ {
			if tied(hits[j].Score, score) {
				key = append(key, hits[j].Article.ID)
			}
		}
		if len(key) > maxTies+1 {
			key = append(key[:1], key[len(key)-maxTies:]...)
		}
		hits[i].SortKey = key
	}
}
