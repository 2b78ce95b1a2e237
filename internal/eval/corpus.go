// Package eval measures how well tracuu finds what people mean in real
// Vietnamese news, against naive Bleve in the same run: known-item queries
// generated from the corpus itself (title and body spans typed with and
// without marks, decomposed, with the other tone placement, in capitals,
// and a few scattered title words), scored by MRR@10 and hits@1; the
// latency of phrases of frequent syllables, Bleve's weak spot; and the
// indexing rate and size of the index with and without its pair fields.
// cmd/tracuu-eval runs it (make eval).
//
// A generated span is kept only when exactly one article contains it
// (word for word, ignoring punctuation and case, with marks for queries
// typed with marks and without for the others): the article it came from
// is then the one right answer, and a known-item metric is fair. Spans
// found in several articles are dropped, not scored leniently, so that
// common two-syllable spans do not inflate the figures.
package eval

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tracuu/tracuu/internal/article"
)

// Load reads up to n articles (all when n <= 0) from the JSONL files
// (plain or gzipped) in dir, in file-name order, skipping lines without
// an id or text.
func Load(ctx context.Context, dir string, n int) ([]article.Article, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl*"))
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load corpus %s: no .jsonl or .jsonl.gz files", dir)
	}
	sort.Strings(files)
	var out []article.Article
	for _, f := range files {
		if n > 0 && len(out) >= n {
			break
		}
		arts, err := loadFile(ctx, f, n-len(out), n > 0)
		if err != nil {
			return nil, err
		}
		out = append(out, arts...)
	}
	return out, nil
}

func loadFile(ctx context.Context, path string, want int, limited bool) ([]article.Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("load corpus %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out []article.Article
	line := 0
	for sc.Scan() && (!limited || len(out) < want) {
		line++
		if line%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var a article.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("load corpus %s line %d: %w", path, line, err)
		}
		if a.ID == "" || a.Validate() != nil {
			continue
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	return out, nil
}
