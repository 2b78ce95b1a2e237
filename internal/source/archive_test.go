package source

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tarEntry is one member of a test archive; a zero Type is a regular file.
type tarEntry struct {
	name string
	body []byte
	typ  byte
	link string
}

func makeTar(t testing.TB, entries []tarEntry, gz bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), ModTime: time.Date(2020, 7, 16, 13, 40, 0, 0, time.UTC), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if e.typ != 0 {
			h.Typeflag, h.Size, h.Linkname = e.typ, 0, e.link
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if gz {
		return gzipBytes(t, buf.Bytes())
	}
	return buf.Bytes()
}

// hostileEntries are what a crawl archive may hold, good and bad.
func hostileEntries() []tarEntry {
	return []tarEntry{
		{name: "crawl/", typ: tar.TypeDir},
		{name: "crawl/vnexpress.net/index.html", body: page("home")},
		{name: "crawl/vnexpress.net/a/b.html.gz", body: gzipRaw(page("b"))},
		{name: "../evil.html", body: page("evil")},
		{name: "/etc/abs.html", body: page("abs")},
		{name: "ok/../../escape.html", body: page("escape")},
		{name: `..\windows.html`, body: page("win")},
		{name: "crawl/link.html", typ: tar.TypeSymlink, link: "/etc/passwd"},
		{name: "crawl/logo.png", body: []byte("\x89PNG")},
		{name: "crawl/inner.zip", body: []byte("PK\x03\x04")},
		{name: "crawl/.DS_Store.html", body: page("hidden")},
		{name: "crawl/big.html", body: append(page("big"), make([]byte, 3000)...)},
		{name: "./crawl/dantri.com.vn/tin.htm", body: page("tin")},
	}
}

var hostileWant = []summary{
	{Name: "crawl/vnexpress.net/index.html", URL: "https://vnexpress.net/", Title: "home"},
	{Name: "crawl/vnexpress.net/a/b.html.gz", URL: "https://vnexpress.net/a/b.html", Title: "b"},
	{Name: "../evil.html", Err: true},
	{Name: "/etc/abs.html", Err: true},
	{Name: "ok/../../escape.html", Err: true},
	{Name: `..\windows.html`, Err: true},
	{Name: "crawl/inner.zip", Err: true},
	{Name: "crawl/big.html", Err: true},
	{Name: "crawl/dantri.com.vn/tin.htm", URL: "https://dantri.com.vn/tin.htm", Title: "tin"},
}

// archiveSummaries strips "archive!/" from names.
func archiveSummaries(arch string, items []Item) []summary {
	return summarizeTrim(arch+"!/", items)
}

func TestWalkTar(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"crawl.tar", "crawl.tar.gz", "crawl.tgz"} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, dir, name, makeTar(t, hostileEntries(), name != "crawl.tar"))
			items := collect(t, p, Options{MaxItemBytes: 2000})
			diffSummaries(t, archiveSummaries(p, items), hostileWant)
			for _, it := range items {
				switch {
				case strings.Contains(it.Name, "evil"), strings.Contains(it.Name, "abs"), strings.Contains(it.Name, "escape"), strings.Contains(it.Name, "windows"):
					if !errors.Is(it.Err, ErrUnsafePath) {
						t.Errorf("%s: Err = %v, want ErrUnsafePath", it.Name, it.Err)
					}
				case strings.HasSuffix(it.Name, "big.html"):
					if !errors.Is(it.Err, ErrTooLarge) {
						t.Errorf("%s: Err = %v, want ErrTooLarge", it.Name, it.Err)
					}
				case it.Err == nil && !it.ModTime.Equal(time.Date(2020, 7, 16, 13, 40, 0, 0, time.UTC)):
					t.Errorf("%s: ModTime %v", it.Name, it.ModTime)
				}
			}
			if n, ok := Count(context.Background(), p, Options{}); name == "crawl.tar" && (!ok || n != 4) {
				t.Errorf("Count(tar) = %d, %v; want the 4 page entries", n, ok)
			}
		})
	}
}

func TestWalkTarTruncated(t *testing.T) {
	var entries []tarEntry
	for i := 0; i < 20; i++ {
		body := append(page("p"+string(rune('a'+i))), bytes.Repeat([]byte("<p>padding that compresses a little</p>\n"), 50+i*7)...)
		entries = append(entries, tarEntry{name: "site/p" + string(rune('a'+i)) + ".html", body: body})
	}
	full := makeTar(t, entries, true)
	dir := t.TempDir()
	p := writeFile(t, dir, "cut.tar.gz", full[:len(full)*6/10])
	items, err := walkAll(p, Options{})
	if err != nil {
		t.Fatalf("Walk(truncated) = %v, want the readable items and an Item.Err", err)
	}
	good := 0
	for _, it := range items[:len(items)-1] {
		if it.Err == nil {
			good++
		}
	}
	last := items[len(items)-1]
	if good < 5 || good >= 20 || last.Err == nil || !strings.Contains(last.Err.Error(), "cut.tar.gz") {
		t.Errorf("got %d good items then %v; want some pages then an error naming the archive", good, last.Err)
	}
	// Not a gzip stream at all: the source as a whole is unreadable.
	bad := writeFile(t, dir, "bad.tar.gz", []byte("this is not gzip"))
	if _, err := walkAll(bad, Options{}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Walk(not gzip) = %v, want an error naming it", err)
	}
	// The same inside a directory is one bad item among others.
	items = collect(t, dir, Options{})
	if len(items) == 0 || items[0].Err == nil || !strings.HasSuffix(items[0].Name, "bad.tar.gz") {
		t.Errorf("directory walk: first item %+v, want bad.tar.gz with Err", items[0])
	}
}

