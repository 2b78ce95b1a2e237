package source

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWalkDirMirror(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"mirror/vnexpress.net/index.html":                        page("home"),
		"mirror/vnexpress.net/thoi-su/bai-1.html":                page("bai 1"),
		"mirror/vnexpress.net/list.php?page=2":                   page("list 2"),
		"mirror/vnexpress.net/old/bai-2.html.gz":                 gzipBytes(t, page("bai 2")),
		"mirror/vnexpress.net/noext":                             page("noext"),
		"mirror/vnexpress.net/README":                            []byte("just text, not a page\n"),
		"mirror/vnexpress.net/style.css":                         []byte("body{}"),
		"mirror/vnexpress.net/logo.png":                          []byte("\x89PNG\r\n\x1a\n"),
		"mirror/vnexpress.net/.hidden.html":                      page("hidden"),
		"mirror/.git/x.html":                                     page("hidden dir"),
		"mirror/http/www.thuathienhue.gov.vn/tin/1.htm":          page("hue"),
		"mirror/https/dantri.com.vn/xa-hoi/index.htm":            page("dantri"),
		"notes/draft.shtml":                                      page("draft"),
		"notes/binary.html":                                      {0, 1, 2, 0xff, 0xfe, 0},
		"notes/articles.jsonl":                                   []byte(`{"title":"t","body":"b","url":"https://plo.vn/x"}` + "\n"),
		"notes/bad.html.gz":                                      []byte("not gzip"),
		"mirror/www.thuathienhue.gov.vn:8080/a/b/c/Default.aspx": page("port"),
	}
	for rel, b := range files {
		writeFile(t, dir, rel, b)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "notes", "pipe.html"), 0o644); err != nil {
		t.Logf("no FIFO: %v", err)
	}
	got := summarize(dir, collect(t, dir, Options{}))
	want := []summary{
		{Name: "mirror/http/www.thuathienhue.gov.vn/tin/1.htm", URL: "http://www.thuathienhue.gov.vn/tin/1.htm", Title: "hue"},
		{Name: "mirror/https/dantri.com.vn/xa-hoi/index.htm", URL: "https://dantri.com.vn/xa-hoi/", Title: "dantri"},
		{Name: "mirror/vnexpress.net/index.html", URL: "https://vnexpress.net/", Title: "home"},
		{Name: "mirror/vnexpress.net/list.php?page=2", URL: "https://vnexpress.net/list.php?page=2", Title: "list 2"},
		{Name: "mirror/vnexpress.net/noext", URL: "https://vnexpress.net/noext", Title: "noext"},
		{Name: "mirror/vnexpress.net/old/bai-2.html.gz", URL: "https://vnexpress.net/old/bai-2.html", Title: "bai 2"},
		{Name: "mirror/vnexpress.net/thoi-su/bai-1.html", URL: "https://vnexpress.net/thoi-su/bai-1.html", Title: "bai 1"},
		{Name: "mirror/www.thuathienhue.gov.vn:8080/a/b/c/Default.aspx", URL: "https://www.thuathienhue.gov.vn:8080/a/b/c/Default.aspx", Title: "port"},
		{Name: "notes/articles.jsonl:1", URL: "https://plo.vn/x"},
		{Name: "notes/bad.html.gz", Err: true},
		{Name: "notes/binary.html"},
		{Name: "notes/draft.shtml", Title: "draft"},
		{Name: "notes/pipe.html", Err: true},
	}
	diffSummaries(t, got, want)
	for _, it := range collect(t, dir, Options{}) {
		if strings.HasSuffix(it.Name, "binary.html") && string(it.Body) != string(files["notes/binary.html"]) {
			t.Errorf("binary page body = %q, want the bytes as stored", it.Body)
		}
		if it.Err == nil && it.Article == nil && it.ModTime.IsZero() {
			t.Errorf("%s: no ModTime", it.Name)
		}
	}
}

func TestWalkSinglePage(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "vnexpress.net/a.html", page("one"))
	noext := writeFile(t, dir, "saved-page", page("sniffed"))
	odd := writeFile(t, dir, "page.txt", page("txt"))
	bin := writeFile(t, dir, "data.bin", []byte{0, 1, 2, 3})
	for _, tc := range []struct {
		path, title string
		wantErr     error
	}{
		{p, "one", nil},
		{noext, "sniffed", nil},
		{odd, "txt", nil}, // named directly: read because it looks like HTML
		{bin, "", ErrUnknownFormat},
	} {
		items, err := walkAll(tc.path, Options{})
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("Walk(%s) = %v, want %v naming the file", tc.path, err, tc.wantErr)
			}
			continue
		}
		if err != nil || len(items) != 1 || summarize(dir, items)[0].Title != tc.title {
			t.Errorf("Walk(%s) = %+v, %v; want one page %q", tc.path, summarize(dir, items), err, tc.title)
		}
		// A page named directly has no mirror context: no URL is guessed.
		if items[0].URL != "" {
			t.Errorf("Walk(%s): URL %q, want none", tc.path, items[0].URL)
		}
	}
}

func TestWalkMissingPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-archive.tar.gz")
	err := Walk(context.Background(), missing, Options{}, func(Item) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Walk(missing) = %v, want ErrNotExist naming %s", err, missing)
	}
}

func TestWalkTooLargePage(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "big.html", append(page("big"), make([]byte, 5000)...))
	writeFile(t, dir, "big.html.gz", gzipBytes(t, append(page("big gz"), make([]byte, 5000)...)))
	writeFile(t, dir, "small.html", page("small"))
	items := collect(t, dir, Options{MaxItemBytes: 1000})
	got := summarize(dir, items)
	want := []summary{{Name: "big.html", Err: true}, {Name: "big.html.gz", Err: true}, {Name: "small.html", Title: "small"}}
	diffSummaries(t, got, want)
	for _, it := range items[:2] {
		if !errors.Is(it.Err, ErrTooLarge) {
			t.Errorf("%s: Err = %v, want ErrTooLarge", it.Name, it.Err)
		}
	}
}

func TestWalkSymlinks(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	writeFile(t, root, "a/page.html", page("a"))
	writeFile(t, root, "b/real.html", page("real"))
	writeFile(t, outside, "secret.html", page("secret"))
	links := map[string]string{
		"a/loop":         "..",                                  // back up: a loop
		"a/dangling.htm": "nowhere.html",                        // target missing
		"b/link.html":    "real.html",                           // a file inside the root
		"c":              outside,                               // a directory outside
		"d.html":         filepath.Join(outside, "secret.html"), // a file outside
	}
	for l, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(l))); err != nil {
			t.Skipf("symlinks not supported: %v", err)
		}
	}
	t.Run("roots", func(t *testing.T) {
		got := summarize(root, collect(t, root, Options{Roots: []string{root}}))
		want := []summary{
			{Name: "a/dangling.htm", Err: true},
			{Name: "a/loop", Err: true},
			{Name: "a/page.html", Title: "a"},
			{Name: "b/link.html", Title: "real"},
			{Name: "b/real.html", Title: "real"},
			{Name: "c", Err: true},
			{Name: "d.html", Err: true},
		}
		diffSummaries(t, got, want)
		for _, it := range collect(t, root, Options{Roots: []string{root}}) {
			if (it.Name == filepath.Join(root, "c") || it.Name == filepath.Join(root, "d.html")) && !errors.Is(it.Err, ErrOutsideRoots) {
				t.Errorf("%s: Err = %v, want ErrOutsideRoots", it.Name, it.Err)
			}
		}
	})
	t.Run("no roots", func(t *testing.T) {
		got := summarize(root, collect(t, root, Options{}))
		want := []summary{
			{Name: "a/dangling.htm", Err: true},
			{Name: "a/loop", Err: true},
			{Name: "a/page.html", Title: "a"},
			{Name: "b/link.html", Title: "real"},
			{Name: "b/real.html", Title: "real"},
			{Name: "c/secret.html", Title: "secret"},
			{Name: "d.html", Title: "secret"},
		}
		diffSummaries(t, got, want)
	})
	t.Run("top outside roots", func(t *testing.T) {
		_, err := walkAll(outside, Options{Roots: []string{root}})
		if !errors.Is(err, ErrOutsideRoots) {
			t.Errorf("Walk(outside) = %v, want ErrOutsideRoots", err)
		}
		// A link inside the root that leads out is refused as a source too.
		_, err = walkAll(filepath.Join(root, "c"), Options{Roots: []string{root}})
		if !errors.Is(err, ErrOutsideRoots) {
			t.Errorf("Walk(root/c) = %v, want ErrOutsideRoots", err)
		}
	})
}

func TestWalkUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		// Root reads files whatever their mode: run this test again as nobody.
		rerunAsNobody(t, "TestWalkUnreadable")
		return
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.html", page("a"))
	locked := writeFile(t, dir, "b.html", page("b"))
	writeFile(t, dir, "c/d.html", page("d"))
	writeFile(t, dir, "e.html", page("e"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "c"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "c"), 0o755) })
	items := collect(t, dir, Options{})
	want := []summary{{Name: "a.html", Title: "a"}, {Name: "b.html", Err: true}, {Name: "c", Err: true}, {Name: "e.html", Title: "e"}}
	diffSummaries(t, summarize(dir, items), want)
	for _, it := range items {
		if it.Err != nil && !errors.Is(it.Err, fs.ErrPermission) {
			t.Errorf("%s: Err = %v, want permission denied", it.Name, it.Err)
		}
	}
}

