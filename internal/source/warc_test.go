package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// warcRec is a record for the test writer. Raw, when set, is written
// instead of the generated header (for malformed records).
type warcRec struct {
	version, typ, uri, ctype, date string
	block                          []byte
	lengthDelta                    int // added to the true Content-Length
	raw                            string
}

// gzMode is how the test writer compresses a WARC.
type gzMode int

const (
	plain     gzMode = iota
	perRecord        // one gzip member per record, as the standard recommends
	whole            // the whole file as one member
)

func (r warcRec) bytes() []byte {
	if r.raw != "" {
		return []byte(r.raw)
	}
	var b bytes.Buffer
	v := r.version
	if v == "" {
		v = "WARC/1.0"
	}
	date := r.date
	if date == "" {
		date = "2020-07-16T06:40:00Z"
	}
	fmt.Fprintf(&b, "%s\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%x>\r\nWARC-Date: %s\r\n", v, r.typ, len(r.block)*7919, date)
	if r.uri != "" {
		fmt.Fprintf(&b, "WARC-Target-URI: %s\r\n", r.uri)
	}
	if r.ctype != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", r.ctype)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(r.block)+r.lengthDelta)
	b.Write(r.block)
	b.WriteString("\r\n\r\n")
	return b.Bytes()
}

func writeWARC(t testing.TB, recs []warcRec, mode gzMode) []byte {
	t.Helper()
	var out bytes.Buffer
	var all bytes.Buffer
	for _, r := range recs {
		if mode == perRecord {
			out.Write(gzipBytes(t, r.bytes()))
		} else {
			all.Write(r.bytes())
		}
	}
	switch mode {
	case plain:
		return all.Bytes()
	case whole:
		return gzipBytes(t, all.Bytes())
	}
	return out.Bytes()
}