func TestWalkTarTotalLimit(t *testing.T) {
	var entries []tarEntry
	for i := 0; i < 5; i++ {
		entries = append(entries, tarEntry{name: "p" + string(rune('a'+i)) + ".html", body: append(page("p"), make([]byte, 10000)...)})
	}
	p := writeFile(t, t.TempDir(), "x.tar.gz", makeTar(t, entries, true))
	items := collect(t, p, Options{MaxTotalBytes: 25000})
	last := items[len(items)-1]
	if len(items) > 3 || !errors.Is(last.Err, ErrTooLarge) || last.Name != p {
		t.Errorf("got %d items, last %s: %v; want a stop at the total limit naming the archive", len(items), last.Name, last.Err)
	}
}

func makeZip(t testing.TB, files []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: time.Date(2021, 5, 1, 8, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWalkZip(t *testing.T) {
	var files []tarEntry
	for _, e := range hostileEntries() {
		if e.typ == 0 {
			files = append(files, e)
		}
	}
	files = append(files, tarEntry{name: "__MACOSX/crawl/._index.html", body: []byte{0, 5, 22, 7}})
	p := writeFile(t, t.TempDir(), "crawl.zip", makeZip(t, files))
	items := collect(t, p, Options{MaxItemBytes: 2000})
	diffSummaries(t, archiveSummaries(p, items), hostileWant)
	if n, ok := Count(context.Background(), p, Options{}); !ok || n != 4 {
		t.Errorf("Count(zip) = %d, %v; want 4", n, ok)
	}
}

// TestWalkZipBomb: small zips whose entries inflate far past the limits,
// with honest and with lying size headers.
func TestWalkZipBomb(t *testing.T) {
	zeros := make([]byte, 50<<20)
	dir := t.TempDir()

	honest := writeFile(t, dir, "honest.zip", makeZip(t, []tarEntry{{name: "bomb.html", body: zeros}, {name: "after.html", body: page("after")}}))
	// A lying header claims 100 bytes; only the decompressed stream can tell.
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(zeros)
	fw.Close()
	var lbuf bytes.Buffer
	zw := zip.NewWriter(&lbuf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "liar.html", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros),
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	zw.Close()
	liar := writeFile(t, dir, "liar.zip", lbuf.Bytes())
	if fi, _ := os.Stat(liar); fi.Size() > 200<<10 {
		t.Fatalf("bomb is %d bytes, expected a small file", fi.Size())
	}

	for _, tc := range []struct {
		path string
		opts Options
		want []summary
	}{
		{honest, Options{MaxItemBytes: 1 << 20}, []summary{{Name: "bomb.html", Err: true}, {Name: "after.html", Title: "after"}}},
		{liar, Options{MaxItemBytes: 1 << 20}, []summary{{Name: "liar.html", Err: true}}},
		// Per-entry limit high, total limit low: the archive stops.
		{honest, Options{MaxItemBytes: 64 << 20, MaxTotalBytes: 10 << 20}, []summary{{Name: "", Err: true}}},
	} {
		var before, after runtimeMem
		before.read()
		items := collect(t, tc.path, tc.opts)
		after.read()
		got := archiveSummaries(tc.path, items)
		for i := range got {
			got[i].Name = strings.TrimPrefix(got[i].Name, tc.path)
		}
		diffSummaries(t, got, tc.want)
		if d := after.total - before.total; d > 24<<20 {
			t.Errorf("%s %+v: walk allocated %d MiB", filepath.Base(tc.path), tc.opts, d>>20)
		}
	}
}

func TestSafeEntryName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"a/b.html", "a/b.html", true},
		{"./a//b.html", "a/b.html", true},
		{"a/./b.html", "a/b.html", true},
		{"../a.html", "", false},
		{"a/../b.html", "", false},
		{"/a.html", "", false},
		{`\a.html`, "", false},
		{`a\..\..\b.html`, "", false},
		{"C:/x.html", "", false},
		{"c:x.html", "", false},
		{"a\x00.html", "", false},
		{"", "", false},
		{".", "", false},
		{"..a.html", "..a.html", true},
		{"a\nb.html", "a\nb.html", true}, // allowed, but reported quoted (TestPrintable)
	} {
		got, ok := safeEntryName(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("safeEntryName(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.html":           "a/b.html",
		"tin-tức/bài 1.htm":  "tin-tức/bài 1.htm",
		"a\nFAKE: line.html": `"a\nFAKE: line.html"`,
		"x\x1b[31m.html":     `"x\x1b[31m.html"`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %s, want %s", in, got, want)
		}
	}
}
