package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/tracuu/tracuu/internal/vi"
)

// bylinePrefix matches the label before a writer's name.
var bylinePrefix = regexp.MustCompile(`(?i)^(by|written by|tác giả|bài và ảnh|bài, ảnh|bài|ảnh|theo|phóng viên|pv|nhóm phóng viên|thực hiện)\s*[:.]?\s+`)

// chooseAuthor takes the author from JSON-LD, then meta tags, then a visible
// byline, then a trailing name line under the story.
func chooseAuthor(m *meta, c *content, site string) string {
	siteF := vi.Fold(strings.Split(site, ".")[0])
	publisher := vi.Fold(m.ld.Publisher)
	ok := func(s string) bool {
		f := vi.Fold(s)
		if f == "" || runeLen(s) > 80 || strings.Contains(f, "http") || strings.Contains(f, "www.") || strings.Contains(f, "@") {
			return false
		}
		nospace := strings.ReplaceAll(f, " ", "")
		if siteF != "" && len(siteF) > 2 && strings.Contains(nospace, siteF) || publisher != "" && f == publisher {
			return false
		}
		if notAuthor.MatchString(f) || isHandle(s) {
			return false
		}
		return !siteWords.MatchString(s) || countWords(s) <= 4 && !strings.Contains(f, ".")
	}
	join := func(names []string) string {
		var out []string
		seen := map[string]bool{}
		for _, n := range names {
			n = clean(bylinePrefix.ReplaceAllString(clean(n), ""))
			if ok(n) && !seen[vi.Fold(n)] {
				seen[vi.Fold(n)] = true
				out = append(out, n)
			}
		}
		return strings.Join(out, ", ")
	}
	if s := join(m.ld.Authors); s != "" {
		return s
	}
	if s := join(splitNames(m.props["article:author"])); s != "" {
		return s
	}
	// Visible bylines, but not those of comment threads, and only the
	// first that names someone: later ones belong to other stories.
	for _, n := range m.bylines {
		if inComments(n) {
			continue
		}
		t := textOf(n)
		if t == "" || runeLen(t) > 80 {
			continue
		}
		if s := join(splitNames([]string{t})); s != "" {
			return s
		}
	}
	if c.tailAuthor != "" && ok(c.tailAuthor) {
		return c.tailAuthor
	}
	// Vietnamese CMSs often fill <meta name="author"> with the vendor or
	// the site, so it comes last.
	for _, k := range []string{"author", "dc.creator", "sailthru.author", "parsely-author", "byl", "citation_author"} {
		if s := join(splitNames(m.props[k])); s != "" {
			return s
		}
	}
	return ""
}

// notAuthor matches (folded) names of CMS vendors, teams and roles that
// meta tags give as the author.
var notAuthor = regexp.MustCompile(`channelvn|vccorp|\bseo\b|\bteam\b|\badmin|webmaster|quan tri|\bcms\b|cong nghe|\bfpt\b|\bstaff\b|editorial|\bnews\b|bien tap vien|ban bien tap|toa soan`)

// isHandle reports a user name rather than a person's name: one word, all
// lower case or with digits ("tuanna1", "cafefdotvn").
func isHandle(s string) bool {
	if strings.ContainsAny(s, " \t") {
		return false
	}
	for _, r := range s {
		if unicode.IsDigit(r) || r == '_' {
			return true
		}
	}
	return strings.ToLower(s) == s
}

// inComments reports a node inside a comment thread.
func inComments(n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p.Type == html.ElementNode {
			h := strings.ToLower(hintString(p))
			if strings.Contains(h, "comment") || strings.Contains(h, "binh-luan") || strings.Contains(h, "binhluan") || strings.Contains(h, "reply") {
				return true
			}
		}
	}
	return false
}

// splitNames splits author lists on commas, "and", "và", semicolons.
func splitNames(vals []string) []string {
	var out []string
	for _, v := range vals {
		v = clean(v)
		v = strings.ReplaceAll(v, " and ", ", ")
		v = strings.ReplaceAll(v, " và ", ", ")
		for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' || r == '&' }) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