// httpMsg builds an HTTP/1.1 response; headers are "Name: value" lines.
func httpMsg(status int, body []byte, headers ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	chunked := false
	for _, h := range headers {
		b.WriteString(h + "\r\n")
		chunked = chunked || strings.EqualFold(h, "Transfer-Encoding: chunked")
	}
	if !chunked {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	if !chunked {
		b.Write(body)
		return b.Bytes()
	}
	for len(body) > 0 {
		n := min(len(body), 40)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, body[:n])
		body = body[n:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

const httpResponse = "application/http; msgtype=response"

func warcSample(t testing.TB) []warcRec {
	big := append(page("big"), bytes.Repeat([]byte("<p>x</p>"), 1000)...)
	return []warcRec{
		{typ: "warcinfo", ctype: "application/warc-fields", block: []byte("software: test\r\nformat: WARC File Format 1.0\r\n")},
		{typ: "request", uri: "https://vnexpress.net/a.html", ctype: "application/http; msgtype=request", block: []byte("GET /a.html HTTP/1.1\r\nHost: vnexpress.net\r\n\r\n")},
		{typ: "response", uri: "https://vnexpress.net/a.html", ctype: httpResponse, block: httpMsg(200, page("a"), "Content-Type: text/html; charset=utf-8", "Server: test")},
		{typ: "metadata", uri: "https://vnexpress.net/a.html", ctype: "application/warc-fields", block: []byte("outlink: https://vnexpress.net/b\r\n")},
		{typ: "response", uri: "https://vnexpress.net/404", ctype: httpResponse, block: httpMsg(404, page("not found"), "Content-Type: text/html")},
		{typ: "response", uri: "https://vnexpress.net/logo.png", ctype: httpResponse, block: httpMsg(200, []byte("\x89PNG\r\n\x1a\n"), "Content-Type: image/png")},
		{version: "WARC/1.1", date: "2021-05-01T01:02:03.456789Z", typ: "response", uri: "<https://dantri.com.vn/b.htm>", ctype: "application/http;msgtype=response",
			block: httpMsg(200, gzipBytes(t, page("b chunked gzip")), "Content-Type: text/html", "Content-Encoding: gzip", "Transfer-Encoding: chunked")},
		{typ: "revisit", uri: "https://vnexpress.net/a.html", ctype: httpResponse, block: []byte("HTTP/1.1 200 OK\r\n\r\n")},
		{typ: "response", uri: "https://plo.vn/c", ctype: httpResponse, block: httpMsg(200, page("c sniffed"))},
		{typ: "response", uri: "https://plo.vn/blob", ctype: httpResponse, block: httpMsg(200, []byte{0, 1, 2, 3, 4})},
		{typ: "resource", uri: "file:///x.html", ctype: "text/html", block: page("resource")},
		{typ: "response", uri: "https://zing.vn/br", ctype: httpResponse, block: httpMsg(200, []byte("\x1b\x00"), "Content-Type: text/html", "Content-Encoding: br")},
		{typ: "response", uri: "https://zing.vn/big", ctype: httpResponse, block: httpMsg(200, big, "Content-Type: text/html")},
		{typ: "response", uri: "https://nld.com.vn/d", ctype: "application/http", block: httpMsg(200, page("d no msgtype"), "Content-Type: application/xhtml+xml")},
		{typ: "response", uri: "https://nld.com.vn/h2", ctype: httpResponse, block: bytes.Replace(httpMsg(200, page("h2"), "content-type: text/html"), []byte("HTTP/1.1 200 OK"), []byte("HTTP/2 200"), 1)},
		{typ: "response", uri: "https://nld.com.vn/garbage", ctype: httpResponse, block: []byte("this is not HTTP at all\r\n\r\n")},
		{typ: "response", uri: "dns:vnexpress.net", ctype: "text/dns", block: []byte("20200716064000\nvnexpress.net. 300 IN A 1.2.3.4\n")},
	}
}

var warcSampleWant = []summary{
	{URL: "https://vnexpress.net/a.html", Title: "a"},
	{URL: "https://dantri.com.vn/b.htm", Title: "b chunked gzip"},
	{URL: "https://plo.vn/c", Title: "c sniffed"},
	{URL: "https://zing.vn/br", Err: true},
	{URL: "https://zing.vn/big", Err: true},
	{URL: "https://nld.com.vn/d", Title: "d no msgtype"},
	{URL: "https://nld.com.vn/h2", Title: "h2"},
	{URL: "https://nld.com.vn/garbage", Err: true},
}

// recordOffset parses the "#N" or "#N+M" of an item name.
func recordOffset(t *testing.T, name string) (member, inside int64) {
	t.Helper()
	_, frag, ok := strings.Cut(name, "#")
	if !ok {
		t.Fatalf("name %q has no record offset", name)
	}
	m, in, _ := strings.Cut(frag, "+")
	member, err := strconv.ParseInt(m, 10, 64)
	if err != nil {
		t.Fatalf("name %q: %v", name, err)
	}
	if in != "" {
		inside, _ = strconv.ParseInt(in, 10, 64)
	}
	return member, inside
}

// recordAt returns the decompressed bytes at a record's named offset.
func recordAt(t *testing.T, file []byte, mode gzMode, name string) []byte {
	member, inside := recordOffset(t, name)
	if mode == plain {
		return file[member:]
	}
	zr, err := gzip.NewReader(bytes.NewReader(file[member:]))
	if err != nil {
		t.Fatalf("%s: no gzip member at %d: %v", name, member, err)
	}
	zr.Multistream(mode == whole)
	b, _ := io.ReadAll(zr)
	return b[inside:]
}

func TestWalkWARC(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		mode gzMode
	}{{"a.warc", plain}, {"a.warc.gz", perRecord}, {"whole.warc.gz", whole}} {
		t.Run(tc.name, func(t *testing.T) {
			data := writeWARC(t, warcSample(t), tc.mode)
			p := writeFile(t, dir, tc.name, data)
			items := collect(t, p, Options{MaxItemBytes: 4000})
			got := summarizeTrim(p, items)
			for i := range got {
				got[i].Name = ""
			}
			diffSummaries(t, got, warcSampleWant)
			for _, it := range items {
				if !strings.HasPrefix(string(recordAt(t, data, tc.mode, it.Name)), "WARC/1.") {
					t.Errorf("%s: offset does not point at a record", it.Name)
				}
				if it.Err != nil {
					if !strings.Contains(it.Err.Error(), it.Name) {
						t.Errorf("Err %q does not name %s", it.Err, it.Name)
					}
					continue
				}
				if it.ModTime.IsZero() || it.Header == nil {
					t.Errorf("%s: ModTime %v Header %v", it.Name, it.ModTime, it.Header)
				}
			}
			b := items[1]
			if want := time.Date(2021, 5, 1, 1, 2, 3, 456789000, time.UTC); !b.ModTime.Equal(want) {
				t.Errorf("WARC/1.1 date: %v, want %v", b.ModTime, want)
			}
			if b.Header.Get("Content-Encoding") != "" || b.Header.Get("Content-Type") != "text/html" || !bytes.Equal(b.Body, page("b chunked gzip")) {
				t.Errorf("decoded page: header %v body %q", b.Header, b.Body)
			}
			if items[0].Header.Get("Server") != "test" {
				t.Errorf("header of a.html: %v", items[0].Header)
			}
			if !errors.Is(items[4].Err, ErrTooLarge) {
				t.Errorf("big page: %v, want ErrTooLarge", items[4].Err)
			}
			if tc.mode == whole && !strings.Contains(items[0].Name, "#0+") {
				t.Errorf("record inside a single member named %q, want #0+offset", items[0].Name)
			}
		})
	}
}

func TestWalkWARCMalformed(t *testing.T) {
	ok := func(title string) warcRec {
		return warcRec{typ: "response", uri: "https://vnexpress.net/" + title, ctype: httpResponse, block: httpMsg(200, page(title), "Content-Type: text/html")}
	}
	short := ok("short length")
	short.lengthDelta = -7
	long := ok("long length")
	long.lengthDelta = 3
	for _, tc := range []struct {
		name string
		recs []warcRec
		want []summary // Name holds the expected title or "ERR"
	}{
		{"content-length too small", []warcRec{ok("p1"), short, ok("p2")}, []summary{{Title: "p1"}, {Err: true}, {Title: "p2"}}},
		{"content-length too large", []warcRec{ok("p1"), long, ok("p2"), ok("p3")}, []summary{{Title: "p1"}, {Err: true}, {Title: "p2"}, {Title: "p3"}}},
		{"no content-length", []warcRec{ok("p1"), {raw: "WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html></html>\r\n\r\n"}, ok("p2")},
			[]summary{{Title: "p1"}, {Err: true}, {Title: "p2"}}},
		{"bad header line", []warcRec{ok("p1"), {raw: "WARC/1.0\r\nthis line has no colon\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"}, ok("p2")},
			[]summary{{Title: "p1"}, {Err: true}, {Title: "p2"}}},
		{"garbage between records", []warcRec{ok("p1"), {raw: "some junk\r\nmore junk\r\n"}, ok("p2")},
			[]summary{{Title: "p1"}, {Err: true}, {Title: "p2"}}},
		{"bad version", []warcRec{ok("p1"), {raw: "WARC/2.0\r\nContent-Length: 0\r\n\r\n\r\n\r\n"}, ok("p2")},
			[]summary{{Title: "p1"}, {Err: true}, {Title: "p2"}}},
		{"header line over 64 KiB", []warcRec{ok("p1"), {raw: "WARC/1.0\r\nX-Long: " + strings.Repeat("x", 100<<10) + "\r\nContent-Length: 0\r\n\r\n\r\n\r\n"}, ok("p2")},
			[]summary{{Title: "p1"}, {Err: true}, {Title: "p2"}}},
		{"blank lines between records", []warcRec{ok("p1"), {raw: "\r\n\r\n"}, ok("p2")}, []summary{{Title: "p1"}, {Title: "p2"}}},
	} {
		for _, mode := range []gzMode{plain, perRecord} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, mode), func(t *testing.T) {
				name := "m.warc"
				if mode != plain {
					name += ".gz"
				}
				p := writeFile(t, t.TempDir(), name, writeWARC(t, tc.recs, mode))
				items := collect(t, p, Options{})
				got := summarizeTrim(p, items)
				for i := range got {
					got[i].Name, got[i].URL = "", ""
				}
				diffSummaries(t, got, tc.want)
				for _, it := range items {
					if it.Err != nil && !strings.Contains(it.Err.Error(), p+"#") {
						t.Errorf("Err %q does not name the record offset", it.Err)
					}
				}
			})
		}
	}
}

