package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/server"
)

// openForReading opens the index chosen read-only. When a running server
// holds a Bleve index directory, it returns the server's base URL
// instead; when something else does (an import), the error says to wait
// or stop it. A cluster is opened directly, whoever else uses it.
func openForReading(ctx context.Context, be backend) (index.Backend, string, error) {
	b, err := openReadOnly(ctx, be)
	if err == nil {
		return b, "", nil
	}
	if be.cluster == nil {
		if base := runningServer(ctx, be.dir); base != "" {
			return nil, base, nil
		}
	}
	return nil, "", err
}

// openService opens the index chosen read-only for the research commands
// and returns the search service over it and the function that closes it.
// When a running server holds the index, it returns the server's base URL
// instead, and the command asks the server's API.
func openService(ctx context.Context, bf *backendFlags, dir string) (*search.Service, string, func(), error) {
	be, err := bf.resolve(dir)
	if err != nil {
		return nil, "", func() {}, err
	}
	b, base, err := openForReading(ctx, be)
	if err != nil || base != "" {
		return nil, base, func() {}, err
	}
	return &search.Service{Backend: b}, "", func() { b.Close() }, nil
}

// runningServer returns the base URL of a `tracuu serve` that holds the
// index at dir and answers, or "".
func runningServer(ctx context.Context, dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, serveAddrFile))
	if err != nil {
		return ""
	}
	base := strings.TrimSpace(string(b))
	if _, err := url.Parse(base); err != nil || !strings.HasPrefix(base, "http://") {
		return ""
	}
	var ready map[string]string
	if err := getJSON(ctx, base+"/readyz", &ready); err != nil {
		return ""
	}
	return base
}

// answer is the research commands' answer: from the running server's API
// at path when base is set, otherwise computed by local on the index.
func answer[T any](ctx context.Context, base, path string, v url.Values, local func() (T, error)) (T, error) {
	if base != "" {
		var out T
		return out, getJSON(ctx, base+path+"?"+v.Encode(), &out)
	}
	out, err := local()
	if err != nil {
		return out, asUsage(err)
	}
	return out, nil
}

// getJSON decodes the JSON answer of a GET; an error answer becomes an
// error with the server's message.
func getJSON(ctx context.Context, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	body, err := getBody(ctx, u)
	if err != nil {
		return err
	}
	defer body.Close()
	return json.NewDecoder(body).Decode(v)
}

// getBody returns the body of a successful GET for the caller to read and
// close; an error answer becomes an error with the server's message.
func getBody(ctx context.Context, u string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var e server.ErrorBody
		json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode == http.StatusBadRequest {
			return nil, usageError{e.Error.Message}
		}
		return nil, fmt.Errorf("%s: %s %s", u, resp.Status, e.Error.Message)
	}
	return resp.Body, nil
}
