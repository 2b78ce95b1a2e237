package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The baseline is Bleve as a newcomer would use it: bleve.NewIndexMapping()
// (dynamic fields, the English "standard" analyzer, everything copied into
// _all), documents as maps, a MatchQuery (or MatchPhraseQuery for a quoted
// query) on _all, and the three default facets as terms facets. It is
// measurement code, so it talks to Bleve directly. bleve.Baseline (used by
// tracuu-eval) indexes title and body only and answers ids; the bench
// needs the facet fields and facet counts too, hence this one.

// baselineBatch is the batch size of the baseline import, as the first
// measurements had it (the product writes 250 at a time, see index.batchSize).
const baselineBatch = 500

// baselineImport indexes the JSONL file src into a new default-mapping
// index at dir and returns the number of articles. It runs in a child
// process (see ChildMain) so that its peak memory is its own.
func baselineImport(ctx context.Context, dir, src string) (int, error) {
	idx, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		return 0, fmt.Errorf("baseline: create %s: %w", dir, err)
	}
	return batchImport(ctx, idx, src, baselineBatch, func(d doc, _ []byte) any {
		m := map[string]any{"title": d.Title, "body": d.Body, "site": d.Site, "section": d.Section}
		if t, ok := parseDay(d.Published); ok {
			m["published"] = t.Format(time.RFC3339)
			m["year"] = t.Format("2006")
		}
		return m
	})
}

// batchImport indexes every line of the JSONL file src into idx, as the
// document that toDoc makes of it, size documents per batch, and closes
// idx. It returns the number of articles.
func batchImport(ctx context.Context, idx bleve.Index, src string, size int, toDoc func(d doc, line []byte) any) (n int, err error) {
	defer func() {
		if cerr := idx.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close: %w", cerr)
		}
	}()
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 1<<20))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	batch := idx.NewBatch()
	for line := 1; sc.Scan(); line++ {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return n, fmt.Errorf("%s:%d: %w", src, line, err)
		}
		if err := batch.Index(d.ID, toDoc(d, sc.Bytes())); err != nil {
			return n, fmt.Errorf("index %s: %w", d.ID, err)
		}
		n++
		if batch.Size() >= size {
			if err := idx.Batch(batch); err != nil {
				return n, fmt.Errorf("write batch: %w", err)
			}
			batch.Reset()
		}
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("%s: %w", src, err)
	}
	if err := idx.Batch(batch); err != nil {
		return n, fmt.Errorf("write batch: %w", err)
	}
	return n, nil
}

// parseDay reads the two date forms of the contract.
func parseDay(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// baseline is an opened baseline index.
type baseline struct{ idx bleve.Index }

func openBaseline(dir string) (*baseline, error) {
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("baseline: open %s: %w", dir, err)
	}
	return &baseline{idx: idx}, nil
}

// search runs q the naive way: ten hits with their titles, and the three
// default facets (ten values each) as terms facets. It returns the total.
func (b *baseline) search(ctx context.Context, q Query) (uint64, error) {
	var bq query.Query
	if q.Phrase {
		mq := bleve.NewMatchPhraseQuery(q.Words)
		mq.SetField("_all")
		bq = mq
	} else {
		mq := bleve.NewMatchQuery(q.Words)
		mq.SetField("_all")
		bq = mq
	}
	req := bleve.NewSearchRequestOptions(bq, 10, 0, false)
	req.Fields = []string{"title"}
	for _, f := range []string{"site", "section", "year"} {
		req.AddFacet(f, bleve.NewFacetRequest(f, 10))
	}
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("baseline: search %q: %w", q.Text, err)
	}
	return res.Total, nil
}

func (b *baseline) close() error { return b.idx.Close() }
