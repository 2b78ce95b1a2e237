package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// collect walks path and returns every item, failing the test on a walk error.
func collect(t testing.TB, path string, opts Options) []Item {
	t.Helper()
	items, err := walkAll(path, opts)
	if err != nil {
		t.Fatalf("Walk(%s): %v", path, err)
	}
	return items
}

func walkAll(path string, opts Options) ([]Item, error) {
	var items []Item
	err := Walk(context.Background(), path, opts, func(it Item) error {
		items = append(items, it)
		return nil
	})
	return items, err
}

// writeFile creates a file and its parent directories under dir.
func writeFile(t testing.TB, dir, rel string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// gzipBytes compresses b; writing to a bytes.Buffer cannot fail.
func gzipBytes(_ testing.TB, b []byte) []byte { return gzipRaw(b) }

func gzipRaw(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// page is a small HTML page whose body names it, so tests can tell pages apart.
func page(title string) []byte {
	return []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
		"</title></head><body><p>" + title + "</p></body></html>\n")
}

// summary is the part of an Item tests compare: the name relative to base,
// the URL, the body's first title and whether it failed.
type summary struct {
	Name, URL, Title string
	Err              bool
}

func summarize(base string, items []Item) []summary {
	return summarizeTrim(base+string(filepath.Separator), items)
}

// summarizeTrim is summarize with the exact name prefix to drop.
func summarizeTrim(prefix string, items []Item) []summary {
	var out []summary
	for _, it := range items {
		s := summary{Name: filepath.ToSlash(strings.TrimPrefix(it.Name, prefix)), URL: it.URL, Err: it.Err != nil}
		if i := bytes.Index(it.Body, []byte("<title>")); i >= 0 {
			rest := it.Body[i+len("<title>"):]
			if j := bytes.Index(rest, []byte("</title>")); j >= 0 {
				s.Title = string(rest[:j])
			}
		}
		out = append(out, s)
	}
	return out
}

func diffSummaries(t *testing.T, got, want []summary) {
	t.Helper()
	n := max(len(got), len(want))
	for i := 0; i < n; i++ {
		var g, w summary
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("item %d:\n got  %+v\n want %+v", i, g, w)
		}
	}
}

func gzipReader(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }

// runtimeMem samples the bytes allocated so far.
type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}