func TestWalkWARCBroken(t *testing.T) {
	recs := []warcRec{}
	for i := 0; i < 10; i++ {
		recs = append(recs, warcRec{typ: "response", uri: "https://vnexpress.net/" + strconv.Itoa(i), ctype: httpResponse,
			block: httpMsg(200, append(page("p"+strconv.Itoa(i)), bytes.Repeat([]byte("<p>filler text</p>\n"), 30)...), "Content-Type: text/html")})
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		data   func() []byte
		minOK  int
		walkOK bool
	}{
		{"truncated.warc", func() []byte { b := writeWARC(t, recs, plain); return b[:len(b)*7/10+37] }, 5, true},
		{"truncated.warc.gz", func() []byte { b := writeWARC(t, recs, perRecord); return b[:len(b)*7/10+37] }, 5, true},
		{"corrupt.warc.gz", func() []byte {
			b := writeWARC(t, recs, perRecord)
			for i := len(b) / 2; i < len(b)/2+40; i++ {
				b[i] ^= 0x5a
			}
			return b
		}, 3, true},
		{"notwarc.warc", func() []byte { return []byte("<html>this is a page, not a WARC</html>\n") }, 0, false},
		{"notgzip.warc.gz", func() []byte { return writeWARC(t, recs, plain) }, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.name, tc.data())
			items, err := walkAll(p, Options{})
			if !tc.walkOK {
				if err == nil || !strings.Contains(err.Error(), p) {
					t.Errorf("Walk = %v, want an error naming the file", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Walk = %v, want the readable items then an Item.Err", err)
			}
			good := 0
			for _, it := range items {
				if it.Err == nil {
					good++
				}
			}
			last := items[len(items)-1]
			if good < tc.minOK || good == len(recs) || last.Err == nil || !strings.Contains(last.Err.Error(), p+"#") {
				t.Errorf("%d good items, last %v; want at least %d then an error naming the offset", good, last.Err, tc.minOK)
			}
			for _, it := range items {
				t.Logf("%s %q %v", it.Name, it.URL, it.Err)
			}
		})
	}
}

