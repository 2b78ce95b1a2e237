package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/extract"
	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/server"
	"github.com/tracuu/tracuu/web"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("import", stderr)
	dir := indexFlag(fl)
	workers := fl.Int("workers", 0, "extract workers (default: number of CPUs)")
	asJSON := fl.Bool("json", false, "print the summary as JSON")
	batch := fl.Int("batch", 0, "articles per index write (default 2000)")
	force := fl.Bool("force", false, "re-extract and rewrite pages even when unchanged since the last import")
	reportPath := fl.String("report", "", "write skipped and failed pages as JSONL to this file (default: DIR/last-import-report.jsonl)")
	srcs, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		return usageError{"no SOURCE given"}
	}
	for _, s := range srcs {
		if _, err := os.Stat(s); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("source %s does not exist", s)
			}
			return fmt.Errorf("source %s: %w", s, err)
		}
	}
	bulkMemory()
	b, err := index.Open(*dir, index.Options{})
	if err != nil {
		return err
	}
	defer b.Close()
	state, err := importer.OpenState(filepath.Join(b.Dir(), importer.StateFile))
	if err != nil {
		return err
	}
	defer state.Close()
	if *reportPath == "" {
		*reportPath = filepath.Join(*dir, "last-import-report.jsonl")
	}
	report, err := os.Create(*reportPath)
	if err != nil {
		return fmt.Errorf("report file: %w", err)
	}
	opts := importer.Options{Workers: *workers, BatchSize: *batch, Report: report, State: state, Force: *force,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	var bar *progress
	if !*asJSON && isTerminal(stderr) {
		bar = newProgress(ctx, srcs, stderr)
		opts.Progress = bar.update
	}
	sum, runErr := importer.Run(ctx, b, srcs, opts)
	bar.finish()
	if err := report.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("report file: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "seen %d: new %d, updated %d, unchanged %d, not articles %d, skipped %d, failed %d, duplicates %d; %.1fs (%.0f pages/s)\n",
			sum.Seen, sum.New, sum.Updated, sum.Unchanged, sum.NotArticles, sum.Skipped, sum.Failed, sum.Duplicates, sum.Seconds, sum.DocsPerSec)
		for _, k := range sum.Reasons() {
			fmt.Fprintf(stdout, "  %s: %d\n", k, sum.SkipReasons[k])
		}
		if sum.Skipped+sum.Failed+sum.NotArticles > 0 {
			fmt.Fprintf(stdout, "report: %s\n", *reportPath)
		}
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("interrupted; the batches written so far are kept, run the same import again to finish")
	}
	return runErr
}

