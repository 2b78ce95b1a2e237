// Package extract turns the raw bytes of one saved web page into an
// article.Article: it decodes the charset, parses the HTML, reads the page's
// metadata (JSON-LD, OpenGraph, meta tags, visible bylines and dates),
// separates the story text from the template around it and decides whether
// the page is an article at all.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/net/html"

	"github.com/tracuu/tracuu/internal/article"
)

// MaxPageBytes is the largest page Extract accepts. Real news pages are well
// under 2 MB; anything much larger is an archive or a binary saved by mistake.
const MaxPageBytes = 20 << 20

// Input is one raw page.
type Input struct {
	Body   []byte      // raw bytes as saved (any charset)
	URL    string      // where the page came from, when known ("" otherwise)
	Header http.Header // HTTP response headers when known (WARC), else nil
}

// Kind classifies a page.
type Kind string

// The kinds of page Extract tells apart.
const (
	KindArticle  Kind = "article"
	KindHomepage Kind = "homepage"
	KindListing  Kind = "listing" // section/category/tag/search listings
	KindError    Kind = "error"   // 404/error pages
	KindEmpty    Kind = "empty"   // no usable text
)

// Result is what extraction found.
type Result struct {
	Article article.Article // ID left empty (the importer assigns it); URL = canonical URL when the page states one, else Input.URL
	Kind    Kind
	Reason  string // why it is not an article (empty for articles)
	Charset string // charset the bytes were decoded from, e.g. "utf-8", "windows-1258"
	// FontEncodings are the legacy font encodings (EncodingTCVN3,
	// EncodingVNI) of text that was converted to Unicode, in that order;
	// empty for a page written in Unicode or a real charset.
	FontEncodings []string
}

// Errors Extract wraps; callers may test for them with errors.Is.
var (
	ErrTooLarge       = errors.New("page exceeds size limit")
	ErrBinary         = errors.New("page is binary data, not HTML")
	ErrLegacyEncoding = errors.New("page uses a legacy Vietnamese font encoding that could not be converted")
	ErrParse          = errors.New("page could not be parsed as HTML")
)

// Extract extracts the article from one page. An error means the bytes could
// not be processed at all (binary data, over the size limit, undecodable
// legacy encoding); a page that is simply not an article is a Result with
// Kind != KindArticle and a Reason, not an error.
func Extract(in Input) (Result, error) {
	if len(in.Body) > MaxPageBytes {
		return Result{}, fmt.Errorf("extract %s: %d bytes: %w", displayURL(in.URL), len(in.Body), ErrTooLarge)
	}
	if isBinary(in.Body) {
		return Result{}, fmt.Errorf("extract %s: %w", displayURL(in.URL), ErrBinary)
	}
	text, cs, err := decode(in.Body, in.Header)
	if err != nil {
		return Result{}, fmt.Errorf("extract %s: %w", displayURL(in.URL), err)
	}
	doc, err := html.Parse(bytes.NewReader(text))
	if err != nil {
		// x/net/html refuses trees nested deeper than 512 elements; that is
		// the bound that keeps absurd nesting from exhausting the stack.
		return Result{}, fmt.Errorf("extract %s: %w: %v", displayURL(in.URL), ErrParse, err)
	}
	fonts := convertLegacy(doc, cs)
	res := extractDoc(doc, in.URL)
	res.Charset, res.FontEncodings = cs, fonts
	if err := checkLegacyFont(res.Article.Title + "\n" + res.Article.Body); err != nil {
		return Result{}, fmt.Errorf("extract %s: %w", displayURL(in.URL), err)
	}
	return res, nil
}

// displayURL names the page in error messages.
func displayURL(u string) string {
	if u == "" {
		return "page"
	}
	return u
}
