package server

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/web"
)

// rawGet sends a request line as written (no client-side escaping).
func rawGet(t *testing.T, base, method, target string) (int, http.Header, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", method, target)
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestMalformedQueryStringsAre400(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, target := range []string{
		"/api/search?q=gi%C3%A1+t%C4%83ng+50%",
		"/api/export?q=zqxss%&format=csv",
		"/api/search?sizee=5;",
		"/api/search?q=dan;size=5",
		"/api/search?size=5&size=500",
		"/api/search?sort=newest&sort=bogus",
		"/api/export?q=dan&format=csv&format=jsonl",
		"/api/suggest?q=d%",
		"/api/suggest?q=dan&sizee=3",
		"/api/articles/a01?x=1",
		"/api/articles/a01/related?size=2&size=3",
		"/api/search?from=0000",
		"/api/search?to=9999-12-31",
		"/api/export?to=9999",
	} {
		code, hdr, body := rawGet(t, srv.URL, "GET", target)
		if code != 400 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body, "bad_query") {
			t.Errorf("GET %s: %d %s, want a 400 JSON error", target, code, body)
		}
	}
	if _, _, body := rawGet(t, srv.URL, "GET", "/api/search?from=0000"); !strings.Contains(body, "1678 to 2261") {
		t.Errorf("date error does not give the accepted range: %s", body)
	}
	// The same searches well-formed still work.
	if code, _, _ := rawGet(t, srv.URL, "GET", "/api/search?q=dan+chu&site=baomau.vn&site=a.vn"); code != 200 {
		t.Errorf("repeated site filter: %d", code)
	}
}

// failingBackend is a backend whose searches fail, like an index gone bad.
type failingBackend struct{ index.Backend }

func (failingBackend) Search(context.Context, index.Request) (index.Result, error) {
	return index.Result{}, errors.New("disk read error")
}

func TestExportThatFailsBeforeTheFirstRowIsAnError(t *testing.T) {
	srv := httptest.NewServer(New(&search.Service{Backend: failingBackend{}}, Config{}))
	defer srv.Close()
	for _, f := range []string{"csv", "jsonl"} {
		code, hdr, body := rawGet(t, srv.URL, "GET", "/api/export?q=dan&format="+f)
		if code != 500 || hdr.Get("Content-Disposition") != "" || !strings.Contains(body, `"internal"`) {
			t.Errorf("export %s on a failing index: %d %q, want a 500 JSON error", f, code, body)
		}
	}
}

// deadlineRecorder records the write deadlines an export sets.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.deadlines = append(d.deadlines, t)
	return nil
}

func TestExportSetsADeadlinePerWrite(t *testing.T) {
	rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	ew := &exportWriter{w: rec, rc: http.NewResponseController(rec), ctype: "text/csv", filename: "x.csv"}
	for range 3 {
		ew.Write([]byte("row\n"))
	}
	if len(rec.deadlines) != 3 || time.Until(rec.deadlines[2]) <= 0 || time.Until(rec.deadlines[2]) > exportWriteTimeout {
		t.Errorf("deadlines %v, want one per write, %v ahead", rec.deadlines, exportWriteTimeout)
	}
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv" {
		t.Errorf("headers not sent with the first write: %d %v", rec.Code, rec.Header())
	}
}

func TestMetricsLabelOnlyKnownMethods(t *testing.T) {
	srv := newTestServer(t, Config{})
	for i := range 50 {
		rawGet(t, srv.URL, fmt.Sprintf("M%d%s", i, strings.Repeat("X", 2000)), "/api/search")
	}
	_, body := getBody(t, srv.URL+"/metrics", nil)
	if strings.Contains(body, "XXXX") || strings.Contains(body, `method="M1`) {
		t.Errorf("made-up methods became series: %d bytes of metrics", len(body))
	}
	if !strings.Contains(body, `method="OTHER"`) {
		t.Errorf("made-up methods are not counted as OTHER:\n%.1500s", body)
	}
}

