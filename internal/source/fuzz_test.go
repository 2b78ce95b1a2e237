package source

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzWalk writes data under name and walks it with small limits: whatever
// the bytes, Walk must not panic, must deliver bounded items, and must
// name every item.
func fuzzWalk(t *testing.T, name string, data []byte) {
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{MaxItemBytes: 1 << 16, MaxTotalBytes: 1 << 20}
	n := 0
	err := Walk(context.Background(), p, opts, func(it Item) error {
		n++
		if it.Name == "" {
			t.Fatalf("%s: item without a name", name)
		}
		if int64(len(it.Body)) > opts.MaxItemBytes {
			t.Fatalf("%s: item %s of %d bytes over the %d limit", name, it.Name, len(it.Body), opts.MaxItemBytes)
		}
		if it.Article != nil && !utf8.ValidString(it.Article.Title+it.Article.Body) && it.Err == nil {
			// JSON decoding replaces invalid UTF-8; anything else is a bug.
			t.Fatalf("%s: article with invalid UTF-8", name)
		}
		return nil
	})
	_ = err // malformed input may fail the walk; it must not crash it
	if n > 1<<16 {
		t.Fatalf("%s: %d items from %d bytes", name, n, len(data))
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"a","title":"Tin","body":"Nội dung"}` + "\n" + `not json` + "\n"))
	f.Add([]byte(`{"title":"x","published":"2020-99-99"}`))
	f.Add([]byte("\xef\xbb\xbf{\"body\":\"\xff\xfe\"}\r\n\n"))
	f.Add([]byte(`{"title":"zqone ` + strings.Repeat("y", 20000) + `","body":"th` + strings.Repeat("x", 5000) + `"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzWalk(t, "x.jsonl", data)
		fuzzWalk(t, "x.jsonl.gz", gz(data))
	})
}

func FuzzWARC(f *testing.F) {
	page := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>Chào</p></html>"
	rec := "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.vn/x\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: " +
		itoa(len(page)) + "\r\n\r\n" + page + "\r\n\r\n"
	f.Add([]byte(rec))
	f.Add([]byte(rec + rec[:40]))
	f.Add([]byte("WARC/1.1\r\nContent-Length: 99999999999\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzWalk(t, "x.warc", data)
		fuzzWalk(t, "x.warc.gz", gz(data))
	})
}

func FuzzArchives(f *testing.F) {
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, name := range []string{"a/b.html", "../evil.html", "/abs.html"} {
		body := []byte("<html><p>x</p></html>")
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))})
		tw.Write(body)
	}
	tw.Close()
	f.Add(tb.Bytes(), true)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("a/b.html")
	w.Write(bytes.Repeat([]byte("<p>lặp lại</p>"), 500))
	zw.Close()
	f.Add(zb.Bytes(), false)
	f.Fuzz(func(t *testing.T, data []byte, isTar bool) {
		if isTar {
			fuzzWalk(t, "x.tar", data)
			fuzzWalk(t, "x.tar.gz", gz(data))
		} else {
			fuzzWalk(t, "x.zip", data)
		}
	})
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}
