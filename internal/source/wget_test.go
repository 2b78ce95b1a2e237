package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// crawlSite serves a small site with the cases a crawl meets: plain and
// directory pages, an image, a 404, a chunked page and a gzip-encoded one.
func crawlSite(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	html := func(title string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page(title))
		}
	}
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html><head><title>home</title></head><body>
<a href="/a.html">a</a> <a href="/tin/">tin</a> <a href="/logo.png">logo</a>
<a href="/missing.html">missing</a> <a href="/chunked.html">chunked</a> <a href="/gz.html">gz</a>
<a href="/list.php?page=2">list</a></body></html>`))
	})
	mux.HandleFunc("/a.html", html("a"))
	mux.HandleFunc("/tin/{$}", html("tin index"))
	mux.HandleFunc("/list.php", html("list"))
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"))
	})
	mux.HandleFunc("/missing.html", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusNotFound) })
	mux.HandleFunc("/chunked.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		b := page("chunked")
		for i := 0; i < len(b); i += 30 {
			w.Write(b[i:min(i+30, len(b))])
			w.(http.Flusher).Flush() // no Content-Length: Transfer-Encoding chunked
		}
	})
	mux.HandleFunc("/gz.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Write(page("gz"))
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(page("gz"))
		zw.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// runWget crawls the site with GNU wget, which the test needs.
func runWget(t *testing.T, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("wget")
	if err != nil {
		t.Skip("wget not installed (apt-get install wget): no real WARC producer to test against")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-r", "-l", "1", "-e", "robots=off", "--no-verbose", "--tries=1"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		// wget exits 8 when some page answered with an error: the 404 does.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 8 {
			t.Fatalf("wget %v: %v\n%s", args, err, out)
		}
	}
}

// TestWgetWARC reads WARC files written by GNU wget, compressed and plain,
// with and without gzip transfer encoding.
func TestWgetWARC(t *testing.T) {
	srv := crawlSite(t)
	want := map[string]string{
		srv.URL + "/":                "home",
		srv.URL + "/a.html":          "a",
		srv.URL + "/tin/":            "tin index",
		srv.URL + "/chunked.html":    "chunked",
		srv.URL + "/gz.html":         "gz",
		srv.URL + "/list.php?page=2": "list",
	}
	for _, tc := range []struct {
		name string
		args []string
		file string
	}{
		{"gzip", nil, "crawl.warc.gz"},
		{"plain", []string{"--no-warc-compression"}, "crawl.warc"},
		{"content-encoding", []string{"--compression=gzip"}, "crawl.warc.gz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"--warc-file=" + filepath.Join(dir, "crawl"), "--delete-after", "-P", filepath.Join(dir, "tmp")}, tc.args...)
			runWget(t, append(args, srv.URL+"/")...)
			items := collect(t, filepath.Join(dir, tc.file), Options{})
			if tc.name == "content-encoding" {
				// The point of this case: wget stored the encoded body, as sent.
				raw, err := os.ReadFile(filepath.Join(dir, tc.file))
				if err != nil {
					t.Fatal(err)
				}
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				dec, _ := io.ReadAll(zr)
				if !bytes.Contains(dec, []byte("\r\nContent-Encoding: gzip\r\n")) || !bytes.Contains(dec, []byte("\r\nTransfer-Encoding: chunked\r\n")) {
					t.Error("WARC holds no gzip-encoded or no chunked response: the decoding paths were not exercised")
				}
			}
			got := map[string]string{}
			for _, s := range summarize(dir, items) {
				if s.Err {
					t.Errorf("%s: unexpected error item", s.Name)
				}
				got[s.URL] = s.Title
			}
			for u, title := range want {
				if got[u] != title {
					t.Errorf("%s: title %q, want %q", u, got[u], title)
				}
			}
			if len(got) != len(want) {
				t.Errorf("got pages %v, want %v", keys(got), keys(want))
			}
			for _, it := range items {
				if it.Header.Get("Content-Type") == "" || it.ModTime.IsZero() || time.Since(it.ModTime) > time.Hour {
					t.Errorf("%s: header %v, WARC-Date %v", it.Name, it.Header, it.ModTime)
				}
			}
		})
	}
}

// TestWgetMirror walks the directory tree wget -r writes, and maps its
// layout back to URLs.
func TestWgetMirror(t *testing.T) {
	srv := crawlSite(t)
	hostPort := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		name, scheme string
		args         []string
	}{
		{"plain layout", "https", nil}, // the scheme is not recorded: https is assumed
		{"protocol directories", "http", []string{"--protocol-directories"}},
		{"adjust extension", "https", []string{"--adjust-extension"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			runWget(t, append(append([]string{"-P", filepath.Join(dir, "mirror")}, tc.args...), srv.URL+"/")...)
			base := tc.scheme + "://" + hostPort
			want := map[string]string{
				base + "/":                "home",
				base + "/a.html":          "a",
				base + "/tin/":            "tin index",
				base + "/chunked.html":    "chunked",
				base + "/gz.html":         "gz",
				base + "/list.php?page=2": "list",
			}
			got := map[string]string{}
			for _, s := range summarize(dir, collect(t, dir, Options{Roots: []string{dir}})) {
				if s.Err {
					t.Errorf("%s: unexpected error item", s.Name)
				}
				got[s.URL] = s.Title
			}
			for u, title := range want {
				if got[u] != title {
					t.Errorf("%s: title %q, want %q", u, got[u], title)
				}
			}
			if len(got) != len(want) {
				t.Errorf("got pages %v, want %v", keys(got), keys(want))
			}
			if n, ok := Count(context.Background(), dir, Options{}); !ok || n != len(want) {
				t.Errorf("Count = %d, %v; want %d", n, ok, len(want))
			}
		})
	}
}

func keys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
