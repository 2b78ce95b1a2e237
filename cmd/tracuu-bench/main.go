// Command tracuu-bench makes tracuu's performance a reproducible number:
// it imports a corpus of JSONL articles into tracuu and into Bleve's
// default mapping in the same run, replays a fixed query mix, measures
// `tracuu serve` over loopback HTTP, prints one table and writes every
// figure as JSON (see internal/bench).
//
//	go run ./cmd/tracuu-bench --corpus ../shared/corpus/vi-news --out bench.json
//	go run ./cmd/tracuu-bench --quick                  # 10k articles
//	go run ./cmd/tracuu-bench load --duration 30s      # load test with an admin import
//	go run ./cmd/tracuu-bench floor                    # Bleve's own figures, least indexing
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/tracuu/tracuu/internal/bench"
)

func main() {
	if ok, code := bench.ChildMain(); ok {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run returns the exit status: 0 success, 1 failure (or a load test with
// errors), 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "load" {
		return runLoad(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "floor" {
		return runFloor(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("tracuu-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	mixFlags(fs, &cfg)
	quick := fs.Bool("quick", false, "smoke run: 10,000 articles, one measured round")
	fs.IntVar(&cfg.Clients, "clients", 16, "concurrent HTTP clients")
	fs.IntVar(&cfg.PerClient, "per-client", 200, "requests per concurrent client")
	fs.DurationVar(&cfg.ConcMax, "concurrent-max", 0, "upper bound on the concurrent phase (default 60s)")
	fs.IntVar(&cfg.Suggests, "suggests", 200, "suggest requests")
	noBase := fs.Bool("no-baseline", false, "skip the default-mapping baseline")
	noReimport := fs.Bool("no-reimport", false, "skip the re-import of the unchanged corpus")
	noHTTP := fs.Bool("no-http", false, "skip the HTTP phases (concurrent clients, suggest, export)")
	fs.BoolVar(&cfg.NoQueries, "no-queries", false, "import figures only: skip every query phase (implies --no-http)")
	fs.StringVar(&cfg.WorkDir, "dir", "", "work directory for the corpus copy and indexes (default: temporary)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the work directory")
	fs.BoolVar(&cfg.Reuse, "reuse", false, "with --dir: measure the queries of the index a --keep run left there, without importing (keeps it)")
	fs.StringVar(&cfg.TracuuBin, "tracuu", "", "tracuu binary to measure (default: build this checkout)")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "also import once in process under the CPU profiler and write the profile here")
	fs.StringVar(&cfg.QueryProf, "query-cpuprofile", "", "also replay the query mix in process under the CPU profiler and write the profile here")
	out := fs.String("out", "", "also write the figures as JSON to this file")
	if !parse(fs, args, stderr) {
		return 2
	}
	if *quick {
		if cfg.Docs == 0 {
			cfg.Docs = 10000
		}
		cfg.Rounds = 1
	}
	cfg.Baseline, cfg.Reimport, cfg.HTTP = !*noBase, !*noReimport, !*noHTTP && !cfg.NoQueries
	cfg.Log = stderr
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tracuu-bench:", err)
		return 1
	}
	rep.Print(stdout)
	if err := writeJSON(*out, rep); err != nil {
		fmt.Fprintln(stderr, "tracuu-bench:", err)
		return 1
	}
	return 0
}

// mixFlags are the flags of every subcommand that replays the query mix
// on a sample of the corpus.
func mixFlags(fs *flag.FlagSet, cfg *bench.Config) {
	fs.StringVar(&cfg.Corpus, "corpus", "../shared/corpus/vi-news", "directory of .jsonl(.gz) article files")
	fs.IntVar(&cfg.Docs, "docs", 0, "articles to use (0: all)")
	fs.Uint64Var(&cfg.Seed, "seed", 2026, "seed of the sample and of the query mix")
	fs.IntVar(&cfg.Queries, "queries", 200, "queries in the mix (a quarter per class)")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "measured passes of the mix per engine, after one warm-up pass")
}

// parse parses args, which must hold flags only, and reports whether they
// were good (the flag set has already said what was wrong).
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

func writeJSON(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