func TestWalkStops(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		writeFile(t, dir, "sub/"+n+".html", page(n))
	}
	writeFile(t, dir, "x.jsonl", []byte("{\"title\":\"1\"}\n{\"title\":\"2\"}\n{\"title\":\"3\"}\n"))
	stop := errors.New("enough")
	for _, tc := range []struct {
		name  string
		after int
		run   func(ctx context.Context, cancel func(), n *int) error
		want  error
	}{
		{"fn error", 3, func(ctx context.Context, cancel func(), n *int) error {
			return Walk(ctx, dir, Options{}, func(Item) error {
				if *n++; *n == 3 {
					return stop
				}
				return nil
			})
		}, stop},
		{"fn error in nested jsonl", 6, func(ctx context.Context, cancel func(), n *int) error {
			return Walk(ctx, dir, Options{}, func(Item) error {
				if *n++; *n == 6 {
					return stop
				}
				return nil
			})
		}, stop},
		{"cancel", 2, func(ctx context.Context, cancel func(), n *int) error {
			return Walk(ctx, dir, Options{}, func(Item) error {
				if *n++; *n == 2 {
					cancel()
				}
				return nil
			})
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n := 0
			err := tc.run(ctx, cancel, &n)
			if !errors.Is(err, tc.want) || n != tc.after {
				t.Errorf("Walk = %v after %d items, want %v after %d", err, n, tc.want, tc.after)
			}
		})
	}
}

func TestMirrorURL(t *testing.T) {
	for _, tc := range []struct {
		path, want string
	}{
		{"mirror/vnexpress.net/a/b.html", "https://vnexpress.net/a/b.html"},
		{"vnexpress.net/index.html", "https://vnexpress.net/"},
		{"vnexpress.net/tin/INDEX.HTM", "https://vnexpress.net/tin/"},
		{"x/http/nld.com.vn/a.htm", "http://nld.com.vn/a.htm"},
		{"VnExpress.NET/a.html", "https://vnexpress.net/a.html"},
		{"site/127.0.0.1:8080/a.html", "https://127.0.0.1:8080/a.html"},
		{"site/www.thuathienhue.gov.vn+8080/a.html", "https://www.thuathienhue.gov.vn:8080/a.html"},
		{"vnexpress.net/tìm kiếm/a b.html", "https://vnexpress.net/t%C3%ACm%20ki%E1%BA%BFm/a%20b.html"},
		{"vnexpress.net/search.php?q=a&p=2", "https://vnexpress.net/search.php?q=a&p=2"},
		{"vnexpress.net/search.php?q=a&p=2.html", "https://vnexpress.net/search.php?q=a&p=2"}, // wget -E
		{"vnexpress.net/bai-viet.html.gz", "https://vnexpress.net/bai-viet.html.gz"},          // pageParts strips .gz, not mirrorURL
		{"a/b/c/d/vnexpress.net/x.html", ""},                                                  // the host must be among the first four folders
		{"backup.old/x.html", ""},
		{"v1.2/x.html", ""},
		{"site.tar/x.html", ""},
		{"vnexpress.net", ""}, // a file, not a folder
		{"pages/x.html", ""},
	} {
		if got := mirrorURL(strings.Split(tc.path, "/")); got != tc.want {
			t.Errorf("mirrorURL(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		want kind
	}{
		{"a.html", kindPage}, {"A.HTM", kindPage}, {"x.aspx", kindPage}, {"x.php?id=3", kindPage},
		{"a.html.gz", kindPageGz}, {"a.gz", kindUnknown}, {"index", kindSniff},
		{"x.jsonl", kindJSONL}, {"x.jsonl.gz", kindJSONLGz}, {"x.warc", kindWARC}, {"x.WARC.GZ", kindWARCGz},
		{"x.tar", kindTar}, {"x.tar.gz", kindTarGz}, {"x.tgz", kindTarGz}, {"x.zip", kindZip},
		{"x.png", kindUnknown}, {"x.css", kindUnknown}, {"x.js", kindUnknown},
	} {
		if got := classify(tc.name); got != tc.want {
			t.Errorf("classify(%q) = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// rerunAsNobody runs one test of this binary again as user nobody, for
// tests about permissions, which root ignores. It skips when that cannot be
// arranged.
func rerunAsNobody(t *testing.T, name string) {
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("running as root, and cannot find the test binary to rerun as nobody: %v", err)
	}
	// The build directory is private to root: copy the binary where nobody can run it.
	dir, err := os.MkdirTemp("", "source-nobody-")
	if err != nil {
		t.Skipf("running as root, cannot rerun as nobody: %v", err)
	}
	defer os.RemoveAll(dir)
	bin, err := os.ReadFile(exe)
	if err == nil {
		err = os.Chmod(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "source.test"), bin, 0o755)
	}
	if err != nil {
		t.Skipf("running as root, cannot rerun as nobody: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "source.test"), "-test.run=^"+name+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+os.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "--- FAIL") {
			t.Fatalf("as nobody: %v\n%s", err, out)
		}
		t.Skipf("running as root, and rerunning as nobody failed to start: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("as nobody, the test did not pass:\n%s", out)
	}
	t.Logf("ran as nobody:\n%s", out)
}
