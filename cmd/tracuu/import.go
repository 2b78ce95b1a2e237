package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/tracuu/tracuu/internal/extract"
	"github.com/tracuu/tracuu/internal/ingest"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("import", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, true)
	workers := fl.Int("workers", 0, "`N` extract workers (default: number of CPUs)")
	asJSON := fl.Bool("json", false, "print the summary as JSON")
	batch := fl.Int("batch", 0, "`N` articles per index write (default 2000)")
	force := fl.Bool("force", false, "re-extract and rewrite pages even when unchanged since the last import")
	reportPath := fl.String("report", "", "write skipped and failed pages as JSONL to `FILE` (default: last-import-report.jsonl in DIR, or in the --opensearch-state-dir)")
	srcs, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		return usageError{"no SOURCE given"}
	}
	be, err := bf.resolve(*dir)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		if _, err := os.Stat(s); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("source %s does not exist", s)
			}
			return fmt.Errorf("source %s: %w", s, err)
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	x, err := openIngest(ctx, be, writeMode{}, ingest.Options{Log: log}, stderr)
	if err != nil {
		return err
	}
	defer x.Close()
	// An import on its own runs in the engine's import mode where it has
	// one (a cluster: refresh off, one refresh at the end).
	opts := ingest.ImportOptions{Workers: *workers, BatchSize: *batch, Report: *reportPath, Force: *force, Log: log, Bulk: true}
	// A bar on a terminal; otherwise a plain line every few seconds, so a
	// long import in a log or a CI job is not silent.
	bar := newProgress("import", "pages", -1, stderr, !*asJSON && isTerminal(stderr))
	opts.Progress = bar.update
	if !*asJSON {
		// The total comes from a pass over the sources, made beside the
		// import so that it does not delay it.
		go func() {
			if n := sourcesTotal(ctx, srcs); n > 0 {
				bar.setTotal(n)
			}
		}()
	}
	sum, report, runErr := x.Import(ctx, srcs, opts)
	bar.finish()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "seen %d: new %d, updated %d, unchanged %d, not articles %d, skipped %d, failed %d, duplicates %d; %.1fs (%.0f pages/s)\n",
			sum.Seen, sum.New, sum.Updated, sum.Unchanged, sum.NotArticles, sum.Skipped, sum.Failed, sum.Duplicates, sum.Seconds, sum.DocsPerSec)
		for _, k := range sum.Reasons() {
			fmt.Fprintf(stdout, "  %s: %d\n", k, sum.SkipReasons[k])
		}
		for _, k := range []string{extract.EncodingTCVN3, extract.EncodingVNI} {
			if n := sum.Converted[k]; n > 0 {
				fmt.Fprintf(stdout, "  converted from %s: %d\n", k, n)
			}
		}
		if sum.Trimmed > 0 {
			fmt.Fprintf(stdout, "  trimmed (indexed with an oversized field cut or a junk word left out): %d\n", sum.Trimmed)
		}
		if sum.Skipped+sum.Failed+sum.NotArticles+sum.Trimmed+len(sum.Converted) > 0 {
			fmt.Fprintf(stdout, "report: %s\n", report)
		}
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("interrupted; the batches written so far are kept, run the same import again to finish")
	}
	return runErr
}
