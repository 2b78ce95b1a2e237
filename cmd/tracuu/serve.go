package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/internal/ingest"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/server"
	"github.com/tracuu/tracuu/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("serve", stderr)
	dir := indexFlag(fl)
	bf := addBackendFlags(fl, true)
	addr := fl.String("addr", envOr("TRACUU_ADDR", ":8080"), "listen `ADDRESS` ($TRACUU_ADDR)")
	origins := fl.String("cors-origins", os.Getenv("TRACUU_CORS_ORIGINS"), "`LIST` of comma-separated origins allowed to call the public API; empty allows any ($TRACUU_CORS_ORIGINS)")
	roots := fl.String("import-roots", os.Getenv("TRACUU_IMPORT_ROOTS"), "`LIST` of folders the admin API may import from, separated by "+string(filepath.ListSeparator)+" ($TRACUU_IMPORT_ROOTS)")
	tokenFile := fl.String("admin-token-file", "", "read the admin token from `FILE` instead of $TRACUU_ADMIN_TOKEN")
	create := fl.Bool("create", false, "create an empty index when --index (or --opensearch-index) names none (the admin API can then import into it)")
	rate := fl.Int("rate-limit", -1, "`N` public API requests per minute per client address; 0 = off (default: off on loopback, 1200 otherwise)")
	if rest, err := parse(fl, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{"unexpected argument " + rest[0]}
	}
	be, err := bf.resolve(*dir)
	if err != nil {
		return err
	}
	// A mistyped --index would otherwise serve a new, empty index without
	// a word: refuse unless an empty one is what was asked for. (A
	// cluster's index is checked when it is opened.)
	if be.cluster == nil && !*create && !hasIndex(*dir) {
		return fmt.Errorf("no index at %s: import into it first (tracuu import --index %s SOURCE...), check the path, or pass --create to serve a new empty index", *dir, *dir)
	}
	token := os.Getenv("TRACUU_ADMIN_TOKEN")
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return fmt.Errorf("admin token file: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if err := server.CheckToken(token); err != nil {
		return usageError{err.Error()}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if *rate < 0 {
		*rate = 1200
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
			*rate = 0
		}
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	x, err := openIngest(ctx, be, writeMode{noCreate: !*create}, ingest.Options{Log: log}, stderr)
	if errors.Is(err, opensearch.ErrNoIndex) {
		err = fmt.Errorf("%w; check --opensearch-index, or pass --create to serve a new empty index", err)
	}
	if err != nil {
		ln.Close()
		return err
	}
	defer x.Close()
	handler := server.New(&search.Service{Backend: x.Live()}, server.Config{
		CORSOrigins: splitList(*origins), Log: log, Web: web.FS(), RateLimit: *rate,
		Admin: server.Admin{Token: token, Roots: filepath.SplitList(*roots), Ingest: x},
	})
	st, _ := x.Live().Stats(ctx)
	fmt.Fprintf(stdout, "tracuu: serving %d articles from %s at %s\n", st.Articles, be.where(), browseURL(ln.Addr()))
	if be.cluster == nil {
		// search and stats cannot open an index directory the server
		// holds: this file tells them where to ask instead. (A cluster
		// they reach themselves.)
		addrFile := filepath.Join(*dir, serveAddrFile)
		if err := os.WriteFile(addrFile, []byte(localURL(ln.Addr())+"\n"), 0o644); err != nil {
			log.Warn("cannot note the server's address for search and stats", "err", err)
		}
		defer os.Remove(addrFile)
	}
	srv, done := server.Serve(ln, handler, server.DefaultLimits)
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let requests in flight finish, then let a running
	// import finish its batch, then close the index.
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := handler.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: admin jobs: %w", err)
	}
	return nil
}

// serveAddrFile, in the index directory, holds the address of the server
// that has the index open.
const serveAddrFile = "serve.addr"

// localURL is the address this machine reaches a listener at.
func localURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return strings.TrimSuffix(browseURL(a), "/")
}

// browseURL is the address a person can open for a listener.
func browseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}

// hasIndex reports whether dir holds anything, as an index directory does
// after its first open.
func hasIndex(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
