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
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/extract"
	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/server"
	"github.com/tracuu/tracuu/internal/source"
	"github.com/tracuu/tracuu/web"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("import", stderr)
	dir := indexFlag(fl)
	workers := fl.Int("workers", 0, "`N` extract workers (default: number of CPUs)")
	asJSON := fl.Bool("json", false, "print the summary as JSON")
	batch := fl.Int("batch", 0, "`N` articles per index write (default 2000)")
	force := fl.Bool("force", false, "re-extract and rewrite pages even when unchanged since the last import")
	reportPath := fl.String("report", "", "write skipped and failed pages as JSONL to `FILE` (default: DIR/last-import-report.jsonl)")
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
	b, err := bleve.Open(*dir, bleve.Options{})
	if err != nil {
		return err
	}
	defer b.Close()
	removeUnfinished(*dir, stderr)
	state, err := importer.OpenState(filepath.Join(b.Path(), importer.StateFile))
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
	// A bar on a terminal; otherwise a plain line every few seconds, so a
	// long import in a log or a CI job is not silent.
	bar := newProgress("import", "pages", -1, stderr, !*asJSON && isTerminal(stderr))
	opts.Progress = bar.update
	if !*asJSON {
		// The total comes from a pass over the sources, made beside the
		// import so that it does not delay it.
		go func() {
			if n := sourcesTotal(ctx, srcs); n > 0 {
				bar.setTotal(n)
			}
		}()
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
		for _, k := range []string{extract.EncodingTCVN3, extract.EncodingVNI} {
			if n := sum.Converted[k]; n > 0 {
				fmt.Fprintf(stdout, "  converted from %s: %d\n", k, n)
			}
		}
		if sum.Trimmed > 0 {
			fmt.Fprintf(stdout, "  trimmed (indexed with an oversized field cut or a junk word left out): %d\n", sum.Trimmed)
		}
		if sum.Skipped+sum.Failed+sum.NotArticles+sum.Trimmed+len(sum.Converted) > 0 {
			fmt.Fprintf(stdout, "report: %s\n", *reportPath)
		}
	}
	if errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("interrupted; the batches written so far are kept, run the same import again to finish")
	}
	return runErr
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("serve", stderr)
	dir := indexFlag(fl)
	addr := fl.String("addr", envOr("TRACUU_ADDR", ":8080"), "listen `ADDRESS` ($TRACUU_ADDR)")
	origins := fl.String("cors-origins", os.Getenv("TRACUU_CORS_ORIGINS"), "`LIST` of comma-separated origins allowed to call the public API; empty allows any ($TRACUU_CORS_ORIGINS)")
	roots := fl.String("import-roots", os.Getenv("TRACUU_IMPORT_ROOTS"), "`LIST` of folders the admin API may import from, separated by "+string(filepath.ListSeparator)+" ($TRACUU_IMPORT_ROOTS)")
	tokenFile := fl.String("admin-token-file", "", "read the admin token from `FILE` instead of $TRACUU_ADMIN_TOKEN")
	create := fl.Bool("create", false, "create an empty index when --index names none (the admin API can then import into it)")
	rate := fl.Int("rate-limit", -1, "`N` public API requests per minute per client address; 0 = off (default: off on loopback, 1200 otherwise)")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	// A mistyped --index would otherwise serve a new, empty index without
	// a word: refuse unless an empty one is what was asked for.
	if !*create && !hasIndex(*dir) {
		return fmt.Errorf("no index at %s: import into it first (tracuu import --index %s SOURCE...), check the path, or pass --create to serve a new empty index", *dir, *dir)
	}
	token := os.Getenv("TRACUU_ADMIN_TOKEN")
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return fmt.Errorf("admin token file: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if err := server.CheckToken(token); err != nil {
		return usageError{err.Error()}
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
	b, err := bleve.Open(*dir, bleve.Options{})
	if err != nil {
		ln.Close()
		return err
	}
	removeUnfinished(*dir, stderr)
	live := bleve.NewLive(b)
	defer live.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	handler := server.New(&search.Service{Backend: live}, server.Config{
		CORSOrigins: splitList(*origins), Log: log, Web: web.FS(), RateLimit: *rate,
		Admin: server.Admin{Token: token, Roots: filepath.SplitList(*roots), Live: live},
	})
	st, _ := live.Stats(ctx)
	fmt.Fprintf(stdout, "tracuu: serving %d articles from %s at %s\n", st.Articles, *dir, browseURL(ln.Addr()))
	// search and stats cannot open an index the server holds: this file
	// tells them where to ask instead.
	addrFile := filepath.Join(*dir, serveAddrFile)
	if err := os.WriteFile(addrFile, []byte(localURL(ln.Addr())+"\n"), 0o644); err != nil {
		log.Warn("cannot note the server's address for search and stats", "err", err)
	}
	defer os.Remove(addrFile)
	srv, done := server.Serve(ln, handler, server.DefaultLimits)
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
	b, err := bleve.Open(*dir, bleve.Options{AnySchema: true})
	if err != nil {
		return err
	}
	n, _ := b.Stats(ctx)
	bar := newProgress("reindex", "articles", int(n.Articles), stderr, !*asJSON && isTerminal(stderr))
	next, st, err := bleve.Rebuild(ctx, b, func(done int) { bar.set(done, "rebuilding") })
	bar.finish()
	b.Close()
	if err != nil {
		return err
	}
	defer next.Close()
	if st.CanonicalOnly {
		fmt.Fprintf(stderr, "tracuu reindex: note: %s\n", st.Note)
	}
	if err := bleve.RemoveVersion(*dir, st.From); err != nil {
		fmt.Fprintf(stderr, "tracuu reindex: the old version stays at %s: %v\n", st.From, err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	fmt.Fprintf(stdout, "rebuilt %d articles into %s in %.1fs\n", st.Articles, st.To, st.Seconds)
	return nil
}

// serveAddrFile, in the index directory, holds the address of the server
// that has the index open.
const serveAddrFile = "serve.addr"

// localURL is the address this machine reaches a listener at.
func localURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return strings.TrimSuffix(browseURL(a), "/")
}

// runningServer returns the base URL of a `tracuu serve` that holds the
// index at dir and answers, or "".
func runningServer(ctx context.Context, dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, serveAddrFile))
	if err != nil {
		return ""
	}
	base := strings.TrimSpace(string(b))
	if _, err := url.Parse(base); err != nil || !strings.HasPrefix(base, "http://") {
		return ""
	}
	var ready map[string]string
	if err := getJSON(ctx, base+"/readyz", &ready); err != nil {
		return ""
	}
	return base
}

