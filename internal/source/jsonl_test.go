package source

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
)

func TestWalkJSONL(t *testing.T) {
	lines := "\xef\xbb\xbf" + `{"id":"a1","title":"Mưa lớn ở Huế","body":"Nội dung.","url":"https://tuoitre.vn/a1.htm","published":"2020-07-16"}` + "\n" +
		"\n" +
		"   \t\n" +
		"this is not json\n" +
		`{"id":"empty","title":"  ","body":""}` + "\n" +
		`{"title":"bad date","published":"16/07/2020"}` + "\r\n" +
		`{"title":"crlf line","authors":["A","B"]}` + "\r\n" +
		`{"title":"truncated` + "\n" +
		`{"body":"last line, no newline"}`
	want := []struct {
		line  string
		title string
		err   string
	}{
		{"1", "Mưa lớn ở Huế", ""},
		{"4", "", "not JSON"},
		{"5", "", article.ErrEmpty.Error()},
		{"6", "", "published"},
		{"7", "crlf line", ""},
		{"8", "", "not JSON"},
		{"9", "", ""},
	}
	dir := t.TempDir()
	for _, name := range []string{"a.jsonl", "a.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			data := []byte(lines)
			if strings.HasSuffix(name, ".gz") {
				data = gzipBytes(t, data)
			}
			p := writeFile(t, dir, name, data)
			items := collect(t, p, Options{})
			if len(items) != len(want) {
				t.Fatalf("got %d items, want %d: %+v", len(items), len(want), summarize(dir, items))
			}
			for i, w := range want {
				it := items[i]
				if it.Name != p+":"+w.line {
					t.Errorf("item %d: Name %q, want %q", i, it.Name, p+":"+w.line)
				}
				if w.err != "" {
					if it.Err == nil || !strings.Contains(it.Err.Error(), w.err) || !strings.Contains(it.Err.Error(), it.Name) || it.Article != nil {
						t.Errorf("%s: Err = %v, Article = %v; want an error mentioning %q and the line", it.Name, it.Err, it.Article, w.err)
					}
					continue
				}
				if it.Err != nil || it.Article == nil {
					t.Fatalf("%s: Err = %v, Article = %v", it.Name, it.Err, it.Article)
				}
				if w.title != "" && it.Article.Title != w.title {
					t.Errorf("%s: title %q, want %q", it.Name, it.Article.Title, w.title)
				}
				if it.Body != nil || it.Header != nil {
					t.Errorf("%s: JSONL item carries a body or header", it.Name)
				}
			}
			first := items[0]
			if first.URL != "https://tuoitre.vn/a1.htm" || first.Article.ID != "a1" || first.Article.Published.Format("2006-01-02") != "2020-07-16" {
				t.Errorf("line 1: URL %q id %q published %v", first.URL, first.Article.ID, first.Article.Published)
			}
			if a := items[4].Article; a.Author != "A, B" {
				t.Errorf("line 7: author %q, want list joined", a.Author)
			}
			if items[0].ModTime.IsZero() {
				t.Error("JSONL item without the file's ModTime")
			}
		})
	}
}

// TestWalkJSONLHugeLine checks that an over-long line is skipped in bounded
// memory, that the lines around it are read, and that line numbers stay right.
func TestWalkJSONLHugeLine(t *testing.T) {
	const huge = 64 << 20
	var buf bytes.Buffer
	buf.WriteString(`{"title":"before"}` + "\n")
	buf.WriteString(`{"title":"`)
	buf.Write(bytes.Repeat([]byte("a"), huge))
	buf.WriteString(`"}` + "\n")
	buf.WriteString(`{"title":"after"}` + "\n")
	p := writeFile(t, t.TempDir(), "huge.jsonl.gz", gzipBytes(t, buf.Bytes()))
	buf = bytes.Buffer{}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	items := collect(t, p, Options{MaxItemBytes: 64 << 10})
	runtime.ReadMemStats(&after)
	if len(items) != 3 {
		t.Fatalf("got %d items, want 3", len(items))
	}
	if items[0].Article == nil || items[0].Article.Title != "before" || items[2].Article == nil || items[2].Article.Title != "after" {
		t.Errorf("lines around the huge one: %+v, %+v", items[0], items[2])
	}
	if !errors.Is(items[1].Err, ErrTooLarge) || items[1].Name != p+":2" {
		t.Errorf("huge line: Name %q Err %v, want %s:2 ErrTooLarge", items[1].Name, items[1].Err, p)
	}
	// Everything allocated during the walk, not just what is live: a 64 MiB
	// line held in memory even once would show here.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("walk allocated %d MiB for a %d MiB line with a 64 KiB limit", alloc>>20, huge>>20)
	}
}

