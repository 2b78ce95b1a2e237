package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracuu/tracuu/internal/article"
)

// Item is one page or one pre-extracted article found in a source.
type Item struct {
	Name    string           // where it came from, for reports: "dir/a/b.html", "crawl.tar.gz!/a/b.html", "x.warc.gz#1234" (record offset), "x.jsonl:17" (line)
	URL     string           // the page's URL when the source knows it (WARC-Target-URI; mirror layout host/path; JSONL "url")
	Header  http.Header      // HTTP response headers (WARC), else nil
	Body    []byte           // raw page bytes (HTML sources); nil for JSONL
	Article *article.Article // set for JSONL lines (pre-extracted articles)
	ModTime time.Time        // file mtime / WARC-Date when known
	Err     error            // set when this one item is unusable: it is reported and skipped, the walk goes on
}

// Options bounds what a walk may read.
type Options struct {
	MaxItemBytes  int64    // largest page/line accepted (default 32 MiB); bigger → Item.Err, skipped
	MaxTotalBytes int64    // decompressed bytes one archive may expand to (default 8 GiB): zip-bomb guard
	Roots         []string // when non-empty, paths (after resolving symlinks) must stay under one of these
}

// Default limits, used when the Options fields are zero or negative.
const (
	DefaultMaxItemBytes  = 32 << 20
	DefaultMaxTotalBytes = 8 << 30
)

// ErrUnknownFormat is returned by Walk for a file whose name (or, without an
// extension, content) matches none of the supported formats.
var ErrUnknownFormat = errors.New("unknown source format")

// ErrTooLarge is wrapped by Item.Err for a page or line bigger than
// Options.MaxItemBytes, and for an archive that expands past MaxTotalBytes.
var ErrTooLarge = errors.New("too large")

// ErrUnsafePath is wrapped by Item.Err for an archive entry whose name is
// absolute or climbs out of the archive with "..".
var ErrUnsafePath = errors.New("unsafe path")

// ErrOutsideRoots is wrapped by the error (or Item.Err) for a path that
// resolves, after symlinks, outside Options.Roots.
var ErrOutsideRoots = errors.New("outside the allowed roots")

// Walk reads every item of the source at path (a directory, a single page file, .gz of a page, .tar, .tar.gz/.tgz, .zip,
// .warc, .warc.gz, .jsonl, .jsonl.gz) and calls fn for each, in a deterministic order (sorted names within a dir).
// It returns an error only when the source as a whole cannot be read (does not exist, unknown format, ctx cancelled,
// fn returned an error); per-item problems go to Item.Err and the walk continues. The error for a missing path names it.
func Walk(ctx context.Context, path string, opts Options, fn func(Item) error) error {
	w, err := newWalker(ctx, opts, fn)
	if err != nil {
		return err
	}
	err = w.walkTop(path)
	var s *stopError
	if errors.As(err, &s) {
		return s.err
	}
	return err
}

// Count returns a quick estimate of the number of items (files in a dir / entries / lines) for progress bars; ok=false if unknown cheaply.
func Count(ctx context.Context, path string, opts Options) (n int, ok bool) {
	w, err := newWalker(ctx, opts, func(Item) error { return nil })
	if err != nil {
		return 0, false
	}
	return w.countTop(path)
}

// stopError carries an error that must end the whole walk (fn failed or
// ctx was cancelled) through the layers that otherwise turn a failing
// nested source into an Item.Err.
type stopError struct{ err error }

func (s *stopError) Error() string { return s.err.Error() }
func (s *stopError) Unwrap() error { return s.err }

func isStop(err error) bool {
	var s *stopError
	return errors.As(err, &s)
}

// walker holds the state of one Walk call.
type walker struct {
	ctx     context.Context
	opts    Options
	roots   []string // resolved, absolute
	fn      func(Item) error
	visited map[string]bool // directories entered (dirKey), against symlink loops
}

func newWalker(ctx context.Context, opts Options, fn func(Item) error) (*walker, error) {
	if opts.MaxItemBytes <= 0 {
		opts.MaxItemBytes = DefaultMaxItemBytes
	}
	if opts.MaxTotalBytes <= 0 {
		opts.MaxTotalBytes = DefaultMaxTotalBytes
	}
	w := &walker{ctx: ctx, opts: opts, fn: fn, visited: map[string]bool{}}
	for _, r := range opts.Roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			return nil, fmt.Errorf("source root %s: %w", r, err)
		}
		// A root that does not exist cannot contain anything; keep its
		// cleaned form so that the check still refuses everything else.
		if res, err := filepath.EvalSymlinks(abs); err == nil {
			abs = res
		}
		w.roots = append(w.roots, abs)
	}
	return w, nil
}

// emit checks for cancellation, then hands it to fn. Both kinds of failure
// end the walk.
func (w *walker) emit(it Item) error {
	if err := w.ctx.Err(); err != nil {
		return &stopError{err}
	}
	if err := w.fn(it); err != nil {
		return &stopError{err}
	}
	return nil
}

