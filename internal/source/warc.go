package source

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// WARC limits: a record header bigger than this is malformed, not large.
const (
	maxWARCLine       = 64 << 10
	maxWARCHeader     = 1 << 20
	maxHTTPHeaderSize = 1 << 20
)

// errMalformed marks a record whose framing is broken; the reader then
// looks for the next record.
var errMalformed = errors.New("malformed WARC record")

// warcRecord is a parsed WARC record header.
type warcRecord struct {
	fields map[string]string // lower-case field names; repeated fields keep the first
	length int64
}

// walkWARCFile reads a WARC/1.0 or 1.1 file, plain or gzipped (one gzip
// member per record as the standard recommends, or any other split of the
// stream into members).
func (w *walker) walkWARCFile(name string, gz bool) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	fileCount := &countReader{r: f}
	raw := bufio.NewReaderSize(fileCount, 64<<10)
	var stream io.Reader = raw
	var members *memberReader
	if gz {
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", name, err)
		}
		zr.Multistream(false)
		members = &memberReader{raw: raw, file: fileCount, zr: zr, members: []member{{}}}
		stream = &totalLimiter{r: members, max: w.opts.MaxTotalBytes}
	}
	wr := &warcReader{w: w, name: name, members: members}
	wr.dec = &countReader{r: stream}
	wr.br = bufio.NewReaderSize(wr.dec, 64<<10)
	wr.hbr = bufio.NewReaderSize(nil, 16<<10)
	return wr.run()
}

// warcReader walks the records of one WARC file.
type warcReader struct {
	w       *walker
	name    string
	members *memberReader // nil for a plain file
	dec     *countReader  // the record stream, decompressed
	br      *bufio.Reader // over dec
	hbr     *bufio.Reader // reused for each HTTP message
}

// pos is the offset in the record stream of the next byte br returns.
func (r *warcReader) pos() int64 { return r.dec.n - int64(r.br.Buffered()) }

// where names the record starting at stream offset off: the byte offset in
// a plain file; in a gzipped one the file offset of the gzip member it
// starts, plus "+N" when it starts N bytes into the member's content.
func (r *warcReader) where(off int64) string {
	if r.members == nil {
		return r.name + "#" + strconv.FormatInt(off, 10)
	}
	ms := r.members.members
	i := len(ms) - 1
	for i > 0 && ms[i].dec > off {
		i--
	}
	r.members.members = ms[i:] // earlier members are behind us
	m := ms[i]
	if m.dec == off {
		return r.name + "#" + strconv.FormatInt(m.comp, 10)
	}
	return r.name + "#" + strconv.FormatInt(m.comp, 10) + "+" + strconv.FormatInt(off-m.dec, 10)
}

func (r *warcReader) run() error {
	first := true
	resync := false
	for {
		if err := r.w.ctx.Err(); err != nil {
			return &stopError{err}
		}
		start, err := r.findVersion(resync)
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, errMalformed) {
			return r.w.emitErr(r.where(start), fmt.Errorf("reading the WARC stream: %w", err))
		}
		if err != nil {
			if first {
				return fmt.Errorf("%s: not a WARC file: %w", r.name, err)
			}
			if err := r.w.emitErr(r.where(start), err); err != nil {
				return err
			}
			resync = true
			continue
		}
		first, resync = false, false
		rec, err := r.readFields()
		if err != nil {
			if !errors.Is(err, errMalformed) {
				return r.w.emitErr(r.where(start), fmt.Errorf("reading the WARC stream: %w", err))
			}
			if err := r.w.emitErr(r.where(start), err); err != nil {
				return err
			}
			resync = true
			continue
		}
		it, err := r.readBlock(rec, start)
		if err != nil {
			// The stream itself failed (truncated file, corrupt gzip): nothing after can be trusted.
			return r.w.emitErr(r.where(start), err)
		}
		if err := r.readTerminator(); err != nil {
			if !errors.Is(err, errMalformed) {
				return r.w.emitErr(r.where(start), fmt.Errorf("reading the WARC stream: %w", err))
			}
			// A wrong Content-Length: the block read is not the record's block.
			if err := r.w.emitErr(r.where(start), err); err != nil {
				return err
			}
			resync = true
			continue
		}
		if it != nil {
			if err := r.w.emit(*it); err != nil {
				return err
			}
		}
	}
}

