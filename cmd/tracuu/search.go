package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/tracuu/tracuu/internal/search"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("search", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, false)
	asJSON := fl.Bool("json", false, "print the API's JSON answer")
	size := fl.Int("size", search.DefaultSize, "`N` results to show (1–100)")
	page := fl.Int("page", 1, "page `N` of the results")
	sortBy := fl.String("sort", "", "`ORDER`: relevance, newest or oldest")
	filters := filterFlags(fl)
	words, err := parse(fl, args)
	if err != nil {
		return err
	}
	v := url.Values{"q": {strings.Join(words, " ")}, "size": {strconv.Itoa(*size)}, "page": {strconv.Itoa(*page)}}
	if *sortBy != "" {
		v.Set("sort", *sortBy)
	}
	filters(v)
	p, err := search.ParseParams(v)
	if err != nil {
		return usageError{err.Error()}
	}
	be, err := bf.resolve(*dir)
	if err != nil {
		return err
	}
	b, base, err := openForReading(ctx, be)
	if err != nil {
		return err
	}
	var res search.Response
	if base != "" {
		// The server holds the index: ask it.
		v.Set("facets", "")
		err = getJSON(ctx, base+"/api/search?"+v.Encode(), &res)
	} else {
		defer b.Close()
		res, err = (&search.Service{Backend: b}).Search(ctx, p)
	}
	if err != nil {
		if search.IsBadRequest(err) {
			return usageError{err.Error()}
		}
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	printHits(stdout, res, isTerminal(stdout))
	return nil
}

func printHits(w io.Writer, res search.Response, bold bool) {
	if res.Interpreted != "" {
		fmt.Fprintf(w, "Results for %q (search exactly what was typed with --exact)\n", res.Interpreted)
	}
	fmt.Fprintf(w, "%d results (%d ms)\n", res.Total, res.TookMS)
	for i, h := range res.Hits {
		meta := []string{}
		for _, s := range []string{h.Site, h.Section, h.Author} {
			if s != "" {
				meta = append(meta, s)
			}
		}
		if h.Published != nil {
			meta = append(meta, h.Published.Format("02/01/2006"))
		}
		fmt.Fprintf(w, "\n%2d. %s\n    %s\n", i+1, plain(h.TitleHTML, bold), strings.Join(meta, " · "))
		if h.URL != "" {
			fmt.Fprintf(w, "    %s\n", h.URL)
		}
		fmt.Fprintf(w, "    %s\n", plain(h.Snippet, bold))
	}
	if res.Next != "" {
		fmt.Fprintln(w, "\n(more: --page N)")
	}
}

var markRe = regexp.MustCompile(`</?mark>`)

// plain turns a highlighted snippet into terminal text, bold where marked.
func plain(s string, bold bool) string {
	s = markRe.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case !bold:
			return ""
		case m == "<mark>":
			return "\x1b[1m"
		default:
			return "\x1b[0m"
		}
	})
	return html.UnescapeString(s)
}
