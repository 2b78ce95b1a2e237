package bleve

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/tracuu/tracuu/index"
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
	}
	adv, err := b.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	back := 0
	s, err := q.Searcher(ctx, seekCounter{r, &back}, b.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	n := 0
	for {
		m, err := s.Next(sctx)
		if err != nil {
			t.Fatal(err)
		}
		if m == nil {
			break
		}
		n++
		sctx.DocumentMatchPool.Put(m)
	}
	if uint64(n) != res.Total {
		t.Errorf("the checker found %d articles, the search of the phrase %d", n, res.Total)
	}
	if back > 0 {
		t.Errorf("term readers were asked %d times for a document at or before the one they held", back)
	}
}
