// Package ingest writes to an index: imports of sources and rebuilds into
// a new version, with the import state and the per-page report kept on
// local disk. The command line, the server's admin API and the bench
// import and rebuild through it, so where the state and the report are
// kept, and how a rebuilt version replaces the served one, is decided in
// one place for every engine: a Store says what differs between them.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tracuu/tracuu/index"
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
	Reindex(ctx context.Context, progress func(done int)) (index.ReindexStats, error)
}

// Store is an index ingest imports into and rebuilds: the backend searches
// read and imports write, and what differs between engines around them.
type Store interface {
	index.Backend
	// StatePath is the local file of the import state of the version
	// served now: the state describes that version's articles, so a
	// version that replaces it (a new index) starts without one.
	StatePath() string
	// ReportDir is the local directory the per-page report of an import
	// goes to unless ImportOptions.Report names a file.
	ReportDir() string
	// Rebuild writes every stored article into a new version with the
	// current schema, carries the import state over to it, serves it, and
	// then removes the previous version. The served index answers
	// throughout.
	Rebuild(ctx context.Context, progress func(done int)) (index.ReindexStats, error)
}

// Bulk is implemented by Stores with an import mode: between BeginImport
// and EndImport, writes are durable but found only after EndImport, which
// lets the engine write faster. EndImport is called even when the import
// failed or was interrupted.
type Bulk interface {
	BeginImport(ctx context.Context) error
	EndImport(ctx context.Context) error
}

// ReportFile is the per-page report of the last import, in the Store's
// ReportDir.
const ReportFile = "last-import-report.jsonl"

// Options configure Open and OpenCluster.
type Options struct {
	// AnySchema opens an index written with an older schema, to rebuild it.
	AnySchema bool
	// Log receives what goes wrong without failing the call (a version
	// that could not be removed); nil discards it.
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
	// ReportFile in the Store's ReportDir.
	Report string
	// Bulk runs the import in the Store's import mode when it has one
	// (Bulk): faster, but what it writes is found only when it ends. For
	// imports run on their own (tracuu import); a server's imports leave
	// it off so that searches see articles as they land.
	Bulk bool
}

// Index is an index open for writing, served through Live while it is
// imported into and rebuilt. Imports and rebuilds run one at a time.
type Index struct {
	store Store
	log   *slog.Logger
	mu    sync.Mutex // one import or rebuild at a time

	// Removed lists the versions a crash left unfinished that Open
	// deleted.
	Removed []string
}

var _ Service = (*Index)(nil)

// New imports into and rebuilds s, which is open already: of opts only
// Log applies. Open and OpenCluster open the Stores of tracuu's engines.
func New(s Store, opts Options) *Index {
	return &Index{store: s, log: logger(opts.Log)}
}

// logger is log, or one that discards when log is nil.
func logger(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

// Live is the index to search: it follows the rebuilds.
func (x *Index) Live() index.Backend { return x.store }

// Close closes the served version.
func (x *Index) Close() error { return x.store.Close() }

// endTimeout bounds ending an import mode after the import, which runs
// even when the import was interrupted.
const endTimeout = 2 * time.Minute

// Import imports srcs into the index, skipping what earlier imports saw
// unchanged (the state kept for the current version), and writes the
// per-page report. It returns the summary, the report's path, and an
// error only when the run as a whole failed.
func (x *Index) Import(ctx context.Context, srcs []string, opts ImportOptions) (_ importer.Summary, _ string, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	statePath := x.store.StatePath()
	if err := os.MkdirAll(filepath.Dir(statePath), 0o755); err != nil {
		return importer.Summary{}, "", fmt.Errorf("import state: %w", err)
	}
	st, err := importer.OpenState(statePath)
	if err != nil {
		return importer.Summary{}, "", err
	}
	defer st.Close()
	reportPath := opts.Report
	if reportPath == "" {
		if err := os.MkdirAll(x.store.ReportDir(), 0o755); err != nil {
			return importer.Summary{}, "", fmt.Errorf("import report: %w", err)
		}
		reportPath = filepath.Join(x.store.ReportDir(), ReportFile)
	}
	report, err := os.Create(reportPath)
	if err != nil {
		return importer.Summary{}, "", fmt.Errorf("import report: %w", err)
	}
	defer report.Close()
	if b, ok := x.store.(Bulk); ok && opts.Bulk {
		if err := b.BeginImport(ctx); err != nil {
			return importer.Summary{}, "", err
		}
		defer func() {
			// Even after an interrupt: the index must not stay in import
			// mode, where nothing written is found.
			ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
			defer cancel()
			if eerr := b.EndImport(ectx); eerr != nil && err == nil {
				err = eerr
			}
		}()
	}
	sum, err := importer.Run(ctx, x.store, srcs, importer.Options{
		Workers: opts.Workers, BatchSize: opts.BatchSize, Force: opts.Force, Source: opts.Source,
		Progress: opts.Progress, Log: opts.Log, State: st, Report: report,
	})
	if cerr := report.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("import report %s: %w", reportPath, cerr)
	}
	return sum, reportPath, err
}

// Reindex rebuilds the index from its stored articles into a new version
// with the current schema, then serves it and removes the old version (see
// Store.Rebuild). The served index answers throughout.
func (x *Index) Reindex(ctx context.Context, progress func(done int)) (index.ReindexStats, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.store.Rebuild(ctx, progress)
}
