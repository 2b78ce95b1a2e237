package opensearch

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// client speaks the REST API both engines share, over net/http. The
// official Elasticsearch client refuses servers that do not say they are
// Elasticsearch, and the OpenSearch one pulls in much we do not use; the
// dozen calls this backend makes are plain JSON.
type client struct {
	base    string // scheme://host[:port][/path], no trailing slash
	http    *http.Client
	user    string
	pass    string
	token   string
	timeout time.Duration
	retries int
	// backoff is the wait before retry n (from 0); tests shorten it.
	backoff func(n int) time.Duration
}

// maxResponse bounds the bytes read from one answer: a search page of 100
// articles is a few MB; anything near this is a misbehaving server.
const maxResponse = 512 << 20

func newClient(c Config) (*client, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.Insecure}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("opensearch: CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("opensearch: CA file %s holds no PEM certificate", c.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	tr.DialContext = (&net.Dialer{Timeout: c.Dial, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = c.Dial
	tr.MaxIdleConnsPerHost = 32
	tr.Proxy = http.ProxyFromEnvironment
	return &client{
		base: c.URL, http: &http.Client{Transport: tr},
		user: c.User, pass: c.Password, token: c.Token,
		timeout: c.Timeout, retries: c.Retries, backoff: expBackoff,
	}, nil
}

// expBackoff waits 100 ms, 200 ms, 400 ms, ... up to 5 s, each drawn
// between half and all of that so that clients refused together do not
// come back together.
func expBackoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n, 6)
	d = min(d, 5*time.Second)
	return d/2 + rand.N(d/2+1)
}

// APIError is an answer of the engine outside 2xx.
type APIError struct {
	Method, Path string
	Status       int
	Type, Reason string // the engine's error type and reason, when it gave them
}

func (e *APIError) Error() string {
	what := e.Type
	if e.Reason != "" {
		what += ": " + e.Reason
	}
	if what == "" {
		what = http.StatusText(e.Status)
	}
	return fmt.Sprintf("opensearch: %s %s: %d %s", e.Method, e.Path, e.Status, what)
}

// IsNotFound reports whether err is a 404 of the engine.
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// retryable reports whether an answer may succeed when asked again: the
// engine was busy (429) or a node or proxy failed (5xx). 501 and 505 say
// the request will never work.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests ||
		(status >= 500 && status != http.StatusNotImplemented && status != http.StatusHTTPVersionNotSupported)
}

// call is one request: path is relative to the base URL and already
// escaped; body is sent as is (JSON, or NDJSON for _bulk).
type call struct {
	method string
	path   string
	query  url.Values
	body   []byte
	ndjson bool
	// accept lists statuses outside 2xx that the caller handles itself.
	accept []int
}

// do sends a call, retrying answers that may succeed later with backoff,
// at most c.retries times, each attempt bounded by c.timeout. It returns
// the status and body of a 2xx or accepted answer, else an *APIError.
func (c *client) do(ctx context.Context, r call) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		status, body, wait, err := c.once(ctx, r)
		if err == nil {
			return status, body, nil
		}
		if ctx.Err() != nil {
			return 0, nil, fmt.Errorf("opensearch: %s %s: %w", r.method, r.path, ctx.Err())
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) && !retryable(apiErr.Status) || attempt >= c.retries {
			return status, body, err
		}
		if wait <= 0 {
			wait = c.backoff(attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, nil, fmt.Errorf("opensearch: %s %s: %w (after %v)", r.method, r.path, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// once makes one attempt. wait is what the server asked for in Retry-After.
func (c *client) once(ctx context.Context, r call) (status int, body []byte, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, rd)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("opensearch: %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		ct := "application/json"
		if r.ndjson {
			ct = "application/x-ndjson"
		}
		req.Header.Set("Content-Type", ct)
	}
	switch {
	case c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case c.user != "":
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("opensearch: %s %s: %w", r.method, r.path, scrub(err))
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("opensearch: %s %s: read answer: %w", r.method, r.path, scrub(err))
	}
	if len(body) > maxResponse {
		return 0, nil, 0, fmt.Errorf("opensearch: %s %s: answer larger than %d bytes", r.method, r.path, maxResponse)
	}
	if resp.StatusCode/100 == 2 {
		return resp.StatusCode, body, 0, nil
	}
	for _, s := range r.accept {
		if resp.StatusCode == s {
			return resp.StatusCode, body, 0, nil
		}
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		wait = min(time.Duration(s)*time.Second, 30*time.Second)
	}
	return resp.StatusCode, body, wait, apiError(r, resp.StatusCode, body)
}

// apiError reads the engine's error document:
// {"error": {"type": ..., "reason": ..., "root_cause": [...]}, "status": N},
// or an older {"error": "text"}.
func apiError(r call, status int, body []byte) *APIError {
	e := &APIError{Method: r.method, Path: r.path, Status: status}
	var doc struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Error) == 0 {
		e.Reason = strings.TrimSpace(string(body[:min(len(body), 200)]))
		return e
	}
	var detail struct {
		Type      string `json:"type"`
		Reason    string `json:"reason"`
		RootCause []struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"root_cause"`
		CausedBy *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"caused_by"`
	}
	if json.Unmarshal(doc.Error, &detail) != nil {
		var s string
		_ = json.Unmarshal(doc.Error, &s)
		e.Reason = s
		return e
	}
	e.Type, e.Reason = detail.Type, detail.Reason
	// A failed search says "all shards failed"; the cause is below.
	if len(detail.RootCause) > 0 && detail.RootCause[0].Reason != "" && detail.RootCause[0].Reason != e.Reason {
		e.Reason += " (" + detail.RootCause[0].Type + ": " + detail.RootCause[0].Reason + ")"
	} else if detail.CausedBy != nil && detail.CausedBy.Reason != "" {
		e.Reason += " (" + detail.CausedBy.Type + ": " + detail.CausedBy.Reason + ")"
	}
	return e
}

// scrub removes credentials from a transport error, which quotes the URL.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s", strings.Replace(err.Error(), ue.URL, redactURL(ue.URL), 1))
	}
	return err
}

