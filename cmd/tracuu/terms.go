package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tracuu/tracuu/internal/search"
)

func runTerms(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("terms", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, false)
	sample := fl.Int("sample", search.DefaultTermSample, "`N` matches read, the best placed first")
	size := fl.Int("size", search.DefaultTermSize, "`N` terms to show")
	asJSON := fl.Bool("json", false, "print the API's JSON answer")
	filters := filterFlags(fl)
	words, err := parse(fl, args)
	if err != nil {
		return err
	}
	v := url.Values{"q": {strings.Join(words, " ")}, "sample": {strconv.Itoa(*sample)}, "size": {strconv.Itoa(*size)}}
	filters(v)
	tp, err := search.ParseTermParams(v)
	if err != nil {
		return usageError{err.Error()}
	}
	svc, base, done, err := openService(ctx, bf, *dir)
	if err != nil {
		return err
	}
	defer done()
	res, err := answer(ctx, base, "/api/terms", v, func() (search.Terms, error) { return svc.Terms(ctx, tp) })
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	fmt.Fprintf(stdout, "%d of %d matches read; %d articles in the archive (%d ms)\n", res.Sample, res.Matches, res.Articles, res.TookMS)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "term\tin sample\tin archive\tscore")
	for _, t := range res.Terms {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\n", t.Term, t.Count, t.Archive, t.Score)
	}
	return tw.Flush()
}