func TestReadLine(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int64
		want     []string // "!" marks a line reported too long
	}{
		{"short", "a\nbb\n", 10, []string{"a", "bb"}},
		{"crlf and no final newline", "a\r\nb", 10, []string{"a", "b"}},
		{"exactly max", "abcd\nabcde\nx\n", 4, []string{"abcd", "!", "x"}},
		{"longer than the buffer", strings.Repeat("x", 100) + "\nok\n", 50, []string{"!", "ok"}},
		{"long but allowed", strings.Repeat("y", 100) + "\n", 200, []string{strings.Repeat("y", 100)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
			var buf []byte
			var got []string
			for {
				line, _, tooLong, err := readLine(br, &buf, tc.max)
				if tooLong {
					got = append(got, "!")
				} else if len(line) > 0 || err == nil {
					got = append(got, string(line))
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("lines %q, want %q", got, tc.want)
			}
			if int64(cap(buf)) > 2*tc.max+32 {
				t.Errorf("buffer grew to %d for limit %d", cap(buf), tc.max)
			}
		})
	}
}

func TestTotalLimiter(t *testing.T) {
	for _, tc := range []struct {
		size, max int
		wantErr   bool
	}{{10, 10, false}, {11, 10, true}, {0, 10, false}, {1000, 10, true}} {
		l := &totalLimiter{r: bytes.NewReader(make([]byte, tc.size)), max: int64(tc.max)}
		b, err := io.ReadAll(l)
		if (err != nil) != tc.wantErr || len(b) > tc.max || tc.wantErr && !errors.Is(err, ErrTooLarge) {
			t.Errorf("size %d max %d: read %d, err %v", tc.size, tc.max, len(b), err)
		}
	}
}

// TestCorpusJSONL reads the first 200 articles of the real corpus.
func TestCorpusJSONL(t *testing.T) {
	corpusPart := corpustest.Path(t, "vi-news", "part-00.jsonl.gz")
	stop := errors.New("200 read")
	n := 0
	err := Walk(context.Background(), corpusPart, Options{}, func(it Item) error {
		n++
		if it.Err != nil {
			t.Errorf("%s: %v", it.Name, it.Err)
		} else if a := it.Article; a == nil || a.ID == "" || strings.TrimSpace(a.Title) == "" || len(a.Body) < 100 {
			t.Errorf("%s: incomplete article %+v", it.Name, a)
		} else if it.URL != a.URL {
			t.Errorf("%s: URL %q, article URL %q", it.Name, it.URL, a.URL)
		}
		if want := corpusPart + ":" + strconv.Itoa(n); it.Name != want {
			t.Errorf("Name %q, want %q", it.Name, want)
		}
		if n == 200 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 200 {
		t.Fatalf("Walk = %v after %d items", err, n)
	}
	// The README says 20,000 articles per part; Count samples and extrapolates.
	c, ok := Count(context.Background(), corpusPart, Options{})
	if !ok || c < 18000 || c > 22000 {
		t.Errorf("Count = %d, %v; want about 20000", c, ok)
	}
}

// BenchmarkJSONLGz measures the JSONL reader, gzip and JSON decoding
// included, in decompressed bytes per second; it reads the corpus part when
// present, else a generated file of similar shape.
func BenchmarkJSONLGz(b *testing.B) {
	root, rootErr := corpustest.Root()
	path := filepath.Join(root, "vi-news", "part-00.jsonl.gz")
	if _, err := os.Stat(path); rootErr != nil || err != nil {
		path = filepath.Join(b.TempDir(), "gen.jsonl.gz")
		var buf bytes.Buffer
		para := strings.Repeat("Người dân thành phố Huế chuẩn bị đón bão số 9, chính quyền sơ tán hơn 2.000 hộ. ", 40)
		for i := 0; i < 20000; i++ {
			buf.WriteString(`{"id":"g` + strconv.Itoa(i) + `","title":"Tin ` + strconv.Itoa(i) + `","body":"` + para + `"}` + "\n")
		}
		os.WriteFile(path, gzipBytes(b, buf.Bytes()), 0o644)
	}
	var size int64
	err := Walk(context.Background(), path, Options{}, func(it Item) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	// Decompressed size, for SetBytes.
	f, _ := os.Open(path)
	zr, err := gzipReader(f)
	if err != nil {
		b.Fatal(err)
	}
	size, _ = io.Copy(io.Discard, zr)
	f.Close()
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := Walk(context.Background(), path, Options{}, func(it Item) error {
			if it.Err != nil {
				return it.Err
			}
			n++
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatal("no items")
		}
	}
}

func TestWalkJSONLTruncatedGzip(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		b.WriteString(`{"id":"` + strconv.Itoa(i) + `","title":"Tiêu đề ` + strconv.Itoa(i*7919%1000003) + `"}` + "\n")
	}
	full := gzipBytes(t, []byte(b.String()))
	p := writeFile(t, t.TempDir(), "cut.jsonl.gz", full[:len(full)/2])
	items, err := walkAll(p, Options{})
	if err != nil {
		t.Fatalf("Walk = %v, want the lines before the cut and an Item.Err", err)
	}
	last := items[len(items)-1]
	for i, it := range items[:len(items)-1] {
		if it.Err != nil || it.Article.ID != strconv.Itoa(i) {
			t.Fatalf("item %d: %+v", i, it)
		}
	}
	if len(items) < 200 || last.Err == nil || !strings.Contains(last.Err.Error(), p+":") {
		t.Errorf("%d items, last %v; want many lines then an error naming the line", len(items), last.Err)
	}
}