// send sends a call and decodes a 2xx answer into out (nil: ignore it).
func (c *client) send(ctx context.Context, r call, out any) error {
	_, body, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("opensearch: %s %s: decode answer: %w", r.method, r.path, err)
	}
	return nil
}

// obj is a JSON object of a request body; encoding/json writes its keys
// sorted, so bodies are deterministic (the golden tests rely on it).
type obj = map[string]any

// arr is a JSON array of a request body.
type arr = []any

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("opensearch: encode request: %v", err)) // only maps, slices, strings and numbers
	}
	return b
}

// Info is what GET / says about the cluster.
type Info struct {
	Engine  string `json:"engine"` // "opensearch" or "elasticsearch"
	Version string `json:"version"`
	Cluster string `json:"cluster"`
	Node    string `json:"node"`
}

// major and minor are the leading numbers of Version.
func (i Info) major() (int, int) {
	parts := strings.SplitN(i.Version, ".", 3)
	maj, _ := strconv.Atoi(parts[0])
	mnr := 0
	if len(parts) > 1 {
		mnr, _ = strconv.Atoi(parts[1])
	}
	return maj, mnr
}

// pit reports whether the engine has point-in-time searches: OpenSearch
// from 2.4 (/_search/point_in_time), Elasticsearch from 7.10 (/_pit).
func (i Info) pit() bool {
	maj, mnr := i.major()
	if i.Engine == engineOpenSearch {
		return maj > 2 || maj == 2 && mnr >= 4
	}
	return maj > 7 || maj == 7 && mnr >= 10
}

const (
	engineOpenSearch     = "opensearch"
	engineElasticsearch  = "elasticsearch"
	minOpenSearchMajor   = 1
	minElasticsearchVers = "7.10"
)

// info asks the node what it is. OpenSearch names its distribution;
// Elasticsearch does not.
func (c *client) info(ctx context.Context) (Info, error) {
	var doc struct {
		Name        string `json:"name"`
		ClusterName string `json:"cluster_name"`
		Version     struct {
			Distribution string `json:"distribution"`
			Number       string `json:"number"`
		} `json:"version"`
	}
	if err := c.send(ctx, call{method: http.MethodGet, path: "/"}, &doc); err != nil {
		return Info{}, err
	}
	in := Info{Engine: engineElasticsearch, Version: doc.Version.Number, Cluster: doc.ClusterName, Node: doc.Name}
	if doc.Version.Distribution == engineOpenSearch {
		in.Engine = engineOpenSearch
	}
	maj, mnr := in.major()
	switch {
	case doc.Version.Number == "":
		return in, fmt.Errorf("opensearch: %s does not answer GET / as OpenSearch or Elasticsearch do (no version number)", redactURL(c.base))
	case in.Engine == engineOpenSearch && maj < minOpenSearchMajor,
		in.Engine == engineElasticsearch && (maj < 7 || maj == 7 && mnr < 10):
		return in, fmt.Errorf("opensearch: %s runs %s %s; tracuu needs OpenSearch %d or later, or Elasticsearch %s or later",
			redactURL(c.base), in.Engine, in.Version, minOpenSearchMajor, minElasticsearchVers)
	}
	return in, nil
}
