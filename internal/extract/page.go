package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tracuu/tracuu/internal/vi"
)

// content is the story text found in the page, with what was learnt on the
// way (lead, trailing author line, visible dates).
type content struct {
	paras       []*block
	lead        string
	tailAuthor  string
	top         *html.Node
	blocks      []*block
	stats       map[*html.Node]*nodeStat
	body        *html.Node
	dateLines   int // distinct date lines in the container
	linkedHeads int // headings in the container that link elsewhere: other stories' titles
	// dateBlocks are the page's short lines holding a date.
	dateBlocks []*block
	firstPara  int // index of the first story paragraph
	dateRank   int // how the publish date was found: ≤ 6 metadata or a line by the title
}

// findBody returns the <body> element, or doc when there is none.
func findBody(doc *html.Node) *html.Node {
	var found *html.Node
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if found != nil || depth > 3 {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	if found == nil {
		return doc
	}
	return found
}

// extractDoc runs metadata reading, content selection and classification on
// a parsed page.
func extractDoc(doc *html.Node, inURL string) Result {
	m := readMeta(doc)
	var res Result
	a := &res.Article

	a.URL = pageURL(m, inURL)
	a.Site = siteOf(a.URL)
	if a.Site == "" {
		a.Site = siteOf(inURL)
	}

	early := pageLang(m, m.title+" "+m.get("og:title")+" "+m.get("description", "og:description"))
	c := findContent(doc, m, early == "vi")
	a.Title = chooseTitle(m, c, a.Site)
	a.Lead = c.lead
	if a.Lead == "" {
		a.Lead = clean(firstNonEmpty(m.ld.Description, m.get("og:description", "description", "twitter:description")))
		if runeLen(a.Lead) > 600 || isSlogan(a.Lead, m, a.Title) {
			a.Lead = ""
		}
	}
	paras := make([]string, 0, len(c.paras))
	titleRunes, titleFold := runeLen(a.Title), vi.Fold(a.Title)
	for _, p := range c.paras {
		if a.Title != "" && p.runes == titleRunes && p.folded() == titleFold {
			continue
		}
		paras = append(paras, p.text)
	}
	a.Body = strings.Join(paras, "\n\n")
	a.Lang = pageLang(m, a.Title+" "+a.Body)
	a.Section = section(m)
	a.Keywords = keywords(m)
	if a.Section == "" {
		a.Section = visibleSection(m, a.Title)
	}
	a.Author = chooseAuthor(m, c, a.Site)
	a.Published, a.Updated, c.dateRank = chooseDates(m, c, a.Title, a.URL+" "+inURL)
	res.Kind, res.Reason = classify(m, c, a, inURL)
	return res
}

// isSlogan reports a meta description that describes the site, not the
// story: it names the site as the page's <title> or og:site_name does
// ("Website Đảng bộ Khối các cơ quan tỉnh Thừa Thiên Huế"), or opens with
// "Website", and has few words besides. Such text is on every page of the
// site and would show in bold above each story.
func isSlogan(desc string, m *meta, title string) bool {
	words := countWords(desc)
	if words == 0 || words > 20 {
		return false
	}
	fd := vi.Fold(desc)
	if strings.HasPrefix(fd, "website ") || strings.HasPrefix(fd, "trang chu ") {
		return true
	}
	names := []string{clean(m.get("og:site_name", "application-name"))}
	if full := []rune(clean(m.title)); title != "" && len(full) > runeLen(title) && vi.Fold(string(full[:runeLen(title)])) == vi.Fold(title) {
		names = append(names, strings.Trim(string(full[runeLen(title):]), " -|:–—»·"))
	}
	for _, n := range names {
		if nw := countWords(n); nw >= 2 && words <= nw+4 && strings.Contains(fd, vi.Fold(n)) {
			return true
		}
	}
	return false
}

// section is the page's section or category. A list ("Thời sự,Chính trị")
// is a breadcrumb: its last item is the most specific.
func section(m *meta) string {
	s := clean(firstNonEmpty(m.get("article:section"), m.ld.Section, m.get("article.section", "category")))
	if parts := strings.Split(s, ","); len(parts) > 1 && len(parts) <= 3 {
		s = strings.TrimSpace(parts[len(parts)-1])
	}
	if runeLen(s) > 60 {
		return ""
	}
	return s
}

// keywords collects the page's tags from meta tags and JSON-LD, deduplicated.
func keywords(m *meta) []string {
	var raw []string
	for _, k := range []string{"news_keywords", "keywords", "article:tag"} {
		raw = append(raw, m.props[k]...)
	}
	raw = append(raw, m.ld.Keywords...)
	seen := map[string]bool{}
	var out []string
	for _, r := range raw {
		for _, k := range strings.FieldsFunc(r, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
			k = clean(k)
			if k == "" || runeLen(k) > 80 || seen[strings.ToLower(k)] {
				continue
			}
			seen[strings.ToLower(k)] = true
			out = append(out, k)
			if len(out) == 30 {
				return out
			}
		}
	}
	return out
}
