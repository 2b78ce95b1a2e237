package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/tracuu/tracuu/internal/bench"
)

// runFloor is `tracuu-bench floor`: Bleve's own figures on the corpus with
// the least indexing an accent-insensitive search can do, next to the
// default-mapping baseline, in one run.
func runFloor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tracuu-bench floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	mixFlags(fs, &cfg)
	fs.StringVar(&cfg.WorkDir, "dir", "", "work directory (default: temporary)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the work directory (the corpus copy; indexes are removed as they are measured)")
	out := fs.String("out", "", "also write the figures as JSON to this file")
	if !parse(fs, args, stderr) {
		return 2
	}
	cfg.Log = stderr
	rep, err := bench.Floor(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tracuu-bench floor:", err)
		return 1
	}
	rep.Print(stdout)
	if err := writeJSON(*out, rep); err != nil {
		fmt.Fprintln(stderr, "tracuu-bench floor:", err)
		return 1
	}
	return 0
}
