// Package importer runs the import pipeline: sources are walked, pages are
// extracted by a bounded pool of workers, and one writer upserts articles
// into the index in batches. Every page that does not become an article is
// counted by reason and written to the report; nothing stops the run but a
// failure of the run itself (an unreadable source, the index, cancellation).
package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/extract"
	"github.com/tracuu/tracuu/internal/source"
)

// Options configure a run.
type Options struct {
	Workers   int            // extract workers (default: number of CPUs)
	BatchSize int            // articles per index write (default 500)
	Source    source.Options // limits for reading archives
	Report    io.Writer      // receives one JSON line per skipped or failed page; may be nil
	Progress  func(Progress) // called after every batch and at the end; may be nil
	Log       *slog.Logger   // may be nil
}

// Progress is a snapshot of a running import.
type Progress struct {
	Seen    int           // items read from the sources
	Indexed int           // articles written
	Elapsed time.Duration //
}

// Summary is the outcome of a run.
type Summary struct {
	Seen        int            `json:"seen"`
	Indexed     int            `json:"indexed"`
	NotArticles int            `json:"not_articles"`
	Skipped     int            `json:"skipped"`
	SkipReasons map[string]int `json:"skipped_by_reason"`
	Duplicates  int            `json:"duplicates"` // the same id twice in one run: the later page wins
	Seconds     float64        `json:"seconds"`
	DocsPerSec  float64        `json:"docs_per_sec"`
}

// ReportLine is one line of the report file.
type ReportLine struct {
	Name   string `json:"name"`
	URL    string `json:"url,omitempty"`
	Status string `json:"status"` // "not_article" or "skipped"
	Reason string `json:"reason"`
}

// outcome is what a worker made of one item.
type outcome struct {
	art    *article.Article
	report *ReportLine
	kind   string // reason key for the summary
}

// Run imports every source into b. It returns the summary and a non-nil
// error only when the run as a whole failed; what was written before a
// failure stays written.
func Run(ctx context.Context, b index.Backend, paths []string, opts Options) (Summary, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	items := make(chan source.Item, opts.Workers*2)
	outcomes := make(chan outcome, opts.Workers*2)

	var walkErr error
	go func() {
		defer close(items)
		for _, p := range paths {
			err := source.Walk(ctx, p, opts.Source, func(it source.Item) error {
				select {
				case items <- it:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if err != nil {
				walkErr = fmt.Errorf("import %s: %w", p, err)
				cancel()
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				select {
				case outcomes <- process(it):
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(outcomes) }()

	sum := Summary{SkipReasons: map[string]int{}}
	enc := (*json.Encoder)(nil)
	if opts.Report != nil {
		enc = json.NewEncoder(opts.Report)
		enc.SetEscapeHTML(false)
	}
	batch := map[string]article.Article{}
	var order []string
	flush := func() error {
		if len(order) == 0 {
			return nil
		}
		arts := make([]article.Article, 0, len(order))
		for _, id := range order {
			arts = append(arts, batch[id])
		}
		// Written even when ctx is cancelled: a batch in hand is finished,
		// so Ctrl-C never leaves half of it behind.
		if err := b.Upsert(context.WithoutCancel(ctx), arts...); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		sum.Indexed += len(arts)
		clear(batch)
		order = order[:0]
		if opts.Progress != nil {
			opts.Progress(Progress{Seen: sum.Seen, Indexed: sum.Indexed, Elapsed: time.Since(start)})
		}
		return nil
	}
	var writeErr error
	for o := range outcomes {
		if writeErr != nil {
			continue // drain so the workers can exit
		}
		sum.Seen++
		if o.report != nil {
			if o.report.Status == "not_article" {
				sum.NotArticles++
			} else {
				sum.Skipped++
				sum.SkipReasons[o.kind]++
			}
			if enc != nil {
				if err := enc.Encode(o.report); err != nil {
					writeErr = fmt.Errorf("import: write report: %w", err)
					cancel()
				}
			}
			continue
		}
		id := o.art.ID
		if _, dup := batch[id]; dup {
			sum.Duplicates++
		} else {
			order = append(order, id)
		}
		batch[id] = *o.art
		if len(order) >= opts.BatchSize {
			if err := flush(); err != nil {
				writeErr = err
				cancel()
			}
		}
	}
	if writeErr == nil {
		writeErr = flush()
	}
	sum.Seconds = time.Since(start).Seconds()
	if sum.Seconds > 0 {
		sum.DocsPerSec = float64(sum.Indexed) / sum.Seconds
	}
	switch {
	case writeErr != nil:
		return sum, writeErr
	case walkErr != nil && !errors.Is(walkErr, context.Canceled):
		return sum, walkErr
	case ctx.Err() != nil && walkErr != nil:
		return sum, walkErr
	}
	return sum, nil
}

// process turns one source item into an article or a report line.
func process(it source.Item) outcome {
	skip := func(kind, reason string) outcome {
		return outcome{kind: kind, report: &ReportLine{Name: it.Name, URL: it.URL, Status: "skipped", Reason: reason}}
	}
	if it.Err != nil {
		return skip(reasonKey(it.Err), it.Err.Error())
	}
	var a article.Article
	if it.Article != nil {
		a = *it.Article
	} else {
		res, err := extract.Extract(extract.Input{Body: it.Body, URL: it.URL, Header: it.Header})
		if err != nil {
			return skip(reasonKey(err), err.Error())
		}
		if res.Kind != extract.KindArticle {
			return outcome{kind: string(res.Kind), report: &ReportLine{
				Name: it.Name, URL: it.URL, Status: "not_article", Reason: string(res.Kind) + ": " + res.Reason}}
		}
		a = res.Article
		if a.URL == "" {
			a.URL = it.URL
		}
	}
	if err := a.Validate(); err != nil {
		return skip("empty", err.Error())
	}
	a.EnsureID()
	return outcome{art: &a}
}

// reasonKey groups skip errors into a few counters for the summary.
func reasonKey(err error) string {
	for _, k := range []struct {
		err error
		key string
	}{
		{source.ErrTooLarge, "too_large"}, {source.ErrUnsafePath, "unsafe_path"},
		{source.ErrOutsideRoots, "outside_roots"}, {extract.ErrTooLarge, "too_large"},
		{extract.ErrBinary, "binary"}, {extract.ErrLegacyEncoding, "legacy_encoding"},
		{extract.ErrParse, "unparsable"}, {article.ErrEmpty, "empty"},
	} {
		if errors.Is(err, k.err) {
			return k.key
		}
	}
	return "unreadable"
}

// Reasons returns the summary's skip reasons in a stable order, for printing.
func (s Summary) Reasons() []string {
	keys := make([]string, 0, len(s.SkipReasons))
	for k := range s.SkipReasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
