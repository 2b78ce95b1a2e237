package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/search"
)

// The research commands answer what /api/trends, /api/concordance and
// /api/terms answer, from the terminal.
func init() {
	commands = append(commands, []struct {
		name, args, help string
		run              func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	}{
		{"trends", "[--index DIR] [--interval I] [--json|--csv] QUERY...", "matches per period of each query (quote a query of several words)", runTrends},
		{"concordance", "[--index DIR] [--width N] [--limit N] [--json|--csv] QUERY", "every occurrence of the query in its context", runConcordance},
		{"terms", "[--index DIR] [--sample N] [--json] QUERY", "words unusually frequent in the matches of the query", runTerms},
	}...)
}

// filterFlags adds the filters of a search to fl; the returned function
// writes those given into v.
func filterFlags(fl *flag.FlagSet) func(v url.Values) {
	from := fl.String("from", "", "published on or after `DATE` (YYYY, YYYY-MM, YYYY-MM-DD)")
	to := fl.String("to", "", "published on or before `DATE` (YYYY, YYYY-MM, YYYY-MM-DD)")
	exact := fl.Bool("exact", false, "search exactly what was typed: no reading of wrong marks or input-method keys")
	var sites, sections, authors listFlag
	fl.Var(&sites, "site", "only this `SITE` (repeatable)")
	fl.Var(&sections, "section", "only this `SECTION` (repeatable)")
	fl.Var(&authors, "author", "only this `AUTHOR` (repeatable)")
	return func(v url.Values) {
		for k, s := range map[string]string{"from": *from, "to": *to} {
			if s != "" {
				v.Set(k, s)
			}
		}
		for k, l := range map[string]listFlag{"site": sites, "section": sections, "author": authors} {
			if len(l) > 0 {
				v[k] = l
			}
		}
		if *exact {
			v.Set("exact", "1")
		}
	}
}

func openService(dir string) (*search.Service, func(), error) {
	b, err := bleve.Open(dir, bleve.Options{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return &search.Service{Backend: b}, func() { b.Close() }, nil
}

// asUsage turns the caller's mistakes into usage errors (exit 2).
func asUsage(err error) error {
	if search.IsBadRequest(err) {
		return usageError{err.Error()}
	}
	return err
}

func runTrends(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("trends", stderr)
	dir := indexFlag(fl)
	interval := fl.String("interval", "", "year, month, week or day (default: from the span of the matches)")
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
	svc, done, err := openService(*dir)
	if err != nil {
		return err
	}
	defer done()
	tr, err := svc.Trends(ctx, tp)
	if err != nil {
		return asUsage(err)
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

func runConcordance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("concordance", stderr)
	dir := indexFlag(fl)
	width := fl.Int("width", search.DefaultWidth, "words of context on each side")
	limit := fl.Int("limit", 200, "lines at most")
	sortBy := fl.String("sort", "", "newest (default), oldest or relevance")
	asJSON := fl.Bool("json", false, "print JSON lines (the API's format=jsonl)")
	asCSV := fl.Bool("csv", false, "print CSV (the API's format=csv)")
	filters := filterFlags(fl)
	words, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return usageError{"no QUERY given"}
	}
	v := url.Values{"q": {strings.Join(words, " ")}, "width": {strconv.Itoa(*width)}, "limit": {strconv.Itoa(*limit)}}
	if *sortBy != "" {
		v.Set("sort", *sortBy)
	}
	switch {
	case *asJSON:
		v.Set("format", search.FormatJSONL)
	case *asCSV:
		v.Set("format", search.FormatCSV)
	default:
		v.Set("format", search.FormatJSONL)
	}
	filters(v)
	cp, err := search.ParseConcordParams(v)
	if err != nil {
		return usageError{err.Error()}
	}
	svc, done, err := openService(*dir)
	if err != nil {
		return err
	}
	defer done()
	if err := svc.CheckConcordance(ctx, cp); err != nil {
		return asUsage(err)
	}
	if *asJSON || *asCSV {
		_, err := svc.Concordance(ctx, cp, stdout)
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := svc.Concordance(ctx, cp, pw)
		pw.CloseWithError(err)
	}()
	return printConcordance(stdout, pr, *width, isTerminal(stdout))
}

// printConcordance prints JSONL lines aligned on the match, the classic
// keyword-in-context layout.
func printConcordance(w io.Writer, r io.Reader, width int, bold bool) error {
	dec := json.NewDecoder(r)
	cols := width * 7 // about the letters of width Vietnamese syllables
	n := 0
	for dec.More() {
		var l struct {
			search.ConcordLine
			Next string `json:"next"`
		}
		if err := dec.Decode(&l); err != nil {
			return err
		}
		if l.Next != "" {
			fmt.Fprintf(w, "(more: raise --limit)\n")
			continue
		}
		left := []rune(l.Left)
		if len(left) > cols {
			left = left[len(left)-cols:]
		}
		right := []rune(l.Right)
		if len(right) > cols {
			right = right[:cols]
		}
		match := l.Match
		if bold {
			match = "\x1b[1m" + match + "\x1b[0m"
		}
		date := "          "
		if l.Published != nil {
			date = l.Published.Format("2006-01-02")
		}
		fmt.Fprintf(w, "%s %*s %s %-*s  %s\n", date, cols, string(left), match, cols, string(right), l.ID)
		n++
	}
	fmt.Fprintf(w, "%d lines\n", n)
	return nil
}

func runTerms(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("terms", stderr)
	dir := indexFlag(fl)
	sample := fl.Int("sample", search.DefaultTermSample, "matches read, the best placed first")
	size := fl.Int("size", search.DefaultTermSize, "terms to show")
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
	svc, done, err := openService(*dir)
	if err != nil {
		return err
	}
	defer done()
	res, err := svc.Terms(ctx, tp)
	if err != nil {
		return asUsage(err)
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
