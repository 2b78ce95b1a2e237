package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// walkDir walks the directory name (resolved to res) in sorted order.
// parts is its path from the walked root, root's own name first.
func (w *walker) walkDir(name, res string, fi fs.FileInfo, parts []string) error {
	key := dirKey(fi, res)
	if w.visited[key] {
		return w.emitErr(name, errors.New("directory already walked (symlink loop or second link to it)"))
	}
	w.visited[key] = true
	entries, err := os.ReadDir(name)
	if err != nil && len(entries) == 0 {
		if len(parts) == 1 {
			return fmt.Errorf("source %s: %w", name, err)
		}
		return w.emitErr(name, err)
	}
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return &stopError{err}
		}
		base := e.Name()
		if hidden(base) {
			continue
		}
		child := filepath.Join(name, base)
		cparts := append(parts[:len(parts):len(parts)], base)
		if err := w.walkEntry(child, e, cparts); err != nil {
			return err
		}
	}
	if err != nil {
		// ReadDir stopped part way: what it listed was walked, say the rest is lost.
		return w.emitErr(name, err)
	}
	return nil
}

// walkEntry handles one directory entry, following symlinks.
func (w *walker) walkEntry(name string, e fs.DirEntry, parts []string) error {
	t := e.Type()
	if t&fs.ModeSymlink != 0 {
		fi, err := os.Stat(name)
		if err != nil {
			return w.emitErr(name, err) // dangling link or loop of links
		}
		res, err := w.resolve(name)
		if err != nil {
			return w.emitErr(name, err)
		}
		if fi.IsDir() {
			return w.walkDir(name, res, fi, parts)
		}
		if !fi.Mode().IsRegular() {
			return w.skipIrregular(name, fi)
		}
		return w.walkFile(name, fi, parts, false)
	}
	fi, err := e.Info()
	if err != nil {
		return w.emitErr(name, err)
	}
	if fi.IsDir() {
		abs, _ := filepath.Abs(name)
		return w.walkDir(name, abs, fi, parts)
	}
	if !fi.Mode().IsRegular() {
		return w.skipIrregular(name, fi)
	}
	return w.walkFile(name, fi, parts, false)
}

// skipIrregular reports a device, socket or FIFO that carries a page name:
// opening a FIFO would block the walk, so it is never opened.
func (w *walker) skipIrregular(name string, fi fs.FileInfo) error {
	if classify(fi.Name()) == kindUnknown || classify(fi.Name()) == kindSniff {
		return nil
	}
	return w.emitErr(name, fmt.Errorf("not a regular file (%s)", fi.Mode().Type()))
}

// walkPageFile delivers one page file, gunzipping .html.gz, sniffing
// extension-less files.
func (w *walker) walkPageFile(name string, fi fs.FileInfo, parts []string, k kind, top bool) error {
	it := Item{Name: name, ModTime: fi.ModTime(), URL: mirrorURL(pageParts(parts, k))}
	if k != kindPageGz && fi.Size() > w.opts.MaxItemBytes {
		if k == kindSniff && !top {
			return nil // a big extension-less file is most likely not a page
		}
		it.Err = fmt.Errorf("%s: %w: %d bytes, limit %d", name, ErrTooLarge, fi.Size(), w.opts.MaxItemBytes)
		return w.emit(it)
	}
	body, err := w.readPage(name, k == kindPageGz, k == kindSniff)
	if errors.Is(err, errNotHTML) {
		if top {
			return fmt.Errorf("source %s: %w", name, ErrUnknownFormat)
		}
		return nil
	}
	if err != nil {
		if top {
			return fmt.Errorf("source %s: %w", name, err)
		}
		it.Err = fmt.Errorf("%s: %w", name, err)
		return w.emit(it)
	}
	it.Body = body
	return w.emit(it)
}

// readPage reads a whole page file, at most MaxItemBytes of it (after
// decompression for .gz); with sniff, only if it starts like HTML.
func (w *walker) readPage(name string, gz, sniff bool) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	return readSniffed(r, w.opts.MaxItemBytes, sniff)
}

// errNotHTML is the result of sniffing a file that does not look like a page.
var errNotHTML = errors.New("does not look like HTML")

// readSniffed reads a page with readLimited; with sniff, it first checks
// that the start looks like HTML, so that big files without an extension
// are not read whole only to be dropped.
func readSniffed(r io.Reader, max int64, sniff bool) ([]byte, error) {
	if sniff {
		br := bufio.NewReaderSize(r, sniffLen)
		head, err := br.Peek(sniffLen)
		if err != nil && err != io.EOF {
			return nil, err
		}
		if !looksHTML(head) {
			return nil, errNotHTML
		}
		r = br
	}
	return readLimited(r, max)
}