// findVersion reads up to and including the "WARC/1.x" line that starts the
// next record and returns its offset. Blank lines before it are skipped.
// With resync, any other line is skipped too; without, it is errMalformed.
// io.EOF means a clean end.
func (r *warcReader) findVersion(resync bool) (int64, error) {
	for {
		start := r.pos()
		line, err := r.readLine()
		if err == io.EOF && len(line) == 0 {
			return start, io.EOF
		}
		if err != nil && !errors.Is(err, errMalformed) && err != io.EOF {
			return start, err
		}
		s := string(trimEOL(line))
		switch {
		case err == nil && (s == "WARC/1.0" || s == "WARC/1.1"):
			return start, nil
		case err == nil && s == "":
			continue
		case err == io.EOF && !resync:
			return start, fmt.Errorf("%w: file ends inside a record", io.ErrUnexpectedEOF)
		case err == io.EOF:
			return start, io.EOF
		case !resync:
			return start, fmt.Errorf("%w: expected WARC/1.0 or WARC/1.1, found %.40q", errMalformed, s)
		}
	}
}

// readLine returns the next line with its ending. A line longer than
// maxWARCLine is discarded and reported as errMalformed.
func (r *warcReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	for err == bufio.ErrBufferFull {
		_, err = r.br.ReadSlice('\n')
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	return []byte("…"), fmt.Errorf("%w: line longer than %d bytes", errMalformed, maxWARCLine)
}

// readFields reads the named fields after the version line, up to the
// blank line, and checks Content-Length.
func (r *warcReader) readFields() (*warcRecord, error) {
	rec := &warcRecord{fields: map[string]string{}}
	last := ""
	total := 0
	for {
		line, err := r.readLine()
		if err == io.EOF {
			return nil, fmt.Errorf("%w: file ends inside a record header", io.ErrUnexpectedEOF)
		}
		if err != nil {
			return nil, err
		}
		total += len(line)
		if total > maxWARCHeader {
			return nil, fmt.Errorf("%w: header longer than %d bytes", errMalformed, maxWARCHeader)
		}
		s := string(trimEOL(line))
		if s == "" {
			break
		}
		if s[0] == ' ' || s[0] == '\t' {
			if last == "" {
				return nil, fmt.Errorf("%w: continuation line before any field", errMalformed)
			}
			rec.fields[last] += " " + strings.TrimSpace(s)
			continue
		}
		k, v, ok := strings.Cut(s, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("%w: bad header line %.60q", errMalformed, s)
		}
		last = strings.ToLower(k)
		if _, dup := rec.fields[last]; !dup {
			rec.fields[last] = strings.TrimSpace(v)
		}
	}
	cl, ok := rec.fields["content-length"]
	if !ok {
		return nil, fmt.Errorf("%w: no Content-Length", errMalformed)
	}
	n, err := strconv.ParseInt(cl, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%w: bad Content-Length %q", errMalformed, cl)
	}
	rec.length = n
	return rec, nil
}

// readTerminator consumes the CRLF CRLF that ends every record (LF LF from
// writers that forget the CRs).
func (r *warcReader) readTerminator() error {
	b, err := r.br.Peek(4)
	switch {
	case bytes.Equal(b, []byte("\r\n\r\n")):
		_, err = r.br.Discard(4)
		return err
	case bytes.HasPrefix(b, []byte("\n\n")):
		_, err = r.br.Discard(2)
		return err
	case err != nil && err != io.EOF:
		return err
	}
	return fmt.Errorf("%w: block not followed by CRLF CRLF (wrong Content-Length?)", errMalformed)
}

// readBlock consumes the record's block. It returns an Item for an HTML
// page, an Item with Err for a response that cannot be used, nil for
// records that are not pages. An error means the stream itself failed.
func (r *warcReader) readBlock(rec *warcRecord, start int64) (*Item, error) {
	block := &io.LimitedReader{R: r.br, N: rec.length}
	it := r.page(rec, block, start)
	if _, err := io.Copy(io.Discard, block); err != nil {
		return nil, err
	}
	if block.N > 0 {
		return nil, fmt.Errorf("%w: block ends %d bytes short of its Content-Length %d", io.ErrUnexpectedEOF, block.N, rec.length)
	}
	return it, nil
}

// page decodes an HTTP response record. Everything it does not read of the
// block is discarded by the caller.
func (r *warcReader) page(rec *warcRecord, block io.Reader, start int64) *Item {
	if !strings.EqualFold(rec.fields["warc-type"], "response") {
		return nil
	}
	mt, params, err := mime.ParseMediaType(rec.fields["content-type"])
	if err != nil || mt != "application/http" {
		return nil
	}
	if m := params["msgtype"]; m != "" && !strings.EqualFold(m, "response") {
		return nil
	}
	it := &Item{Name: r.where(start), URL: strings.Trim(rec.fields["warc-target-uri"], "<>")}
	if d, ok := rec.fields["warc-date"]; ok {
		it.ModTime, _ = time.Parse(time.RFC3339Nano, d)
	}
	fail := func(err error) *Item {
		it.Err = fmt.Errorf("%s: %w", it.Name, err)
		return it
	}
	// Bound the HTTP header: ReadResponse itself has no limit.
	capped := &headerCap{r: block, budget: maxHTTPHeaderSize}
	r.hbr.Reset(capped)
	hr := r.hbr
	if b, _ := r.hbr.Peek(7); string(b) == "HTTP/2 " || string(b) == "HTTP/3 " {
		// Crawlers driving browsers record HTTP/2 responses as "HTTP/2 200",
		// a version net/http only parses as "HTTP/2.0".
		version := string(b[:6]) + ".0"
		r.hbr.Discard(6)
		hr = bufio.NewReader(io.MultiReader(strings.NewReader(version), r.hbr))
	}
	resp, err := http.ReadResponse(hr, nil)
	if err != nil {
		return fail(fmt.Errorf("HTTP response: %w", err))
	}
	capped.budget = -1
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	ct := resp.Header.Get("Content-Type")
	if ct != "" && !isHTMLType(ct) {
		return nil
	}
	var body io.Reader = resp.Body
	switch ce := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); ce {
	case "", "identity", "none":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return fail(fmt.Errorf("Content-Encoding gzip: %w", err))
		}
		body = zr
	case "deflate":
		body = inflate(body)
	default:
		return fail(fmt.Errorf("unsupported Content-Encoding %q", ce))
	}
	b, err := readLimited(body, r.w.opts.MaxItemBytes)
	if err != nil {
		return fail(fmt.Errorf("HTTP body: %w", err))
	}
	if ct == "" && !looksHTML(b) {
		return nil
	}
	if resp.Header.Get("Content-Encoding") != "" {
		// The body is decoded now; as net/http's Transport does, drop the
		// headers that described the encoded form.
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
	}
	it.Header = resp.Header
	it.Body = b
	return it
}

