package bleve

import (
	"context"
	"slices"
	"testing"

	blevelib "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// seekCounter hands out term readers that count the times they are asked
// for a document at or before the one they stand on: Bleve's term reader
// answers that by starting over from its first document.
type seekCounter struct {
	bindex.IndexReader
	back *int
}

func (s seekCounter) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (bindex.TermFieldReader, error) {
	r, err := s.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
	if err != nil || norm {
		return r, err // norms: a scoring searcher's reader, not the checker's
	}
	return &countingReader{TermFieldReader: r, back: s.back}, nil
}

type countingReader struct {
	bindex.TermFieldReader
	at   bindex.IndexInternalID
	back *int
}

func (c *countingReader) Advance(id bindex.IndexInternalID, pre *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	if c.at != nil && c.at.Compare(id) >= 0 {
		*c.back++
	}
	d, err := c.TermFieldReader.Advance(id, pre)
	if d != nil {
		c.at = append(c.at[:0], d.ID...)
	}
	return d, err
}

// snapshotReader is a reader of b's current snapshot, closed when the test
// ends.
func snapshotReader(t testing.TB, b *Bleve) bindex.IndexReader {
	t.Helper()
	adv, err := b.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// matches runs q's searcher over r and returns the ids it matches, in
// index order.
func matches(t testing.TB, q *verifiedPhrase, r bindex.IndexReader, b *Bleve) []string {
	t.Helper()
	s, err := q.Searcher(context.Background(), r, b.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	var ids []string
	for {
		m, err := s.Next(sctx)
		if err != nil {
			t.Fatal(err)
		}
		if m == nil {
			return ids
		}
		id, err := r.ExternalID(m.IndexInternalID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		sctx.DocumentMatchPool.Put(m)
	}
}

// The phrase checker reads each word's postings forward only, on real
// news where the phrase's words are far more frequent than the phrase,
// and finds what the product's search of the phrase finds.
func TestVerifiedPhraseNeverSeeksBack(t *testing.T) {
	ctx := context.Background()
	b := corpusIndex(t, 1000)
	res, err := b.Search(ctx, index.Request{Query: index.Phrase{Field: index.FieldBody, Text: "người dân"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total < 20 {
		t.Fatalf("only %d articles hold the phrase; the test needs more", res.Total)
	}
	q := &verifiedPhrase{
		candidates: []query.Query{termQuery(fBodyFPairs, "nguoi dan", 1)},
		field:      fBody,
		slots:      []string{"người", "dân"},
		spellings:  [][2]string{{"người", "nguoi"}, {"dân", "dan"}},
		pairs:      fBodyFPairs,
		pair:       "nguoi dan",
	}
	back := 0
	n := len(matches(t, q, seekCounter{snapshotReader(t, b), &back}, b))
	if uint64(n) != res.Total {
		t.Errorf("the checker found %d articles, the search of the phrase %d", n, res.Total)
	}
	if back > 0 {
		t.Errorf("term readers were asked %d times for a document at or before the one they held", back)
	}
}

// positionReads hands out term readers and counts the documents the
// readers that decode positions are asked for.
type positionReads struct {
	bindex.IndexReader
	n *int
}

func (p positionReads) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (bindex.TermFieldReader, error) {
	r, err := p.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
	if err != nil || !vectors {
		return r, err
	}
	return &positionReader{TermFieldReader: r, n: p.n}, nil
}

type positionReader struct {
	bindex.TermFieldReader
	n *int
}

func (p *positionReader) Advance(id bindex.IndexInternalID, pre *bindex.TermFieldDoc) (*bindex.TermFieldDoc, error) {
	*p.n++
	return p.TermFieldReader.Advance(id, pre)
}

// twoWordPhrases are frequent two-word phrases of news, each with a word
// whose folded form other spellings share.
var twoWordPhrases = []string{"người dân", "cho biết", "có thể", "sau đó", "trước đó", "thông báo",
	"không được", "một người", "đó là", "dẫn đầu", "dân chủ", "chính trị", "hà nội", "công an", "nhà nước", "tổng thống"}

// A two-word phrase with marks is decided by counting (the pair's
// occurrences against the marked words' other spellings) or by reading
// positions; on real news and on articles built to sit at the edge of the
// count, both find the same articles, and counting leaves many
// candidates' positions unread.
func TestTwoWordPhraseCountsAgreeWithPositions(t *testing.T) {
	ctx := context.Background()
	edge := []article.Article{
		// Three pair occurrences, one "dẫn": one must be "người dân".
		{ID: "c1", Title: "Tin vắn", Body: "Người dân và người dẫn đường. Người dân."},
		// One occurrence, one other spelling: only positions tell.
		{ID: "c2", Title: "Tin vắn", Body: "Người dẫn chương trình. Dân làng."},
		// Two occurrences, two "dẫn", and yet one "người dân".
		{ID: "c3", Title: "Tin vắn", Body: "Người dẫn người dân dẫn đường."},
		// "dân" never appears as typed.
		{ID: "c4", Title: "Tin vắn", Body: "Người dẫn đường."},
		// Typed without marks once, with them once.
		{ID: "c5", Title: "Tin vắn", Body: "Nguoi dan viết không dấu, người dân viết có dấu."},
	}
	b := corpusIndex(t, 1000, edge...)
	r := snapshotReader(t, b)
	body := b.plan.textFields(index.FieldBody)[0]
	find := func(phrase string, how reading) (ids []string, candidates, reads int) {
		t.Helper()
		q, ok := b.plan.phraseQuery(body, queryWords.Analyze([]byte(phrase)), true).(*verifiedPhrase)
		if !ok || q.pair == "" {
			t.Fatalf("%q is not planned as a two-word phrase with spellings", phrase)
		}
		q.reading = how
		ids = matches(t, q, positionReads{r, &reads}, b)
		// Every candidate holds the folded pair: count them.
		pr, err := r.TermFieldReader(ctx, []byte(q.pair), q.pairs, false, false, false)
		if err != nil {
			t.Fatal(err)
		}
		defer pr.Close()
		return ids, int(pr.Count()), reads
	}
	var found, candidates, countReads, positionsReads int
	for _, phrase := range twoWordPhrases {
		byCounts, cands, cr := find(phrase, readCounts)
		byPositions, _, pr := find(phrase, readPositions)
		cheaper, _, _ := find(phrase, readCheaper)
		if !slices.Equal(byCounts, byPositions) || !slices.Equal(cheaper, byPositions) {
			t.Errorf("%q: counting found %d articles, positions %d, the cheaper way %d", phrase, len(byCounts), len(byPositions), len(cheaper))
		}
		if phrase == "người dân" {
			for _, c := range []struct {
				id   string
				want bool
			}{{"c1", true}, {"c2", false}, {"c3", true}, {"c4", false}, {"c5", true}} {
				if slices.Contains(byCounts, c.id) != c.want {
					t.Errorf("%q in %s: found %v, want %v", phrase, c.id, !c.want, c.want)
				}
			}
		}
		found += len(byPositions)
		candidates += cands
		countReads += cr
		positionsReads += pr
	}
	if found < 500 {
		t.Fatalf("the phrases matched only %d articles; the test needs more", found)
	}
	t.Logf("%d matches of %d candidates; positions read for %d documents when counting, %d when not", found, candidates, countReads, positionsReads)
	if countReads*3 > positionsReads*2 {
		t.Errorf("counting read positions for %d documents, positions alone for %d: counting should spare a third or more", countReads, positionsReads)
	}
}

// BenchmarkTwoWordPhrases times the phrases of twoWordPhrases on 3,000
// real articles merged into one segment, searched for their ten best and
// their total, each
// phrase checked by counting, by positions, and by the cheaper of the two
// (the product's way): go test ./index/bleve -run X -bench TwoWordPhrases.
func BenchmarkTwoWordPhrases(b *testing.B) {
	ix := corpusIndex(b, 3000)
	forceMerge(b, ix)
	body := ix.plan.textFields(index.FieldBody)[0]
	for _, how := range []struct {
		name string
		how  reading
	}{{"counts", readCounts}, {"positions", readPositions}, {"cheaper", readCheaper}} {
		b.Run(how.name, func(b *testing.B) {
			var qs []query.Query
			for _, p := range twoWordPhrases {
				q := ix.plan.phraseQuery(body, queryWords.Analyze([]byte(p)), true).(*verifiedPhrase)
				q.reading = how.how
				qs = append(qs, q)
			}
			for b.Loop() {
				for _, q := range qs {
					if _, err := ix.search(context.Background(), blevelib.NewSearchRequestOptions(q, 10, 0, false)); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