// BenchmarkWARCGz measures the WARC reader on a generated per-record gzip
// file of HTML responses, in decompressed bytes per second.
func BenchmarkWARCGz(b *testing.B) {
	body := append(page("bench"), bytes.Repeat([]byte("<p>Người dân thành phố Huế chuẩn bị đón bão số 9.</p>\n"), 600)...)
	var recs []warcRec
	for i := 0; i < 1000; i++ {
		recs = append(recs,
			warcRec{typ: "request", uri: "https://vnexpress.net/" + strconv.Itoa(i), ctype: "application/http; msgtype=request", block: []byte("GET / HTTP/1.1\r\n\r\n")},
			warcRec{typ: "response", uri: "https://vnexpress.net/" + strconv.Itoa(i), ctype: httpResponse, block: httpMsg(200, body, "Content-Type: text/html; charset=utf-8")})
	}
	var size int64
	for _, r := range recs {
		size += int64(len(r.bytes()))
	}
	p := writeFile(b, b.TempDir(), "bench.warc.gz", writeWARC(b, recs, perRecord))
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := Walk(context.Background(), p, Options{}, func(it Item) error {
			if it.Err != nil {
				return it.Err
			}
			n++
			return nil
		}); err != nil || n != 1000 {
			b.Fatalf("Walk = %v after %d pages", err, n)
		}
	}
}
