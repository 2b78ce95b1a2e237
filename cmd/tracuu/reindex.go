package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/tracuu/tracuu/internal/ingest"
)

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("reindex", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, true)
	asJSON := fl.Bool("json", false, "print the result as JSON")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	be, err := bf.resolve(*dir)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	x, err := openIngest(ctx, be, writeMode{anySchema: true, noCreate: true}, ingest.Options{Log: log}, stderr)
	if err != nil {
		return err
	}
	defer x.Close()
	n, _ := x.Live().Stats(ctx)
	bar := newProgress("reindex", "articles", int(n.Articles), stderr, !*asJSON && isTerminal(stderr))
	st, err := x.Reindex(ctx, func(done int) { bar.set(done, "rebuilding") })
	bar.finish()
	if err != nil {
		return err
	}
	if st.CanonicalOnly {
		fmt.Fprintf(stderr, "tracuu reindex: note: %s\n", st.Note)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	fmt.Fprintf(stdout, "rebuilt %d articles into %s in %.1fs\n", st.Articles, st.To, st.Seconds)
	return nil
}
