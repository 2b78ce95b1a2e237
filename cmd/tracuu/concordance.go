package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/tracuu/tracuu/internal/search"
)

func runConcordance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("concordance", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, false)
	width := fl.Int("width", search.DefaultWidth, "`N` words of context on each side")
	limit := fl.Int("limit", 200, "`N` lines at most")
	sortBy := fl.String("sort", "", "`ORDER`: newest (default), oldest or relevance")
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
	svc, base, done, err := openService(ctx, bf, *dir)
	if err != nil {
		return err
	}
	defer done()
	if base != "" {
		body, err := getBody(ctx, base+"/api/concordance?"+v.Encode())
		if err != nil {
			return err
		}
		defer body.Close()
		if *asJSON || *asCSV {
			_, err = io.Copy(stdout, body)
			return err
		}
		return printConcordance(stdout, body, *width, isTerminal(stdout))
	}
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
