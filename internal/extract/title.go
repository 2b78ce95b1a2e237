package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/tracuu/tracuu/internal/vi"
)

// titleSeps separate a headline from site and section names in <title>.
var titleSeps = []string{" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " / "}

// portalWords mark a title segment as the name of a paper or portal.
var portalWords = regexp.MustCompile(`(?i)(báo |tạp chí|cổng thông tin|trang tin|trang thông tin|điện tử|online|\.vn\b|\.com\b|\.net\b|\.org\b)`)

// siteWords, weaker than portalWords, also hold words that name papers but
// occur in headlines too ("giáo dục", "news").
var siteWords = regexp.MustCompile(`(?i)(báo|tạp chí|cổng thông tin|trang tin|trang thông tin|điện tử|online|\.vn\b|\.com\b|\.net\b|\.org\b|news|times|post|tribune|journal|herald|guardian|telegraph|review|magazine|blog|vnexpress|dân trí|tuổi trẻ|thanh niên|giáo dục|người lao động|lao động|express|daily|weekly|reuters|bbc|cnn)`)

// chooseTitle prefers the page's <h1> when the metadata title contains it
// (that drops site suffixes for free), else the metadata title with its
// site-name segments removed.
func chooseTitle(m *meta, c *content, site string) string {
	metaTitles := []string{m.get("og:title"), m.ld.Headline, m.get("twitter:title"), m.title}
	for _, h := range m.h1 {
		t := textOf(h)
		if runeLen(t) < 8 || runeLen(t) > 300 || inLogo(h) {
			continue
		}
		ft := vi.Fold(t)
		for _, mt := range metaTitles {
			// Compare with the title stripped of site names, so that a
			// logo <h1> holding the site's name does not match.
			if mt != "" && strings.Contains(vi.Fold(stripSiteName(clean(mt), m, site)), ft) {
				return t
			}
		}
	}
	// A metadata title that the page also shows as a line of its own is
	// the story's; one that does not may be a site-wide slogan.
	// Only blocks as long as some candidate can match it (folding keeps
	// the number of characters of NFC text), which spares folding the rest.
	lengths := map[int]bool{}
	for _, mt := range metaTitles {
		for _, p := range titlePrefixes(clean(mt)) {
			lengths[runeLen(p)] = true
		}
	}
	shown := make(map[string]bool)
	for _, bl := range c.blocks {
		if bl.runes <= 300 && lengths[bl.runes] {
			shown[bl.folded()] = true
		}
	}
	first := ""
	for _, mt := range metaTitles {
		if mt = clean(mt); mt == "" {
			continue
		}
		if p := shownPrefix(mt, shown); p != "" {
			return p
		}
		st := stripSiteName(mt, m, site)
		if first == "" {
			first = st
		}
	}
	if first != "" {
		return first
	}
	if len(m.h1) > 0 {
		return textOf(m.h1[0])
	}
	return ""
}

// stripSiteName removes trailing site and section names from a title.
func stripSiteName(t string, m *meta, site string) string {
	siteName := vi.Fold(clean(m.get("og:site_name", "application-name")))
	host := vi.Fold(strings.Split(site, ".")[0])
	section := vi.Fold(clean(m.get("article:section")))
	for {
		cut, sep := -1, ""
		for _, s := range titleSeps {
			if i := strings.LastIndex(t, s); i > cut {
				cut, sep = i, s
			}
		}
		if cut <= 0 {
			return t
		}
		head, tail := strings.TrimSpace(t[:cut]), strings.TrimSpace(t[cut+len(sep):])
		ft := vi.Fold(tail)
		nospace := strings.ReplaceAll(ft, " ", "")
		tw, hw := countWords(tail), countWords(head)
		isSite := portalWords.MatchString(tail) && tw <= 8 ||
			siteWords.MatchString(tail) && tw <= 5 && runeLen(tail) < runeLen(head) ||
			siteName != "" && (strings.Contains(ft, siteName) || strings.Contains(siteName, ft)) ||
			host != "" && len(host) > 2 && strings.Contains(nospace, host) ||
			section != "" && ft == section ||
			// Pipes separate a title from its section and site; dashes
			// also join the parts of headlines, so they need more proof.
			sep == " | " && tw <= 4 && hw >= 3 ||
			tw <= 3 && hw >= 4 && runeLen(tail)*4 < runeLen(head)
		if !isSite || countWords(head) < 2 {
			return t
		}
		t = head
	}
}

// inLogo reports a heading that is the site's logo or masthead.
func inLogo(n *html.Node) bool {
	for p, level := n, 0; p != nil && level < 4; p, level = p.Parent, level+1 {
		h := strings.ToLower(hintString(p))
		if strings.Contains(h, "logo") || strings.Contains(h, "brand") || strings.Contains(h, "masthead") || strings.Contains(h, "site-title") {
			return true
		}
	}
	return false
}

// shownPrefix returns the longest leading part of a title, cut at a
// separator, that the page shows as a line of its own.
func shownPrefix(t string, shown map[string]bool) string {
	for _, p := range titlePrefixes(t) {
		if runeLen(p) >= 8 && shown[vi.Fold(p)] {
			return p
		}
	}
	return ""
}

// titlePrefixes lists t and its leading parts cut at title separators,
// longest first.
func titlePrefixes(t string) []string {
	var out []string
	for end := len(t); end > 0; {
		out = append(out, strings.TrimSpace(t[:end]))
		next := -1
		for _, sep := range titleSeps {
			if i := strings.LastIndex(t[:end], sep); i > next {
				next = i
			}
		}
		if next <= 0 {
			break
		}
		end = next
	}
	return out
}