func TestSecurityHeadersAndMethods(t *testing.T) {
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	arts := backendtest.Articles(t)
	slashed := arts[0]
	slashed.ID, slashed.URL = "ns/123", ""
	if err := b.Upsert(context.Background(), append(arts, slashed)...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(&search.Service{Backend: b}, Config{Web: web.FS()}))
	defer srv.Close()

	code, hdr, _ := rawGet(t, srv.URL, "GET", "/")
	csp := hdr.Get("Content-Security-Policy")
	if code != 200 || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") ||
		hdr.Get("X-Frame-Options") != "DENY" || hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Referrer-Policy") == "" {
		t.Errorf("page headers: %d %v", code, hdr)
	}
	code, hdr, _ = rawGet(t, srv.URL, "GET", "/api/search?q=dan")
	if code != 200 || hdr.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("API headers: %d %v", code, hdr)
	}
	for _, tc := range []struct {
		method, path string
		code         int
		json         bool
	}{
		{"HEAD", "/api/search?q=dan", 200, false},
		{"HEAD", "/api/stats", 200, false},
		{"HEAD", "/healthz", 200, false},
		{"HEAD", "/", 200, false},
		{"HEAD", "/widget.js", 200, false},
		{"TRACE", "/", 405, true},
		{"TRACE", "/api/search", 405, true},
		{"PUT", "/index.html", 405, true},
		{"DELETE", "/app.js", 405, true},
		{"GET", "/no-such-page", 404, true},
		{"GET", "/../../etc/passwd", 404, true},
		{"GET", "/api/articles/ns%2F123", 200, true},
		{"GET", "/api/articles/ns%2F123/related", 200, true},
		{"GET", "/api/articles/ns%2F999", 404, true},
	} {
		code, hdr, body := rawGet(t, srv.URL, tc.method, tc.path)
		isJSON := strings.HasPrefix(hdr.Get("Content-Type"), "application/json")
		if code != tc.code || (tc.json && !isJSON) || (tc.method == "HEAD" && body != "") {
			t.Errorf("%s %s: %d %s %.80q, want %d (JSON %v)", tc.method, tc.path, code, hdr.Get("Content-Type"), body, tc.code, tc.json)
		}
	}
	if _, _, body := rawGet(t, srv.URL, "GET", "/api/articles/ns%2F123"); !strings.Contains(body, `"id":"ns/123"`) {
		t.Errorf("article with a slash in its id: %s", body)
	}
}

func TestServeLimitsStalledRequestsAndConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := New(&search.Service{Backend: failingBackend{}}, Config{})
	l := DefaultLimits
	l.ReadHeaderTimeout, l.ReadTimeout, l.MaxConns = 500*time.Millisecond, 500*time.Millisecond, 2
	srv, _ := Serve(ln, h, l)
	defer srv.Close()
	addr := ln.Addr().String()

	// A body that stalls: the answer comes once the read deadline passes.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nhello")
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("stalled body: no answer after %v: %v", time.Since(start), err)
	}
	resp.Body.Close()
	c.Close()

	// Two connections that say nothing hold the two places; a third
	// request waits until one of them is dropped by the header deadline.
	for range 2 {
		ic, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer ic.Close()
	}
	time.Sleep(100 * time.Millisecond)
	client := &http.Client{Timeout: 5 * time.Second}
	start = time.Now()
	r, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("third connection served after %v while two were held: no connection cap", waited)
	}
}

func TestAdminQueueHistoryAndThrottle(t *testing.T) {
	a := newAdmin(Admin{}, slog.New(slog.DiscardHandler), func() {})
	release := make(chan struct{})
	var mu sync.Mutex
	accepted := 0
	for range 10 {
		if _, ok := a.start("import", nil, func(context.Context, *Job) error { <-release; return nil }); ok {
			mu.Lock()
			accepted++
			mu.Unlock()
		}
	}
	if accepted != maxQueuedJobs+1 {
		t.Errorf("accepted %d jobs at once, want the running one and %d queued", accepted, maxQueuedJobs)
	}
	close(release)
	a.wg.Wait()
	for range maxJobHistory + 30 {
		if _, ok := a.start("import", nil, func(context.Context, *Job) error { return nil }); !ok {
			a.wg.Wait()
		}
		a.wg.Wait()
	}
	a.mu.Lock()
	n := len(a.jobs)
	a.mu.Unlock()
	if n > maxJobHistory {
		t.Errorf("%d jobs kept, want at most %d", n, maxJobHistory)
	}

	srv, _ := newAdminServer(t, "a-token-long-enough-1", nil)
	codes := map[int]int{}
	for range 50 {
		code, _, _ := adminDo(t, "GET", srv.URL+"/api/admin/imports", "wrong-token-guess", "")
		codes[code]++
	}
	if codes[401] != maxAuthFailures || codes[429] != 50-maxAuthFailures {
		t.Errorf("50 wrong tokens: %v, want %d 401s then 429s", codes, maxAuthFailures)
	}
	for _, tok := range []string{"x", "short-token"} {
		if CheckToken(tok) == nil {
			t.Errorf("token %q accepted", tok)
		}
	}
	if CheckToken("") != nil || CheckToken("a-token-long-enough-1") != nil {
		t.Error("an empty or long token refused")
	}
}

