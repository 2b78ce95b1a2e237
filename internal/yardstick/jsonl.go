package yardstick

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	blevelib "github.com/blevesearch/bleve/v2"
)

// benchBatch is the batch size of the bench's baseline import, as the
// first measurements had it (the product writes 250 at a time).
const benchBatch = 500

// corpusLine is a line of the bench's JSONL corpus: the article fields the
// yardsticks index.
type corpusLine struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Published string `json:"published"`
	Section   string `json:"section"`
	Site      string `json:"site"`
}

// ImportBaseline indexes the JSONL file src into a new baseline at dir the
// way the bench asks it (BaselineSearch): title and body, and the fields
// of the three default facets (site, section, year). It returns the
// number of articles. tracuu-bench runs it in a child process so that its
// peak memory is its own.
func ImportBaseline(ctx context.Context, dir, src string) (int, error) {
	idx, err := blevelib.New(dir, blevelib.NewIndexMapping())
	if err != nil {
		return 0, fmt.Errorf("baseline: create %s: %w", dir, err)
	}
	return batchImport(ctx, idx, src, benchBatch, func(d corpusLine, _ []byte) any {
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
func batchImport(ctx context.Context, idx blevelib.Index, src string, size int, toDoc func(d corpusLine, line []byte) any) (n int, err error) {
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
		var d corpusLine
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
