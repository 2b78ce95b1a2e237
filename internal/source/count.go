package source

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// countSample is how much of a JSONL file (compressed bytes for .gz) Count
// reads before it extrapolates from the file size.
const countSample = 8 << 20

func (w *walker) countTop(path string) (int, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	if _, err := w.resolve(path); err != nil {
		return 0, false
	}
	if fi.IsDir() {
		abs, _ := filepath.Abs(path)
		return w.countDir(path, abs, fi)
	}
	return w.countFile(path, fi, true)
}

// countDir counts the way walkDir walks, without opening pages.
func (w *walker) countDir(name, res string, fi fs.FileInfo) (int, bool) {
	key := dirKey(fi, res)
	if w.visited[key] {
		return 0, true
	}
	w.visited[key] = true
	entries, _ := os.ReadDir(name)
	n, ok := 0, true
	for _, e := range entries {
		if w.ctx.Err() != nil {
			return n, false
		}
		if hidden(e.Name()) {
			continue
		}
		child := filepath.Join(name, e.Name())
		cfi, err := os.Stat(child)
		if err != nil {
			continue
		}
		cres, _ := filepath.Abs(child)
		if e.Type()&fs.ModeSymlink != 0 {
			if cres, err = w.resolve(child); err != nil {
				continue
			}
		}
		var c int
		var cok bool
		switch {
		case cfi.IsDir():
			c, cok = w.countDir(child, cres, cfi)
		case cfi.Mode().IsRegular():
			c, cok = w.countFile(child, cfi, false)
		default:
			continue
		}
		n += c
		ok = ok && cok
	}
	return n, ok
}

// countFile estimates the items of one file; containers whose count would
// need a full read (tar.gz, WARC) are unknown.
func (w *walker) countFile(name string, fi fs.FileInfo, top bool) (int, bool) {
	switch classify(fi.Name()) {
	case kindPage, kindPageGz, kindSniff:
		return 1, true
	case kindJSONL:
		return countLines(name, fi.Size(), false)
	case kindJSONLGz:
		return countLines(name, fi.Size(), true)
	case kindZip:
		return countZip(name, fi.Size())
	case kindTar:
		return countTar(name)
	case kindUnknown:
		if top {
			return 1, true // Walk sniffs a file named directly
		}
		return 0, true
	}
	return 0, false
}

// countLines counts the lines of a JSONL file, or estimates them from the
// first countSample bytes and the file size.
func countLines(name string, size int64, gz bool) (int, bool) {
	f, err := os.Open(name)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	cr := &countReader{r: f}
	var r io.Reader = cr
	if gz {
		zr, err := gzip.NewReader(bufio.NewReaderSize(cr, 64<<10))
		if err != nil {
			return 0, false
		}
		r = zr
	}
	buf := make([]byte, 256<<10)
	lines, last := 0, byte('\n')
	for cr.n < countSample {
		n, err := r.Read(buf)
		if n > 0 {
			lines += bytes.Count(buf[:n], []byte{'\n'})
			last = buf[n-1]
		}
		if err == io.EOF {
			if last != '\n' {
				lines++
			}
			return lines, true
		}
		if err != nil {
			return 0, false
		}
	}
	return int(float64(lines) * float64(size) / float64(cr.n)), true
}

// countZip counts the page entries listed in a zip's central directory.
func countZip(name string, size int64) (int, bool) {
	f, err := os.Open(name)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	zr, err := zip.NewReader(f, size)
	if err != nil && zr == nil {
		return 0, false
	}
	n := 0
	for _, zf := range zr.File {
		if zf.Mode().IsRegular() && isPageEntry(zf.Name) {
			n++
		}
	}
	return n, true
}

// countTar reads only the headers of a plain tar: archive/tar seeks over
// the contents of an *os.File.
func countTar(name string) (int, bool) {
	f, err := os.Open(name)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	tr := tar.NewReader(f)
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return n, true
		}
		if err != nil {
			return n, false
		}
		if (hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeGNUSparse) && isPageEntry(hdr.Name) {
			n++
		}
	}
}

// isPageEntry reports whether an archive entry would be read as a page.
func isPageEntry(name string) bool {
	clean, ok := safeEntryName(name)
	if !ok {
		return false
	}
	parts := strings.Split(clean, "/")
	for _, p := range parts {
		if hidden(p) {
			return false
		}
	}
	switch classify(parts[len(parts)-1]) {
	case kindPage, kindPageGz, kindSniff:
		return true
	}
	return false
}