// bulkMemory lets the collector of an import or a reindex run less often:
// the batches in flight are most of the heap, and all of it is garbage
// once written, so the default GOGC of 100 marks it again and again. The
// soft limit makes the collector run early instead when the heap nears
// it, which keeps the peak RSS well within the 1 GiB an import may use.
// GOGC and GOMEMLIMIT in the environment win.
func bulkMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(640 << 20)
	}
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("serve", stderr)
	dir := indexFlag(fl)
	addr := fl.String("addr", envOr("TRACUU_ADDR", ":8080"), "listen address ($TRACUU_ADDR)")
	origins := fl.String("cors-origins", os.Getenv("TRACUU_CORS_ORIGINS"), "comma-separated origins allowed to call the public API; empty allows any ($TRACUU_CORS_ORIGINS)")
	roots := fl.String("import-roots", os.Getenv("TRACUU_IMPORT_ROOTS"), "folders the admin API may import from, separated by "+string(filepath.ListSeparator)+" ($TRACUU_IMPORT_ROOTS)")
	tokenFile := fl.String("admin-token-file", "", "read the admin token from this file instead of $TRACUU_ADMIN_TOKEN")
	rate := fl.Int("rate-limit", -1, "public API requests per minute per client address; 0 = off (default: off on loopback, 1200 otherwise)")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	token := os.Getenv("TRACUU_ADMIN_TOKEN")
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return fmt.Errorf("admin token file: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if *rate < 0 {
		*rate = 1200
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
			*rate = 0
		}
	}
	b, err := index.Open(*dir, index.Options{})
	if err != nil {
		ln.Close()
		return err
	}
	live := index.NewLive(b)
	defer live.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	handler := server.New(&search.Service{Backend: live}, server.Config{
		CORSOrigins: splitList(*origins), Log: log, Web: web.FS(), RateLimit: *rate,
		Admin: server.Admin{Token: token, Roots: filepath.SplitList(*roots), Live: live},
	})
	st, _ := live.Stats(ctx)
	fmt.Fprintf(stdout, "tracuu: serving %d articles from %s at %s\n", st.Articles, *dir, browseURL(ln.Addr()))
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let requests in flight finish, then let a running
	// import finish its batch, then close the index.
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := handler.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: admin jobs: %w", err)
	}
	return nil
}

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("reindex", stderr)
	dir := indexFlag(fl)
	asJSON := fl.Bool("json", false, "print the result as JSON")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	bulkMemory()
	b, err := index.Open(*dir, index.Options{AnySchema: true})
	if err != nil {
		return err
	}
	next, st, err := index.Rebuild(ctx, b, nil)
	b.Close()
	if err != nil {
		return err
	}
	defer next.Close()
	if err := index.RemoveVersion(*dir, st.From); err != nil {
		fmt.Fprintf(stderr, "tracuu reindex: the old version stays at %s: %v\n", st.From, err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	fmt.Fprintf(stdout, "rebuilt %d articles into %s in %.1fs\n", st.Articles, st.To, st.Seconds)
	return nil
}

// browseURL is the address a person can open for a listener.
func browseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("search", stderr)
	dir := indexFlag(fl)
	asJSON := fl.Bool("json", false, "print the API's JSON answer")
	size := fl.Int("size", search.DefaultSize, "results to show (1–100)")
	page := fl.Int("page", 1, "page of results")
	sortBy := fl.String("sort", "", "relevance, newest or oldest")
	from := fl.String("from", "", "published on or after (YYYY, YYYY-MM, YYYY-MM-DD)")
	to := fl.String("to", "", "published on or before (YYYY, YYYY-MM, YYYY-MM-DD)")
	var sites, sections, authors listFlag
	fl.Var(&sites, "site", "only this site (repeatable)")
	fl.Var(&sections, "section", "only this section (repeatable)")
	fl.Var(&authors, "author", "only this author (repeatable)")
	words, err := parse(fl, args)
	if err != nil {
		return err
	}
	v := url.Values{"q": {strings.Join(words, " ")}, "size": {strconv.Itoa(*size)}, "page": {strconv.Itoa(*page)}}
	for k, s := range map[string]string{"sort": *sortBy, "from": *from, "to": *to} {
		if s != "" {
			v.Set(k, s)
		}
	}
	v["site"], v["section"], v["author"] = sites, sections, authors
	p, err := search.ParseParams(v)
	if err != nil {
		return usageError{err.Error()}
	}
	b, err := index.Open(*dir, index.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer b.Close()
	res, err := (&search.Service{Backend: b}).Search(ctx, p)
	if err != nil {
		if search.IsBadRequest(err) {
			return usageError{err.Error()}
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	printHits(stdout, res, isTerminal(stdout))
	return nil
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

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

func printHits(w io.Writer, res search.Response, bold bool) {
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

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// extracted is one line of `tracuu extract --json`: the article fields of
// the contract plus the file, the page kind and why it is not an article.
type extracted struct {
	File    string `json:"file"`
	Kind    string `json:"kind"`
	Reason  string `json:"reason,omitempty"`
	Charset string `json:"charset,omitempty"`
	Error   string `json:"error,omitempty"`
	*articleJSON
}

type articleJSON = struct {
	ID        string     `json:"id,omitempty"`
	URL       string     `json:"url,omitempty"`
	Title     string     `json:"title"`
	Lead      string     `json:"lead,omitempty"`
	Body      string     `json:"body"`
	Published *time.Time `json:"published,omitempty"`
	Updated   *time.Time `json:"updated,omitempty"`
	Author    string     `json:"author,omitempty"`
	Section   string     `json:"section,omitempty"`
	Site      string     `json:"site,omitempty"`
	Lang      string     `json:"lang,omitempty"`
	Keywords  []string   `json:"keywords,omitempty"`
}

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
		out := extractFile(name)
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
	if failed == len(files) {
		return fmt.Errorf("no file could be extracted")
	}
	return nil
}

func extractFile(name string) extracted {
	out := extracted{File: name, articleJSON: &articleJSON{}}
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
	out.Kind, out.Reason, out.Charset = string(res.Kind), res.Reason, res.Charset
	*out.articleJSON = articleJSON{URL: a.URL, Title: a.Title, Lead: a.Lead, Body: a.Body, Author: a.Author,
		Section: a.Section, Site: a.Site, Lang: a.Lang, Keywords: a.Keywords}
	if !a.Published.IsZero() {
		out.Published = &a.Published
	}
	if !a.Updated.IsZero() {
		out.Updated = &a.Updated
	}
	return out
}

func printExtracted(w io.Writer, e extracted) {
	fmt.Fprintf(w, "== %s\n", e.File)
	if e.Error != "" {
		fmt.Fprintf(w, "error:     %s\n\n", e.Error)
		return
	}
	fmt.Fprintf(w, "kind:      %s %s\n", e.Kind, e.Reason)
	for _, f := range [][2]string{{"charset", e.Charset}, {"url", e.URL}, {"site", e.Site}, {"section", e.Section},
		{"title", e.Title}, {"author", e.Author}, {"lang", e.Lang}} {
		if f[1] != "" {
			fmt.Fprintf(w, "%-10s %s\n", f[0]+":", f[1])
		}
	}
	if e.Published != nil {
		fmt.Fprintf(w, "published: %s\n", e.Published.Format(time.RFC3339))
	}
	if e.Lead != "" {
		fmt.Fprintf(w, "lead:      %s\n", e.Lead)
	}
	fmt.Fprintf(w, "body:      %d paragraphs, %d characters\n\n%s\n\n", strings.Count(e.Body, "\n\n")+1, len([]rune(e.Body)), e.Body)
}

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("stats", stderr)
	dir := indexFlag(fl)
	asJSON := fl.Bool("json", false, "print JSON")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	b, err := index.Open(*dir, index.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer b.Close()
	st, err := b.Stats(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	fmt.Fprintf(stdout, "articles: %d\nsize:     %.1f MB\nschema:   %d\npath:     %s\n", st.Articles, float64(st.SizeBytes)/1e6, st.Schema, st.Path)
	return nil
}