// getJSON decodes the JSON answer of a GET; an error answer becomes an
// error with the server's message.
func getJSON(ctx context.Context, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e server.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode == http.StatusBadRequest {
			return usageError{e.Error.Message}
		}
		return fmt.Errorf("%s: %s %s", u, resp.Status, e.Error.Message)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// openForReading opens the index at dir read-only. When a running server
// holds it, it returns the server's base URL instead; when something else
// does (an import), the error says to wait or stop it.
func openForReading(ctx context.Context, dir string) (*bleve.Bleve, string, error) {
	b, err := bleve.Open(dir, bleve.Options{ReadOnly: true})
	if err == nil {
		return b, "", nil
	}
	if base := runningServer(ctx, dir); base != "" {
		return nil, base, nil
	}
	return nil, "", err
}

// hasIndex reports whether dir holds anything, as an index directory does
// after its first open.
func hasIndex(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
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
	b, base, err := openForReading(ctx, *dir)
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

// writeJSON prints v as one line of the API's JSON (text as it is, no
// HTML escapes).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
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
	// FontEncodings names the legacy font encodings (TCVN3, VNI) the
	// page's text was converted from.
	FontEncodings []string `json:"font_encodings,omitempty"`
	Error         string   `json:"error,omitempty"`
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
		out := extracted{File: it.Name, Kind: string(extract.KindArticle), articleJSON: &articleJSON{}}
		switch {
		case it.Err != nil:
			out.Kind, out.Error = "error", it.Err.Error()
		case it.Article != nil:
			a := it.Article
			*out.articleJSON = articleJSON{ID: a.ID, URL: a.URL, Title: a.Title, Lead: a.Lead, Body: a.Body, Author: a.Author,
				Section: a.Section, Site: a.Site, Lang: a.Lang, Keywords: a.Keywords}
			if !a.Published.IsZero() {
				out.Published = &a.Published
			}
			if !a.Updated.IsZero() {
				out.Updated = &a.Updated
			}
		}
		outs = append(outs, out)
		return nil
	})
	if err != nil {
		outs = append(outs, extracted{File: name, Kind: "error", Error: err.Error(), articleJSON: &articleJSON{}})
	}
	if len(outs) == 0 {
		outs = append(outs, extracted{File: name, Kind: "error", Error: "no lines", articleJSON: &articleJSON{}})
	}
	return outs
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
	out.Kind, out.Reason, out.Charset, out.FontEncodings = string(res.Kind), res.Reason, res.Charset, res.FontEncodings
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
	if e.Published != nil {
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

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("stats", stderr)
	dir := indexFlag(fl)
	asJSON := fl.Bool("json", false, "print JSON")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	b, base, err := openForReading(ctx, *dir)
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

// removeUnfinished deletes the versions of the index a crash left behind
// (a rebuild killed midway); the caller holds the index open for writing.
func removeUnfinished(dir string, stderr io.Writer) {
	removed, err := bleve.RemoveUnfinished(dir)
	for _, p := range removed {
		fmt.Fprintf(stderr, "tracuu: removed the unfinished index version %s\n", p)
	}
	if err != nil {
		fmt.Fprintf(stderr, "tracuu: %v\n", err)
	}
}
