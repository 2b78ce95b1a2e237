package source

import (
	"context"
	"strings"
	"testing"
)

// TestWalkDirContainers: archives, WARC and JSONL inside a directory are
// walked in place; broken ones are single bad items; Count agrees.
func TestWalkDirContainers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.tar.gz", makeTar(t, []tarEntry{{name: "vnexpress.net/t.html", body: page("from tar")}}, true))
	writeFile(t, dir, "b.zip", makeZip(t, []tarEntry{{name: "z.htm", body: page("from zip")}, {name: "z.css", body: []byte("p{}")}}))
	writeFile(t, dir, "c.warc.gz", writeWARC(t, []warcRec{{typ: "response", uri: "https://plo.vn/w", ctype: httpResponse,
		block: httpMsg(200, page("from warc"), "Content-Type: text/html")}}, perRecord))
	writeFile(t, dir, "d.jsonl.gz", gzipBytes(t, []byte(`{"title":"from jsonl","url":"https://nld.com.vn/j"}`+"\n")))
	writeFile(t, dir, "e.zip", []byte("PK\x03\x04 truncated, no central directory"))
	writeFile(t, dir, "f.warc", []byte("GET / HTTP/1.1\r\n"))
	writeFile(t, dir, "g.tar", []byte(strings.Repeat("not a tar header ", 40)))
	writeFile(t, dir, "h.html", page("plain"))
	got := summarize(dir, collect(t, dir, Options{}))
	want := []summary{
		{Name: "a.tar.gz!/vnexpress.net/t.html", URL: "https://vnexpress.net/t.html", Title: "from tar"},
		{Name: "b.zip!/z.htm", Title: "from zip"},
		{Name: "c.warc.gz#0", URL: "https://plo.vn/w", Title: "from warc"},
		{Name: "d.jsonl.gz:1", URL: "https://nld.com.vn/j"},
		{Name: "e.zip", Err: true},
		{Name: "f.warc", Err: true},
		{Name: "g.tar", Err: true},
		{Name: "h.html", Title: "plain"},
	}
	diffSummaries(t, got, want)

	// tar.gz and WARC cannot be counted without reading them whole.
	if n, ok := Count(context.Background(), dir, Options{}); ok || n != 3 {
		t.Errorf("Count(dir) = %d, %v; want 3 (zip entry, jsonl line, page) and not ok", n, ok)
	}
	for _, tc := range []struct {
		rel string
		n   int
		ok  bool
	}{
		{"b.zip", 1, true},
		{"d.jsonl.gz", 1, true},
		{"h.html", 1, true},
		{"a.tar.gz", 0, false},
		{"c.warc.gz", 0, false},
		{"missing.jsonl", 0, false},
	} {
		if n, ok := Count(context.Background(), dir+"/"+tc.rel, Options{}); n != tc.n || ok != tc.ok {
			t.Errorf("Count(%s) = %d, %v; want %d, %v", tc.rel, n, ok, tc.n, tc.ok)
		}
	}
}

func TestCountJSONLEstimate(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	line := `{"title":"Tiêu đề","body":"` + strings.Repeat("Nội dung bài báo. ", 30) + `"}` + "\n"
	for b.Len() < 3*countSample {
		b.WriteString(line)
	}
	want := b.Len() / len(line)
	p := writeFile(t, dir, "x.jsonl", []byte(b.String()))
	n, ok := Count(context.Background(), p, Options{})
	if !ok || n < want*95/100 || n > want*105/100 {
		t.Errorf("Count = %d, %v; want about %d", n, ok, want)
	}
	short := writeFile(t, dir, "y.jsonl", []byte("{}\n{}\n\n{}"))
	if n, ok := Count(context.Background(), short, Options{}); !ok || n != 4 {
		t.Errorf("Count(short) = %d, %v; want 4 lines", n, ok)
	}
}