// emitErr reports one unusable item, its error naming it.
func (w *walker) emitErr(name string, err error) error {
	return w.emit(Item{Name: name, Err: fmt.Errorf("%s: %w", name, err)})
}

// checkRoots reports whether the resolved absolute path p lies under one of
// the roots (always true when no roots are set).
func (w *walker) checkRoots(p string) error {
	if len(w.roots) == 0 {
		return nil
	}
	for _, r := range w.roots {
		if rel, err := filepath.Rel(r, p); err == nil && filepath.IsLocal(rel) || p == r {
			return nil
		}
	}
	return ErrOutsideRoots
}

// resolve returns the absolute, symlink-free form of p and checks it
// against the roots.
func (w *walker) resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	res, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	if err := w.checkRoots(res); err != nil {
		return "", err
	}
	return res, nil
}

// walkTop reads the source named by the caller. Failures here concern the
// source as a whole and are returned.
func (w *walker) walkTop(path string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("source %s: %w", path, err)
	}
	res, err := w.resolve(path)
	if err != nil {
		return fmt.Errorf("source %s: %w", path, err)
	}
	if fi.IsDir() {
		abs, _ := filepath.Abs(path)
		base := filepath.Base(abs)
		return w.walkDir(path, res, fi, []string{base})
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("source %s: not a regular file or directory", path)
	}
	return w.walkFile(path, fi, nil, true)
}

// walkFile reads one file: a page, a compressed page, or a container
// (archive, WARC, JSONL). parts is its path relative to the walked
// directory, with that directory's own name first, for mirror URLs; nil for
// a file named directly. With top set, failures of the file as a whole are
// returned instead of reported as an item.
func (w *walker) walkFile(name string, fi fs.FileInfo, parts []string, top bool) error {
	k := classify(fi.Name())
	if k == kindUnknown && top {
		// A file named directly is read if it looks like HTML, whatever its
		// name; inside a directory only extension-less files are sniffed.
		k = kindSniff
	}
	var err error
	switch k {
	case kindPage, kindPageGz, kindSniff:
		return w.walkPageFile(name, fi, parts, k, top)
	case kindJSONL, kindJSONLGz:
		err = w.walkJSONLFile(name, fi, k == kindJSONLGz)
	case kindWARC, kindWARCGz:
		err = w.walkWARCFile(name, k == kindWARCGz)
	case kindTar, kindTarGz:
		err = w.walkTarFile(name, k == kindTarGz)
	case kindZip:
		err = w.walkZipFile(name, fi)
	default:
		if top {
			return fmt.Errorf("source %s: %w", name, ErrUnknownFormat)
		}
		return nil // images, styles, scripts, anything else: not pages
	}
	if err == nil || isStop(err) || top {
		return err
	}
	// A container inside a directory that cannot be read is one bad item.
	return w.emit(Item{Name: name, ModTime: fi.ModTime(), Err: err})
}

// kind is what a file name says about its content.
type kind int

const (
	kindUnknown kind = iota
	kindSniff        // no extension: a page if it looks like HTML
	kindPage
	kindPageGz
	kindJSONL
	kindJSONLGz
	kindWARC
	kindWARCGz
	kindTar
	kindTarGz
	kindZip
)

// pageExts are the extensions of saved web pages.
var pageExts = map[string]bool{
	".html": true, ".htm": true, ".shtml": true, ".xhtml": true, ".aspx": true,
	".php": true, ".asp": true, ".jsp": true,
}

// classify maps a file's base name to a kind. wget saves query pages as
// "list.php?page=2", so the query part is ignored.
func classify(base string) kind {
	lower := strings.ToLower(base)
	if i := strings.IndexByte(lower, '?'); i > 0 {
		// "a.php?x=1" is a page whatever follows; a name ending in a
		// container extension after the query is not likely, ignore it.
		if k := classify(lower[:i]); k == kindPage || k == kindSniff {
			return k
		}
	}
	switch {
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"):
		return kindJSONL
	case strings.HasSuffix(lower, ".jsonl.gz"), strings.HasSuffix(lower, ".ndjson.gz"):
		return kindJSONLGz
	case strings.HasSuffix(lower, ".warc"):
		return kindWARC
	case strings.HasSuffix(lower, ".warc.gz"):
		return kindWARCGz
	case strings.HasSuffix(lower, ".tar"):
		return kindTar
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		return kindTarGz
	case strings.HasSuffix(lower, ".zip"):
		return kindZip
	}
	ext := filepath.Ext(lower)
	if pageExts[ext] {
		return kindPage
	}
	if ext == ".gz" && pageExts[filepath.Ext(strings.TrimSuffix(lower, ext))] {
		return kindPageGz
	}
	if ext == "" {
		return kindSniff
	}
	return kindUnknown
}

// hidden reports whether a name is one a walk skips silently: dot files and
// folders, and the resource forks macOS puts into zips.
func hidden(base string) bool {
	return strings.HasPrefix(base, ".") || base == "__MACOSX" || base == "hts-cache"
}