func TestAdminImportReportAndRefusals(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "batch.jsonl")
	os.WriteFile(src, []byte(`{"id":"n1","title":"Tin mới về quy chế dân chủ","body":"Nội dung."}`+"\n"+
		`{"id":"n2","title":`+"\n"+`{"id":"n3","title":"","body":""}`+"\n"), 0o644)
	tok := "a-token-long-enough-2"
	srv, live := newAdminServer(t, tok, []string{root})
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "exists.jsonl"), []byte("{}\n"), 0o644)
	var msgs []string
	for _, p := range []string{filepath.Join(outside, "exists.jsonl"), filepath.Join(outside, "missing.jsonl")} {
		code, body, _ := adminDo(t, "POST", srv.URL+"/api/admin/imports", tok, `{"source":"`+p+`"}`)
		msg := fmt.Sprint(body["error"].(map[string]any)["message"])
		if code != 403 || strings.Contains(msg, "no such file") || strings.Contains(msg, "lstat") {
			t.Errorf("%s: %d %s", p, code, msg)
		}
		msgs = append(msgs, strings.ReplaceAll(msg, filepath.Base(p), ""))
	}
	if msgs[0] != msgs[1] {
		t.Errorf("403s differ for an existing and a missing path: %q / %q", msgs[0], msgs[1])
	}
	code, job, _ := adminDo(t, "POST", srv.URL+"/api/admin/imports", tok, `{"source":"`+src+`"}`)
	if code != 202 {
		t.Fatalf("import: %d %v", code, job)
	}
	job = waitJob(t, srv.URL, tok, job["id"].(string))
	report, _ := job["report"].(string)
	b, err := os.ReadFile(report)
	if err != nil || strings.Count(string(b), "\n") != 2 || !strings.Contains(string(b), `"status":"skipped"`) {
		t.Errorf("admin import report %q: %q %v (job %v)", report, b, err, job)
	}
	if filepath.Dir(report) != filepath.Dir(servedPath(t, live)) {
		t.Errorf("report at %s, want beside the index versions", report)
	}
}

// FuzzSearchAPI sends raw query strings to search, suggest and export over
// an index holding a planted long word: whatever the input, the answer is
// a 2xx or a 4xx JSON error, never a 5xx.
func FuzzSearchAPI(f *testing.F) {
	var ors []string
	for i := range 64 {
		ors = append(ors, string(rune('a'+i%26))+string(rune('a'+i/26))+"*")
	}
	for _, s := range []string{
		"q=dan+chu", "q=" + strings.Join(ors, "+OR+"), "q=yy*", "q=zqone" + strings.Repeat("y", 500),
		"q=gi%C3%A1+50%", "sizee=5;", "size=5&size=500", "from=0000", "to=9999-12-31",
		"after=eyJzIjowLCJrIjpbIk5hTiIsImEiXX0", "q=%22" + strings.Repeat("ab+", 240) + "%22", "sort=oldest&after=e30",
	} {
		f.Add(s)
	}
	b, err := bleve.Open(filepath.Join(f.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer b.Close()
	planted := backendtest.Articles(f)[0]
	planted.ID, planted.Title = "planted", "zqone "+strings.Repeat("y", 100000)
	if err := b.Upsert(context.Background(), append(backendtest.Articles(f), planted)...); err != nil {
		f.Fatal(err)
	}
	h := New(&search.Service{Backend: b}, Config{})
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/api/search", "/api/suggest", "/api/export"} {
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.Path, req.URL.RawQuery, req.RequestURI = path, raw, ""
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d %s", path, raw, rec.Code, rec.Body.String())
			}
			if rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("GET %s?%s: %d is not JSON", path, raw, rec.Code)
			}
		}
	})
}

