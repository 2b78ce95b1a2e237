package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tracuu/tracuu/internal/extract"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/source"
)

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("extract", stderr)
	asJSON := fl.Bool("json", false, "one JSON object per line per page")
	files, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError{"no FILE given"}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		outs := extractJSONL(ctx, name)
		if outs == nil {
			outs = []extracted{extractFile(name)}
		}
		for _, out := range outs {
			if out.Error != "" {
				failed++
			}
			if *asJSON {
				if err := enc.Encode(out); err != nil {
					return err
				}
				continue
			}
			printExtracted(stdout, out)
		}
	}
	if failed > 0 && failed >= len(files) {
		return fmt.Errorf("no file could be extracted")
	}
	return nil
}

// extracted is one line of `tracuu extract --json`: the article fields of
// the contract plus the file, the page kind and why it is not an article.
type extracted struct {
	File    string `json:"file"`
	Kind    string `json:"kind"`
	Reason  string `json:"reason,omitempty"`
	Charset string `json:"charset,omitempty"`
	// FontEncodings names the legacy font encodings (TCVN3, VNI) the
	// page's text was converted from.
	FontEncodings []string `json:"font_encodings,omitempty"`
	Error         string   `json:"error,omitempty"`
	// The article as the API returns it, with the id an import gives it.
	*search.Article
}

// isJSONL reports a file of pre-extracted articles, one JSON object a line.
func isJSONL(name string) bool {
	n := strings.ToLower(strings.TrimSuffix(name, ".gz"))
	return strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson")
}

// extractJSONL shows the articles of a JSONL file as the import reads
// them, one per line; nil when name is not JSONL.
func extractJSONL(ctx context.Context, name string) []extracted {
	if !isJSONL(name) {
		return nil
	}
	var outs []extracted
	err := source.Walk(ctx, name, source.Options{}, func(it source.Item) error {
		out := extracted{File: it.Name, Kind: string(extract.KindArticle), Article: &search.Article{}}
		switch {
		case it.Err != nil:
			out.Kind, out.Error = "error", it.Err.Error()
		case it.Article != nil:
			a := *it.Article
			a.EnsureID()
			*out.Article = search.Article(a)
		}
		outs = append(outs, out)
		return nil
	})
	if err != nil {
		outs = append(outs, extracted{File: name, Kind: "error", Error: err.Error(), Article: &search.Article{}})
	}
	if len(outs) == 0 {
		outs = append(outs, extracted{File: name, Kind: "error", Error: "no lines", Article: &search.Article{}})
	}
	return outs
}

func extractFile(name string) extracted {
	out := extracted{File: name, Article: &search.Article{}}
	raw, err := readPage(name)
	if err != nil {
		out.Kind, out.Error = "error", err.Error()
		return out
	}
	res, err := extract.Extract(extract.Input{Body: raw})
	if err != nil {
		out.Kind, out.Error = "error", err.Error()
		return out
	}
	a := res.Article
	out.Kind, out.Reason, out.Charset, out.FontEncodings = string(res.Kind), res.Reason, res.Charset, res.FontEncodings
	a.EnsureID()
	*out.Article = search.Article(a)
	return out
}

// readPage reads one saved page for `tracuu extract`, gunzipping *.gz, and
// refuses pages over the extractor's size limit before reading them whole.
func readPage(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, extract.MaxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if n > extract.MaxPageBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, extract.MaxPageBytes)
	}
	return buf.Bytes(), nil
}

func printExtracted(w io.Writer, e extracted) {
	fmt.Fprintf(w, "== %s\n", e.File)
	if e.Error != "" {
		fmt.Fprintf(w, "error:     %s\n\n", e.Error)
		return
	}
	if e.Reason != "" {
		fmt.Fprintf(w, "kind:      %s (%s)\n", e.Kind, e.Reason)
	} else {
		fmt.Fprintf(w, "kind:      %s\n", e.Kind)
	}
	for _, f := range [][2]string{{"charset", e.Charset}, {"converted", strings.Join(e.FontEncodings, ", ")}, {"url", e.URL}, {"site", e.Site}, {"section", e.Section},
		{"title", e.Title}, {"author", e.Author}, {"lang", e.Lang}} {
		if f[1] != "" {
			fmt.Fprintf(w, "%-10s %s\n", f[0]+":", f[1])
		}
	}
	if !e.Published.IsZero() {
		fmt.Fprintf(w, "published: %s\n", e.Published.Format(time.RFC3339))
	}
	if e.Lead != "" {
		fmt.Fprintf(w, "lead:      %s\n", e.Lead)
	}
	paras := 0
	for _, p := range strings.Split(e.Body, "\n") {
		if strings.TrimSpace(p) != "" {
			paras++
		}
	}
	fmt.Fprintf(w, "body:      %d paragraphs, %d characters\n\n%s\n\n", paras, len([]rune(e.Body)), e.Body)
}
