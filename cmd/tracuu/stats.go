package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tracuu/tracuu/index"
)

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("stats", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, false)
	asJSON := fl.Bool("json", false, "print JSON")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	be, err := bf.resolve(*dir)
	if err != nil {
		return err
	}
	b, base, err := openForReading(ctx, be)
	if err != nil {
		return err
	}
	var st index.Stats
	if base != "" {
		err = getJSON(ctx, base+"/api/stats", &st)
	} else {
		defer b.Close()
		st, err = b.Stats(ctx)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	fmt.Fprintf(stdout, "articles: %d\nsize:     %.1f MB\nschema:   %d\npath:     %s\n", st.Articles, float64(st.SizeBytes)/1e6, st.Schema, st.Path)
	return nil
}
