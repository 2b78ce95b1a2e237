package source

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// walkTarFile streams a tar or tar.gz archive: it is never loaded whole and
// its entries are never written to disk.
func (w *walker) walkTarFile(name string, gz bool) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 64<<10)
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(&totalLimiter{r: r, max: w.opts.MaxTotalBytes})
	last := ""
	for {
		if err := w.ctx.Err(); err != nil {
			return &stopError{err}
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if last == "" {
				return fmt.Errorf("%s: not a readable tar archive: %w", name, err)
			}
			// The entries before the damage were delivered; say where it is.
			return w.emitErr(name, fmt.Errorf("archive corrupt or truncated after entry %s: %w", strconv.Quote(last), err))
		}
		last = hdr.Name
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeGNUSparse {
			continue // directories, links (never followed), devices; the reader maps legacy TypeRegA to TypeReg
		}
		err = w.archiveEntry(name, hdr.Name, hdr.Size, hdr.ModTime, func() (io.ReadCloser, error) {
			return io.NopCloser(tr), nil
		})
		if errors.Is(err, errTotal) {
			return w.emitErr(name, err)
		}
		if err != nil {
			return err
		}
	}
}

// walkZipFile reads a zip archive through its central directory.
func (w *walker) walkZipFile(name string, fi fs.FileInfo) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	zr, err := zip.NewReader(f, fi.Size())
	// ErrInsecurePath comes with a usable reader; archiveEntry refuses those names itself.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("%s: %w", name, err)
	}
	// One limiter over all entries: the archive's total is what is bounded.
	lim := &totalLimiter{max: w.opts.MaxTotalBytes}
	for _, zf := range zr.File {
		if err := w.ctx.Err(); err != nil {
			return &stopError{err}
		}
		if !zf.Mode().IsRegular() {
			continue // directories, symlinks (never followed)
		}
		size := int64(zf.UncompressedSize64)
		if zf.UncompressedSize64 > 1<<62 {
			size = 1 << 62
		}
		err := w.archiveEntry(name, zf.Name, size, zf.Modified, func() (io.ReadCloser, error) {
			rc, err := zf.Open()
			if err != nil {
				return nil, err
			}
			lim.r = rc
			return struct {
				io.Reader
				io.Closer
			}{lim, rc}, nil
		})
		if errors.Is(err, errTotal) {
			return w.emitErr(name, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// archiveEntry delivers one regular file of an archive when it is a page.
// size is what the archive claims; the read itself is bounded too, since a
// claim can lie. It returns stop errors, and errTotal when the archive as a
// whole expanded too far; everything else is reported as the entry's Item.Err.
func (w *walker) archiveEntry(arch, ename string, size int64, mtime time.Time, open func() (io.ReadCloser, error)) error {
	display := arch + "!/" + printable(ename)
	clean, ok := safeEntryName(ename)
	if !ok {
		return w.emitErr(display, fmt.Errorf("%w: entry %s refused", ErrUnsafePath, strconv.Quote(ename)))
	}
	display = arch + "!/" + clean
	parts := strings.Split(clean, "/")
	for _, p := range parts {
		if hidden(p) {
			return nil
		}
	}
	k := classify(parts[len(parts)-1])
	switch k {
	case kindPage, kindPageGz, kindSniff:
	case kindUnknown:
		return nil
	default:
		return w.emitErr(display, errors.New("archive, WARC or JSONL inside an archive: not walked"))
	}
	it := Item{Name: display, ModTime: mtime, URL: mirrorURL(pageParts(parts, k))}
	if k != kindPageGz && size > w.opts.MaxItemBytes {
		if k == kindSniff {
			return nil
		}
		it.Err = fmt.Errorf("%s: %w: %d bytes, limit %d", display, ErrTooLarge, size, w.opts.MaxItemBytes)
		return w.emit(it)
	}
	body, err := w.readEntry(open, k == kindPageGz, k == kindSniff)
	if errors.Is(err, errTotal) {
		return fmt.Errorf("%s: %w", display, err)
	}
	if errors.Is(err, errNotHTML) {
		return nil
	}
	if err != nil {
		it.Err = fmt.Errorf("%s: %w", display, err)
		return w.emit(it)
	}
	it.Body = body
	return w.emit(it)
}

func (w *walker) readEntry(open func() (io.ReadCloser, error), gz, sniff bool) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var r io.Reader = rc
	if gz {
		zr, err := gzip.NewReader(rc)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	return readSniffed(r, w.opts.MaxItemBytes, sniff)
}

// printable returns an entry name fit for a report line: quoted when it
// holds control characters (a hostile archive may try to forge lines).
func printable(n string) string {
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return strconv.Quote(n)
		}
	}
	return n
}

// safeEntryName cleans an archive entry name, refusing absolute names,
// drive letters, ".." anywhere, and NUL bytes. Backslashes count as
// separators, as some Windows zip tools write them.
func safeEntryName(n string) (string, bool) {
	if n == "" || strings.ContainsRune(n, 0) {
		return "", false
	}
	n = strings.ReplaceAll(n, `\`, "/")
	if strings.HasPrefix(n, "/") || len(n) >= 2 && n[1] == ':' {
		return "", false
	}
	for _, p := range strings.Split(n, "/") {
		if p == ".." {
			return "", false
		}
	}
	c := path.Clean(n)
	if c == "." {
		return "", false
	}
	return c, true
}
