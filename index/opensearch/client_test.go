package opensearch

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testClient is a client of srv with fast backoff.
func testClient(t *testing.T, cfg Config) *client {
	t.Helper()
	cfg, _, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	c, err := newClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.backoff = func(int) time.Duration { return time.Millisecond }
	return c
}

// statuses answers the statuses in turn, the last one from then on.
func statuses(calls *atomic.Int32, codes ...int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		code := codes[min(n, len(codes))-1]
		w.WriteHeader(code)
		if code == 200 {
			w.Write([]byte(`{"ok":true}`))
		} else {
			w.Write([]byte(`{"error":{"type":"some_exception","reason":"why"}}`))
		}
	}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		codes []int
		calls int32
		ok    bool
	}{
		{"unavailable twice, then ok", []int{503, 502, 200}, 3, true},
		{"busy, then ok", []int{429, 200}, 2, true},
		{"unavailable every time: bounded", []int{503}, 4, false},
		{"bad request: not retried", []int{400}, 1, false},
		{"not implemented: not retried", []int{501}, 1, false},
		{"not found: not retried", []int{404}, 1, false},
	} {
		var calls atomic.Int32
		srv := httptest.NewServer(statuses(&calls, tc.codes...))
		c := testClient(t, Config{URL: srv.URL})
		_, _, err := c.do(ctx, call{method: "GET", path: "/x"})
		if (err == nil) != tc.ok || calls.Load() != tc.calls {
			t.Errorf("%s: %d calls, error %v", tc.name, calls.Load(), err)
		}
		srv.Close()
	}
}

func TestRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := testClient(t, Config{URL: srv.URL})
	start := time.Now()
	if _, _, err := c.do(context.Background(), call{method: "GET", path: "/"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v; the server asked for 1s", d)
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	prev := time.Duration(0)
	for n := 0; n < 12; n++ {
		d := expBackoff(n)
		if d <= 0 || d > 5*time.Second {
			t.Errorf("backoff %d = %v", n, d)
		}
		if n < 5 && d < prev/2 {
			t.Errorf("backoff %d = %v shrank from %v", n, d, prev)
		}
		prev = d
	}
}

func TestTimeoutPerAttempt(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := testClient(t, Config{URL: srv.URL, Timeout: 100 * time.Millisecond, Retries: 1})
	start := time.Now()
	_, _, err := c.do(context.Background(), call{method: "GET", path: "/slow"})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "deadline") {
		t.Errorf("slow server: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second || calls.Load() != 2 {
		t.Errorf("gave up after %v and %d attempts; want two attempts of 100ms", d, calls.Load())
	}
}

func TestCancellation(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(statuses(&calls, 503))
	defer srv.Close()
	c := testClient(t, Config{URL: srv.URL, Retries: 5})
	c.backoff = func(int) time.Duration { return time.Hour }
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := c.do(ctx, call{method: "GET", path: "/"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled during backoff: %v after %v", err, time.Since(start))
	}
	// Cancelled before it starts: no request at all.
	calls.Store(0)
	if _, _, err := c.do(ctx, call{method: "GET", path: "/"}); !errors.Is(err, context.Canceled) || calls.Load() != 0 {
		t.Errorf("cancelled context: %v, %d calls", err, calls.Load())
	}
}

func TestAuth(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{URL: srv.URL}, ""},
		{Config{URL: srv.URL, User: "admin", Password: "s3cret"}, "Basic YWRtaW46czNjcmV0"},
		{Config{URL: "http://admin:s3cret@" + host}, "Basic YWRtaW46czNjcmV0"},
		{Config{URL: srv.URL, User: "admin", Password: "s3cret", Token: "tok"}, "Bearer tok"},
	} {
		c := testClient(t, tc.cfg)
		if _, _, err := c.do(context.Background(), call{method: "GET", path: "/"}); err != nil {
			t.Fatal(err)
		}
		if g, _ := got.Load().(string); g != tc.want {
			t.Errorf("%+v: Authorization %q, want %q", tc.cfg, g, tc.want)
		}
	}
}

func TestNoPasswordInErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close() // nothing listens there now
	c := testClient(t, Config{URL: "http://admin:hunter2@" + addr, Retries: 1})
	_, _, err := c.do(context.Background(), call{method: "GET", path: "/"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v", err)
	}
	if _, err := Open(context.Background(), Config{URL: "http://admin:hunter2@" + addr, Retries: -1}); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("open: %v", err)
	}
	if _, _, err := (Config{URL: "ftp://admin:hunter2@x"}).withDefaults(); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad URL: %v", err)
	}
}

func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is meant
	srv.StartTLS()
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := testClient(t, Config{URL: srv.URL, Retries: -1}).do(ctx, call{method: "GET", path: "/"}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("unknown CA: %v", err)
	}
	if _, _, err := testClient(t, Config{URL: srv.URL, CAFile: ca}).do(ctx, call{method: "GET", path: "/"}); err != nil {
		t.Errorf("CA file: %v", err)
	}
	if _, _, err := testClient(t, Config{URL: srv.URL, Insecure: true}).do(ctx, call{method: "GET", path: "/"}); err != nil {
		t.Errorf("insecure: %v", err)
	}
	notPEM := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(notPEM, []byte("nothing"), 0o600)
	cfg, _, _ := Config{URL: srv.URL, CAFile: notPEM}.withDefaults()
	if _, err := newClient(cfg); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("CA file without a certificate: %v", err)
	}
}

func TestAPIErrorMessages(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"error":{"type":"search_phase_execution_exception","reason":"all shards failed","root_cause":[{"type":"query_shard_exception","reason":"failed to create query"}]},"status":400}`,
			"400 search_phase_execution_exception: all shards failed (query_shard_exception: failed to create query)"},
		{`{"error":"alias [x] missing","status":404}`, "404 : alias [x] missing"},
		{`<html>bad gateway</html>`, "502 : <html>bad gateway</html>"},
	} {
		var status int
		switch {
		case strings.Contains(tc.want, "400"):
			status = 400
		case strings.Contains(tc.want, "404"):
			status = 404
		default:
			status = 502
		}
		e := apiError(call{method: "POST", path: "/x"}, status, []byte(tc.body))
		if !strings.HasSuffix(e.Error(), tc.want) {
			t.Errorf("%s → %q, want …%q", tc.body, e.Error(), tc.want)
		}
	}
}
