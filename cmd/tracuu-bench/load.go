package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/tracuu/tracuu/internal/bench"
)

// runLoad is `tracuu-bench load`: a bounded load test that exits 1 when
// any request failed or answered 5xx, or the admin import failed.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tracuu-bench load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.LoadConfig
	fs.StringVar(&cfg.Corpus, "corpus", "../shared/corpus/vi-news", "directory of .jsonl(.gz) article files")
	fs.IntVar(&cfg.Docs, "docs", 20000, "articles in play: a third imported first, the rest through the admin API during the load")
	fs.Uint64Var(&cfg.Seed, "seed", 2026, "seed of the sample and of the queries")
	fs.DurationVar(&cfg.Duration, "duration", 0, "how long the clients run (default 30s)")
	fs.IntVar(&cfg.Clients, "clients", 8, "concurrent clients")
	fs.StringVar(&cfg.WorkDir, "dir", "", "work directory (default: temporary)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the work directory")
	fs.StringVar(&cfg.TracuuBin, "tracuu", "", "tracuu binary to load (default: build this checkout)")
	out := fs.String("out", "", "also write the figures as JSON to this file")
	if !parse(fs, args, stderr) {
		return 2
	}
	cfg.Log = stderr
	rep, err := bench.Load(ctx, cfg)
	if rep != nil {
		rep.Print(stdout)
		if werr := writeJSON(*out, rep); werr != nil {
			fmt.Fprintln(stderr, "tracuu-bench load:", werr)
			return 1
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "tracuu-bench load:", err)
		return 1
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