func TestCursorErrorsNameAfter(t *testing.T) {
	srv := newTestServer(t, Config{})
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct{ sort, cursor string }{
		{"newest", enc(`{"s":1,"k":["x","y","z"]}`)}, // wrong length for a date sort
		{"relevance", enc(`{"s":0,"k":["NaN","a01"]}`)},
		{"relevance", enc(`{"s":0,"k":["-Inf"]}`)},
		{"relevance", strings.Repeat("A", 20000)},
	} {
		code, _, body := rawGet(t, srv.URL, "GET", "/api/search?q=dan&sort="+tc.sort+"&after="+tc.cursor)
		if code != 400 || !strings.Contains(body, "parameter after") {
			t.Errorf("sort=%s after=%.40s: %d %s, want a 400 naming after", tc.sort, tc.cursor, code, body)
		}
	}
}

// pipeListener hands the server one end of unbuffered in-memory pipes, so
// a client that does not read blocks the server's first flush at once.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// An export to a client that stops reading is dropped after one write's
// deadline, not held for the whole answer's.
func TestExportDropsAClientThatStopsReading(t *testing.T) {
	defer func(d time.Duration) { exportWriteTimeout = d }(exportWriteTimeout)
	exportWriteTimeout = 300 * time.Millisecond
	b, err := bleve.Open(filepath.Join(t.TempDir(), "ix"), bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Copies of the fixtures: an export of well over the server's buffers.
	var arts []article.Article
	for i := range 40 {
		for _, a := range backendtest.Articles(t) {
			a.ID = fmt.Sprintf("%s-%d", a.ID, i)
			arts = append(arts, a)
		}
	}
	if err := b.Upsert(context.Background(), arts...); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	var mu sync.Mutex
	failed := make(chan struct{}, 1)
	log := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(string(p), "export failed") {
			select {
			case failed <- struct{}{}:
			default:
			}
		}
		return logs.Write(p)
	}), nil))
	ln := &pipeListener{conns: make(chan net.Conn, 1), done: make(chan struct{})}
	srv, _ := Serve(ln, New(&search.Service{Backend: b}, Config{Log: log}), DefaultLimits)
	defer srv.Close()
	client, server := net.Pipe()
	defer client.Close()
	ln.conns <- server
	go fmt.Fprintf(client, "GET /api/export?format=jsonl HTTP/1.1\r\nHost: x\r\n\r\n")
	// The client reads nothing from here on.
	select {
	case <-failed:
	case <-time.After(10 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the export still holds a client that stopped reading after 10 s (write deadline %v); log:\n%s", exportWriteTimeout, logs.String())
	}
}

func TestLoginFailureTableIsBounded(t *testing.T) {
	a := newAdmin(Admin{}, slog.New(slog.DiscardHandler), func() {})
	now := time.Now()
	for i := range maxFailureClients + 500 {
		a.failed(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), now)
	}
	if n := len(a.failures); n > maxFailureClients {
		t.Errorf("%d clients tracked, want at most %d", n, maxFailureClients)
	}
	r1 := &http.Request{RemoteAddr: "[2001:db8:1:2::1]:4000"}
	r2 := &http.Request{RemoteAddr: "[2001:db8:1:2:ffff::9]:5000"}
	r3 := &http.Request{RemoteAddr: "[2001:db8:1:3::1]:4000"}
	if clientAddr(r1) != clientAddr(r2) || clientAddr(r1) == clientAddr(r3) {
		t.Errorf("IPv6 clients: %s %s %s, want one key per /64", clientAddr(r1), clientAddr(r2), clientAddr(r3))
	}
	if got := clientAddr(&http.Request{RemoteAddr: "192.0.2.7:1234"}); got != "192.0.2.7" {
		t.Errorf("IPv4 client %q", got)
	}
}