// isHTMLType reports whether a Content-Type value is an HTML page.
func isHTMLType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		// Servers send things like "text/html;;charset=utf-8"; judge by the type alone.
		mt = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// inflate decodes HTTP "deflate", which should be zlib-wrapped but is raw
// DEFLATE from some servers.
func inflate(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if h, err := br.Peek(2); err == nil && (uint(h[0])<<8|uint(h[1]))%31 == 0 && h[0]&0x0f == 8 {
		if zr, err := zlib.NewReader(br); err == nil {
			return zr
		}
	}
	return flate.NewReader(br)
}

// headerCap fails reads once budget bytes have been read, while budget is
// not negative: it keeps a giant HTTP header out of memory.
type headerCap struct {
	r      io.Reader
	budget int64
}

func (h *headerCap) Read(p []byte) (int, error) {
	if h.budget < 0 {
		return h.r.Read(p)
	}
	if h.budget == 0 {
		return 0, fmt.Errorf("HTTP header longer than %d bytes", maxHTTPHeaderSize)
	}
	if int64(len(p)) > h.budget {
		p = p[:h.budget]
	}
	n, err := h.r.Read(p)
	h.budget -= int64(n)
	return n, err
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// member is where one gzip member starts: in the decompressed stream and in
// the file.
type member struct{ dec, comp int64 }

// memberReader decompresses a multi-member gzip file as one stream while
// noting where each member starts, so that records can be named by the
// file offset tools like CDX indexes use.
type memberReader struct {
	raw     *bufio.Reader // the file; a ByteReader, so flate never reads past a member
	file    *countReader  // under raw
	zr      *gzip.Reader
	dec     int64
	members []member
	err     error
}

func (m *memberReader) Read(p []byte) (int, error) {
	for {
		if m.err != nil {
			return 0, m.err
		}
		n, err := m.zr.Read(p)
		m.dec += int64(n)
		if err == io.EOF {
			m.next()
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			m.err = fmt.Errorf("gzip member at file offset %d: %w", m.members[len(m.members)-1].comp, err)
		}
		return n, err
	}
}

// next moves to the member after the one that just ended, if any.
func (m *memberReader) next() {
	if _, err := m.raw.Peek(1); err != nil {
		m.err = err // io.EOF: the end of the file
		return
	}
	off := m.file.n - int64(m.raw.Buffered())
	// Noted before the header is read, so that a bad member is named by its own offset.
	m.members = append(m.members, member{dec: m.dec, comp: off})
	if err := m.zr.Reset(m.raw); err != nil {
		m.err = fmt.Errorf("gzip member at file offset %d: %w", off, err)
		return
	}
	m.zr.Multistream(false)
}
