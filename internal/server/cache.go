package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// validator issues ETags for GET answers of the API. An answer depends
// only on the request and the index contents, so the tag is derived from
// the URL and the index generation: a client revalidating an unchanged
// search gets a 304 without the engine running at all.
type validator struct {
	boot string        // distinguishes server runs, whose indexes may differ
	gen  atomic.Uint64 // bumped whenever this server changes the index
}

func newValidator() *validator {
	return &validator{boot: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// Changed invalidates every tag issued so far.
func (v *validator) Changed() { v.gen.Add(1) }

func (v *validator) tag(r *http.Request) string {
	sum := sha256.Sum256([]byte(v.boot + "/" + strconv.FormatUint(v.gen.Load(), 10) + "/" + r.URL.RequestURI()))
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}

// middleware sets ETag and Cache-Control and answers 304 to a matching
// If-None-Match. maxAge is how long clients may reuse an answer unasked.
func (v *validator) middleware(maxAge int) func(http.Handler) http.Handler {
	cc := "no-cache"
	if maxAge > 0 {
		cc = "public, max-age=" + strconv.Itoa(maxAge)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			tag := v.tag(r)
			w.Header().Set("ETag", tag)
			w.Header().Set("Cache-Control", cc)
			for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
				if strings.TrimSpace(t) == tag {
					w.WriteHeader(http.StatusNotModified)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
