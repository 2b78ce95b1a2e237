package bleve

import (
	"context"
	"fmt"
	"runtime"

	"github.com/tracuu/tracuu/index"
)

// What one search may cost. A prefix stands for every word of the index
// that starts with it, and each such word is a posting list the search
// opens and walks, so a handful of short prefixes can cost a thousand
// plain queries (docs/defaults.md). The budget adds up, over all the
// prefixes of a search and every field they search, the words they expand
// to and the postings of those words (the (word, article) entries the
// search would visit); a search over either bound is refused as a bad
// request saying why.
const (
	// MaxExpansions bounds the words the prefixes of one search expand to.
	MaxExpansions = 20000
	// maxVisitsPerDoc bounds the postings per article of the index the
	// prefixes may visit: on the news corpus one common prefix ("th*")
	// visits 12 per article, 64 two-letter prefixes 84.
	maxVisitsPerDoc = 40
	// minVisits keeps small indexes from refusing what a large one allows.
	minVisits = 20000
	// expensiveVisitsPerDoc is where a search starts to count as
	// expensive: such searches run a few at a time (expensiveSlots), the
	// others wait for a slot until their deadline.
	expensiveVisitsPerDoc = 10
)

// expensiveSlots bounds the expensive searches running at once: half the
// cores (at least one), so that they cannot starve the cheap ones and
// their memory stays a small multiple of one search's.
var expensiveSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

// budget is the running cost of one search over an index of docs articles.
type budget struct {
	docs       uint64
	expansions int
	visits     uint64
}

type budgetKey struct{}

func withBudget(ctx context.Context, docs uint64) (context.Context, *budget) {
	b := &budget{docs: docs}
	return context.WithValue(ctx, budgetKey{}, b), b
}

func (b *budget) maxVisits() uint64 { return max(minVisits, b.docs*maxVisitsPerDoc) }

// charge adds a prefix's expansion, words and postings, to the search's
// bill, refusing the search once it is over budget.
func charge(ctx context.Context, prefix string, words int, visits uint64) error {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b == nil {
		return nil
	}
	b.expansions += words
	b.visits += visits
	switch {
	case b.expansions > MaxExpansions:
		return fmt.Errorf("%w: the prefixes of this query stand for more than %d words in all (at %q*); use longer or fewer prefixes",
			index.ErrBadRequest, MaxExpansions, prefix)
	case b.visits > b.maxVisits():
		return fmt.Errorf("%w: the prefixes of this query match too much of the archive (%d word occurrences by %q*, the limit is %d); use longer or fewer prefixes",
			index.ErrBadRequest, b.visits, prefix, b.maxVisits())
	}
	return nil
}

// acquire waits for a slot when the search is expensive; release frees it.
func (b *budget) acquire(ctx context.Context) (release func(), err error) {
	if b.visits <= max(minVisits/10, b.docs*expensiveVisitsPerDoc) {
		return func() {}, nil
	}
	select {
	case expensiveSlots <- struct{}{}:
		return func() { <-expensiveSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
