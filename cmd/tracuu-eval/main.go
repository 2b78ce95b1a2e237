// Command tracuu-eval measures tracuu's Vietnamese search on a corpus of
// real news against naive Bleve in the same run (see internal/eval) and
// prints one table; --out also writes every figure and query as JSON.
// --backend opensearch also builds tracuu's index in a cluster and ranks
// it beside Bleve's (credentials from the TRACUU_OPENSEARCH_* variables).
//
//	go run ./cmd/tracuu-eval --docs 10000 --out eval.json
//	TRACUU_OPENSEARCH_URL=http://localhost:9200 go run ./cmd/tracuu-eval --docs 10000 --backend opensearch
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/internal/eval"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("tracuu-eval", flag.ContinueOnError)
	corpus := fs.String("corpus", "../shared/corpus/vi-news", "directory of .jsonl(.gz) article files")
	docs := fs.Int("docs", 100000, "articles to index (0: all)")
	queries := fs.Int("queries", 150, "known-item queries per class")
	phrases := fs.Int("phrases", 40, "frequent-syllable phrases per length (2, 3, 4 syllables)")
	seed := fs.Uint64("seed", 2026, "seed of the query generator")
	out := fs.String("out", "eval.json", "write the report as JSON here (empty: don't)")
	work := fs.String("dir", "", "where to build the indexes (default: a temporary directory, removed after)")
	baseline := fs.Bool("baseline", true, "build and query naive Bleve too")
	variants := fs.Bool("variants", true, "also build the schema variants (no pairs, positions on pairs too, folded words only, TF-IDF)")
	tune := fs.Bool("tune", false, "also score the product index under a grid of boosts")
	backend := fs.String("backend", "bleve", "bleve, or opensearch: also build the product index in the cluster of --opensearch-url and rank it beside Bleve's")
	clusterURL := fs.String("opensearch-url", "", "`URL` of the cluster for --backend opensearch, without a password ($"+opensearch.EnvURL+"; the other TRACUU_OPENSEARCH_* variables apply)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	cluster, err := clusterConfig(*backend, *clusterURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracuu-eval:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "tracuu-eval-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "tracuu-eval:", err)
			return 1
		}
		defer os.RemoveAll(d)
		dir = d
	}
	arts, err := eval.ReadCorpus(ctx, *corpus, *docs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracuu-eval:", err)
		return 1
	}
	cfg := eval.Config{Dir: dir, Queries: *queries, Phrases: *phrases, Seed: *seed,
		Baseline: *baseline, Variants: *variants, Log: os.Stderr, Cluster: cluster}
	if *tune {
		cfg.Tunings = grid(bleve.DefaultTuning())
	}
	rep, err := eval.Run(ctx, arts, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracuu-eval:", err)
		return 1
	}
	rep.Print(os.Stdout)
	if *out != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(*out, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "tracuu-eval: write report:", err)
			return 1
		}
	}
	return 0
}

// clusterConfig is the cluster --backend asks for, nil for none: its URL
// from the flag or $TRACUU_OPENSEARCH_URL, the rest from the environment.
func clusterConfig(backend, flagURL string) (*opensearch.Config, error) {
	switch backend {
	case "bleve":
		return nil, nil
	case "opensearch":
	default:
		return nil, fmt.Errorf("unknown --backend %q: want bleve or opensearch", backend)
	}
	cfg, err := opensearch.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	if flagURL != "" {
		if u, err := url.Parse(flagURL); err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				return nil, fmt.Errorf("--opensearch-url holds a password, which every user of this machine can read in the command line: give it in $%s", opensearch.EnvPassword)
			}
		}
		cfg.URL = flagURL
	}
	if cfg.URL == "" {
		return nil, fmt.Errorf("--backend opensearch needs the cluster's address: --opensearch-url URL or $%s", opensearch.EnvURL)
	}
	return &cfg, nil
}

// grid is every combination of a few values of the field boosts (the
// body's stays 1: only ratios matter), the other boosts as in base.
func grid(base bleve.Tuning) []bleve.Tuning {
	var out []bleve.Tuning
	for _, title := range []float64{1, 1.5, 2, 3} {
		for _, exact := range []float64{1, 2} {
			for _, pairs := range []float64{1, 2, 4, 8} {
				t := base
				t.Title, t.Body, t.Exact, t.Pairs = title, 1, exact, pairs
				out = append(out, t)
			}
		}
	}
	return out
}
