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

func runTrends(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("trends", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, false)
	interval := fl.String("interval", "", "`INTERVAL`: year, month, week or day (default: from the span of the matches)")
	asJSON := fl.Bool("json", false, "print the API's JSON answer")
	asCSV := fl.Bool("csv", false, "print CSV: period, start, end, articles, then count and per 10,000 of each query")
	filters := filterFlags(fl)
	queries, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(queries) == 0 {
		return usageError{"no QUERY given"}
	}
	v := url.Values{"q": queries}
	if *interval != "" {
		v.Set("interval", *interval)
	}
	filters(v)
	tp, err := search.ParseTrendParams(v)
	if err != nil {
		return usageError{err.Error()}
	}
	svc, base, done, err := openService(ctx, bf, *dir)
	if err != nil {
		return err
	}
	defer done()
	tr, err := answer(ctx, base, "/api/trends", v, func() (search.Trends, error) { return svc.Trends(ctx, tp) })
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return writeJSON(stdout, tr)
	case *asCSV:
		return search.WriteTrendsCSV(stdout, tr)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{tr.Interval, "articles"}
	for _, s := range tr.Series {
		head = append(head, s.Q, "/10k")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for j, b := range tr.Buckets {
		row := []string{b.Key, strconv.Itoa(b.Articles)}
		for _, s := range tr.Series {
			row = append(row, strconv.Itoa(s.Counts[j]), strconv.FormatFloat(s.PerTenK[j], 'f', 1, 64))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}
