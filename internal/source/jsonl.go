package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/tracuu/tracuu/internal/article"
)

// walkJSONLFile reads a JSONL (or gzipped JSONL) file of articles, one per line.
func (w *walker) walkJSONLFile(name string, fi fs.FileInfo, gz bool) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 64<<10))
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		r = &totalLimiter{r: zr, max: w.opts.MaxTotalBytes}
	}
	return w.readJSONL(name, r, fi.ModTime())
}

// readJSONL delivers one Item per non-empty line of r. A line longer than
// MaxItemBytes is skipped without being held in memory. A read error (a
// truncated or corrupt gzip stream) ends the file with one Item.Err.
func (w *walker) readJSONL(name string, r io.Reader, mtime time.Time) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var buf []byte
	for n := 1; ; n++ {
		if err := w.ctx.Err(); err != nil {
			return &stopError{err}
		}
		line, size, tooLong, err := readLine(br, &buf, w.opts.MaxItemBytes)
		if err != nil && err != io.EOF {
			return w.emitErr(fmt.Sprintf("%s:%d", name, n), fmt.Errorf("reading: %w", err))
		}
		if tooLong {
			if err := w.emitErr(fmt.Sprintf("%s:%d", name, n),
				fmt.Errorf("line %w: %d bytes or more, limit %d", ErrTooLarge, size, w.opts.MaxItemBytes)); err != nil {
				return err
			}
		} else if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if err := w.emit(jsonlItem(name, n, line, mtime)); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// jsonlItem decodes one line into an Item.
func jsonlItem(name string, n int, line []byte, mtime time.Time) Item {
	it := Item{Name: fmt.Sprintf("%s:%d", name, n), ModTime: mtime}
	a := new(article.Article)
	// Called directly rather than through json.Unmarshal, which would scan
	// the line once more before handing it over.
	if err := a.UnmarshalJSON(line); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			err = fmt.Errorf("not JSON: %w", err)
		}
		it.Err = fmt.Errorf("%s: %w", it.Name, err)
		return it
	}
	if err := a.Validate(); err != nil {
		it.Err = fmt.Errorf("%s: %w", it.Name, err)
		return it
	}
	it.Article = a
	it.URL = a.URL
	return it
}

// readLine returns the next line of br without its line ending. The slice
// is valid until the next call. For a line longer than max it returns nil
// and tooLong, and keeps reading only to find the line's end, so that
// memory stays bounded; size is the bytes read. At the end of the
// input it returns io.EOF, with the last line if it has no newline.
func readLine(br *bufio.Reader, buf *[]byte, max int64) (line []byte, size int64, tooLong bool, err error) {
	*buf = (*buf)[:0]
	for {
		frag, err := br.ReadSlice('\n')
		size += int64(len(frag))
		if err == bufio.ErrBufferFull {
			if !tooLong {
				if int64(len(*buf)+len(frag)) > max {
					tooLong = true
					*buf = (*buf)[:0]
				} else {
					*buf = append(*buf, frag...)
				}
			}
			continue
		}
		if err != nil && err != io.EOF {
			return nil, size, tooLong, err
		}
		if !tooLong {
			if len(*buf) > 0 {
				*buf = append(*buf, frag...)
				frag = *buf
			}
			frag = trimEOL(frag)
			if int64(len(frag)) > max {
				tooLong = true
			}
		}
		if tooLong {
			return nil, size, true, err
		}
		return frag, size, false, err
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// errTotal is the error of an archive that expands past MaxTotalBytes.
var errTotal = fmt.Errorf("archive %w", ErrTooLarge)

// totalLimiter fails a decompressed stream once it has produced more than
// max bytes: the guard against archives that expand without bound.
type totalLimiter struct {
	r   io.Reader
	n   int64
	max int64
	err error
}

func (t *totalLimiter) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if rem := t.max - t.n; int64(len(p)) > rem+1 {
		p = p[:rem+1] // one byte past the limit tells "exactly max" from "more"
	}
	n, err := t.r.Read(p)
	t.n += int64(n)
	if t.n > t.max {
		t.err = fmt.Errorf("%w: expands past %d bytes", errTotal, t.max)
		n -= int(t.n - t.max)
		t.n = t.max
		return n, t.err
	}
	return n, err
}