// readLimited reads all of r, failing with ErrTooLarge past max bytes
// without holding more than max+1 of them.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}

// sniffLen is how much of a file looksHTML needs.
const sniffLen = 1024

// looksHTML sniffs the start of a file without an extension.
func looksHTML(b []byte) bool {
	if len(b) > sniffLen {
		b = b[:sniffLen]
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n\f")
	if strings.HasPrefix(http.DetectContentType(b), "text/html") {
		return true
	}
	// XHTML starts with an XML declaration; DetectContentType calls that XML.
	return bytes.Contains(bytes.ToLower(b), []byte("<html"))
}

// mirrorURL maps the path of a page in a wget or HTTrack mirror to its URL.
// parts is the path from the walked directory, that directory's own name
// first, the file name last. The host is the first of the first four
// directory names that looks like a host name; a "http" or "https" folder
// just above it (wget --protocol-directories) gives the scheme, otherwise
// the URL gets https, which nearly every news site serves today. An
// "index.html" file stands for its directory's URL. Returns "" when no
// host is found.
func mirrorURL(parts []string) string {
	if len(parts) < 2 {
		return ""
	}
	dirs := parts[:len(parts)-1]
	for i := 0; i < len(dirs) && i < 4; i++ {
		if !looksLikeHost(dirs[i]) {
			continue
		}
		scheme := "https"
		if i > 0 && (dirs[i-1] == "http" || dirs[i-1] == "https") {
			scheme = dirs[i-1]
		}
		return buildURL(scheme, dirs[i], parts[i+1:])
	}
	return ""
}

// pageParts drops the ".gz" of a gzipped page from the path that becomes
// its URL: the site served "a.html", the archivist compressed it.
func pageParts(parts []string, k kind) []string {
	if k != kindPageGz || len(parts) == 0 {
		return parts
	}
	last := parts[len(parts)-1]
	return append(parts[:len(parts)-1:len(parts)-1], last[:len(last)-len(".gz")])
}

// buildURL joins a host and the path below it into a URL.
func buildURL(scheme, host string, rest []string) string {
	host = strings.Replace(host, "+", ":", 1) // wget on Windows spells host:port as host+port
	p := strings.Join(rest, "/")
	query := ""
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p, query = p[:i], p[i+1:]
		// wget -E (--adjust-extension) saves "list.php?page=2" as
		// "list.php?page=2.html"; a query that really ends in ".html" is rarer.
		query = strings.TrimSuffix(query, ".html")
	}
	last := p[strings.LastIndexByte(p, '/')+1:]
	if query == "" && (strings.EqualFold(last, "index.html") || strings.EqualFold(last, "index.htm")) {
		p = p[:len(p)-len(last)]
	}
	u := url.URL{Scheme: scheme, Host: strings.ToLower(host), Path: "/" + p, RawQuery: query}
	return u.String()
}

// notTLDs are last labels of directory names that end like a host name but
// are file or folder suffixes.
var notTLDs = map[string]bool{
	"html": true, "htm": true, "php": true, "asp": true, "aspx": true, "jsp": true, "shtml": true,
	"old": true, "bak": true, "orig": true, "tmp": true, "new": true, "backup": true, "copy": true,
	"save": true, "saved": true, "files": true, "dir": true, "git": true, "svn": true, "d": true,
	"tar": true, "gz": true, "tgz": true, "zip": true, "warc": true, "jsonl": true, "json": true,
	"txt": true, "xml": true, "css": true, "js": true, "png": true, "jpg": true, "gif": true,
}

// looksLikeHost reports whether a directory name is a DNS name with a
// letters-only top-level label (vnexpress.net, www.thuathienhue.gov.vn), an
// IPv4 address, either with an optional port.
func looksLikeHost(s string) bool {
	host := s
	if i := strings.LastIndexAny(s, ":+"); i > 0 {
		if _, err := strconv.ParseUint(s[i+1:], 10, 16); err != nil {
			return false
		}
		host = s[:i]
	}
	if len(host) > 253 || !strings.Contains(host, ".") {
		return false
	}
	labels := strings.Split(host, ".")
	if isIPv4(labels) {
		return true
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if len(tld) < 2 || notTLDs[tld] {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return true
}

func isIPv4(labels []string) bool {
	if len(labels) != 4 {
		return false
	}
	for _, l := range labels {
		if n, err := strconv.Atoi(l); err != nil || n < 0 || n > 255 || len(l) > 3 {
			return false
		}
	}
	return true
}
