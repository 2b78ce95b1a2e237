// Package ingest writes to an index directory: imports of sources and
// rebuilds into a new version, with the import state and the per-page
// report that live beside the index. The command line, the server's admin
// API and the bench import and rebuild through it, so where the state and
// the report are kept, and how a rebuilt version replaces the served one,
// is decided in one place.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/source"
)

// Service imports into an index and rebuilds it while searches go on; it is
// all the server's admin API needs. *Index implements it.
type Service interface {
	// Import imports srcs and returns the summary and the path of the
	// per-page report it wrote.
	Import(ctx context.Context, srcs []string, opts ImportOptions) (importer.Summary, string, error)
	// Reindex rebuilds the index from its stored articles into a new
	// version and serves that from then on.
	Reindex(ctx context.Context, progress func(done int)) (bleve.ReindexStats, error)
}

// ReportFile is the per-page report of the last import, in the index
// directory.
const ReportFile = "last-import-report.jsonl"

// Options configure Open.
type Options struct {
	// AnySchema opens an index written with an older schema, to rebuild it.
	AnySchema bool
	// Log receives what goes wrong without failing the call (a version
	// directory that could not be removed); nil discards it.
	Log *slog.Logger
}

// ImportOptions configure one import: importer.Options without the state
// and the report, which the Index supplies.
type ImportOptions struct {
	Workers   int                     // extract workers (default: number of CPUs)
	BatchSize int                     // articles per index write (default 2000)
	Force     bool                    // re-extract and rewrite even unchanged pages
	Source    source.Options          // limits for reading sources
	Progress  func(importer.Progress) // called after every batch; may be nil
	Log       *slog.Logger            // may be nil
	// Report is the file the per-page report is written to; empty means
	// ReportFile in the index directory.
	Report string
}

// Index is an index directory open for writing, served through Live while
// it is imported into and rebuilt. Imports and rebuilds run one at a time.
type Index struct {
	dir  string
	live *bleve.Live
	log  *slog.Logger
	mu   sync.Mutex // one import or rebuild at a time

	// Removed lists the version directories a crash left unfinished that
	// Open deleted.
	Removed []string
}

var _ Service = (*Index)(nil)

// Open opens the index in dir for writing, creating an empty one when dir
// holds none, and deletes the version directories a crash left unfinished
// (it holds the write lock, so no other process is writing them).
func Open(dir string, opts Options) (*Index, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	b, err := bleve.Open(dir, bleve.Options{AnySchema: opts.AnySchema})
	if err != nil {
		return nil, err
	}
	x := &Index{dir: dir, live: bleve.NewLive(b), log: opts.Log}
	x.Removed, err = bleve.RemoveUnfinished(dir)
	if err != nil {
		opts.Log.Warn("removing unfinished index versions", "dir", dir, "err", err)
	}
	return x, nil
}

// Live is the index to search: it follows the rebuilds.
func (x *Index) Live() *bleve.Live { return x.live }

// Dir is the index directory.
func (x *Index) Dir() string { return x.dir }

// Close closes the served version.
func (x *Index) Close() error { return x.live.Close() }

// Import imports srcs into the index, skipping what earlier imports saw
// unchanged (the state kept in the current version's directory), and
// writes the per-page report. It returns the summary, the report's path,
// and an error only when the run as a whole failed.
func (x *Index) Import(ctx context.Context, srcs []string, opts ImportOptions) (importer.Summary, string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	// The state describes the articles of one version; a rebuild carries
	// it over to the next.
	statePath := filepath.Join(x.live.Current().Path(), importer.StateFile)
	st, err := importer.OpenState(statePath)
	if err != nil {
		return importer.Summary{}, "", err
	}
	defer st.Close()
	reportPath := opts.Report
	if reportPath == "" {
		reportPath = filepath.Join(x.dir, ReportFile)
	}
	report, err := os.Create(reportPath)
	if err != nil {
		return importer.Summary{}, "", fmt.Errorf("import report: %w", err)
	}
	defer report.Close()
	sum, err := importer.Run(ctx, x.live, srcs, importer.Options{
		Workers: opts.Workers, BatchSize: opts.BatchSize, Force: opts.Force, Source: opts.Source,
		Progress: opts.Progress, Log: opts.Log, State: st, Report: report,
	})
	if cerr := report.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("import report %s: %w", reportPath, cerr)
	}
	return sum, reportPath, err
}

// Reindex rebuilds the index from its stored articles into a new version
// with the current mapping, then serves it: searches running on the old
// version finish first, and the old version is then removed. The served
// index answers throughout.
func (x *Index) Reindex(ctx context.Context, progress func(done int)) (bleve.ReindexStats, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	next, st, err := bleve.Rebuild(ctx, x.live.Current(), progress)
	if err != nil {
		return st, err
	}
	prev, err := x.live.Swap(next)
	if err != nil {
		x.log.Warn("closing the previous index version", "path", prev, "err", err)
	}
	if err := bleve.RemoveVersion(x.dir, prev); err != nil {
		x.log.Warn("the previous index version stays", "path", prev, "err", err)
	}
	return st, nil
}
