package extract

import (
	"encoding/json"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tracuu/tracuu/internal/vi"
)

// meta is what the page says about itself outside its visible text.
type meta struct {
	title     string              // <title>
	lang      string              // <html lang>, content-language
	canonical string              // <link rel=canonical>
	props     map[string][]string // <meta name|property|itemprop> values, keys lower-case
	ld        ldArticle           // first JSON-LD article found
	hasLD     bool
	ldTypes   []string // every JSON-LD @type seen
	times     []timeEl // <time> elements in document order
	itemDate  string   // itemprop=datePublished on a visible element
	bylines   []*html.Node
	h1        []*html.Node
	crumbs    []*html.Node // breadcrumb trails
	cates     []*html.Node // elements naming the story's category
}

// timeEl is a <time> element and what it says.
type timeEl struct {
	node     *html.Node
	datetime string
	pubdate  bool
}

// ldArticle holds the fields we read from a JSON-LD Article.
type ldArticle struct {
	Headline, Name, Description, URL, Section, Body, Lang string
	Published, Modified                                   string
	Authors, Keywords                                     []string
	Publisher                                             string
}

// get returns the first non-empty value of the meta tags named by keys.
func (m *meta) get(keys ...string) string {
	for _, k := range keys {
		for _, v := range m.props[k] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// Selectors of the metadata readMeta collects, compiled once. The tag
// selectors form one group and the named elements another, so the page is
// walked twice, not once per selector.
var (
	selTemplate = cascadia.MustCompile("template")
	// selTagged are the elements read for what they are.
	selTagged = cascadia.MustCompile(`html, title, meta, link[rel], script[type*="ld+json" i], time, h1`)
	// selNamed are the elements whose itemprop, rel, class, id or
	// aria-label may mark a date, a byline, a breadcrumb trail or a
	// category label.
	selNamed = cascadia.MustCompile("[itemprop]:not(meta), [rel], [class], [id], [aria-label]")
)

// readMeta reads what the page says about itself: <title>, <html lang>, the
// <meta> tags, the canonical link, JSON-LD, <time> elements, <h1>s, bylines
// (itemprop, rel=author, author/byline class names), breadcrumb trails and
// category labels. Elements inside a <template> are not part of the page.
func readMeta(root *html.Node) *meta {
	m := &meta{props: make(map[string][]string, 32)}
	doc := goquery.NewDocumentFromNode(root).Selection
	find := func(sel goquery.Matcher) *goquery.Selection { return doc.FindMatcher(sel) }
	if doc.FindMatcher(selTemplate).Length() > 0 {
		find = func(sel goquery.Matcher) *goquery.Selection {
			return doc.FindMatcher(sel).FilterFunction(func(_ int, s *goquery.Selection) bool { return !inTemplate(s.Nodes[0]) })
		}
	}
	find(selTagged).Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		switch n.DataAtom {
		case atom.Html:
			if m.lang == "" {
				m.lang = firstNonEmpty(s.AttrOr("lang", ""), s.AttrOr("xml:lang", ""))
			}
		case atom.Title:
			// An SVG's <title> names a drawing, not the page.
			if m.title == "" && n.Namespace == "" {
				m.title = textOf(n)
			}
		case atom.Meta:
			content := s.AttrOr("content", "")
			for _, k := range []string{"name", "property", "itemprop", "http-equiv"} {
				if key := strings.ToLower(strings.TrimSpace(s.AttrOr(k, ""))); key != "" {
					m.props[key] = append(m.props[key], content)
				}
			}
		case atom.Link:
			rel := strings.ToLower(s.AttrOr("rel", ""))
			if m.canonical == "" && (rel == "canonical" || strings.Contains(" "+rel+" ", " canonical ")) {
				m.canonical = strings.TrimSpace(s.AttrOr("href", ""))
			}
		case atom.Script:
			if n.FirstChild != nil {
				m.readLD(n.FirstChild.Data)
			}
		case atom.Time:
			_, pub := s.Attr("pubdate")
			if strings.EqualFold(s.AttrOr("itemprop", ""), "datePublished") {
				pub = true
			}
			m.times = append(m.times, timeEl{node: n, datetime: s.AttrOr("datetime", ""), pubdate: pub})
		case atom.H1:
			m.h1 = append(m.h1, n)
		}
	})
	// Bylines in document order: an itemprop names its element's role
	// (author or creator is a byline, datePublished a date, anything else
	// neither); without one, rel=author and author/byline class names do.
	find(selNamed).Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		if ip := s.AttrOr("itemprop", ""); ip != "" && n.DataAtom != atom.Meta {
			switch strings.ToLower(ip) {
			case "datepublished":
				if m.itemDate == "" {
					m.itemDate = firstNonEmpty(s.AttrOr("datetime", ""), s.AttrOr("content", ""), textOf(n))
				}
			case "author", "creator":
				m.bylines = append(m.bylines, n)
			}
		} else if isBylineNode(n) {
			m.bylines = append(m.bylines, n)
		}
		switch classifyTrail(n) {
		case trailCrumbs:
			m.crumbs = append(m.crumbs, n)
		case trailCate:
			m.cates = append(m.cates, n)
		}
	})
	return m
}

// inTemplate reports a node inside a <template>, which is never rendered.
func inTemplate(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == atom.Template {
			return true
		}
	}
	return false
}

// firstNonEmpty returns the first of ss that is not blank, trimmed.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// isBylineNode reports elements that name the author: rel=author links and
// elements whose class or id says author/byline (tác giả in Vietnamese CMSs).
func isBylineNode(n *html.Node) bool {
	if strings.Contains(strings.ToLower(attr(n, "rel")), "author") {
		return true
	}
	h := strings.ToLower(hintString(n))
	if h == "" {
		return false
	}
	for _, w := range []string{"author", "byline", "tac-gia", "tacgia", "tac_gia", "writer", "nguoi-viet", "article-author"} {
		if strings.Contains(h, w) {
			// "author-bio", "author-avatar", "authors-list" boxes are not
			// the byline itself.
			return !strings.Contains(h, "bio") && !strings.Contains(h, "avatar") && !strings.Contains(h, "img")
		}
	}
	return false
}

// articleTypes are the schema.org types (lower case) of news stories.
var articleTypes = map[string]bool{
	"newsarticle": true, "article": true, "blogposting": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "reviewnewsarticle": true,
	"backgroundnewsarticle": true, "scholarlyarticle": true, "techarticle": true, "report": true,
	"liveblogposting": true, "socialmediaposting": true, "posting": true,
}

// readLD parses one JSON-LD script and keeps the first article object in it,
// looking through arrays and @graph.
func (m *meta) readLD(src string) {
	src = strings.TrimSpace(src)
	src = strings.TrimPrefix(src, "<!--")
	src = strings.TrimSuffix(src, "-->")
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return // broken JSON-LD is common; the other sources still count
	}
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			types := ldStrings(x["@type"])
			isArt := false
			for _, t := range types {
				m.ldTypes = append(m.ldTypes, strings.ToLower(t))
				if articleTypes[strings.ToLower(t)] {
					isArt = true
				}
			}
			if isArt && !m.hasLD {
				m.hasLD = true
				m.ld = ldArticle{
					Headline:    ldString(x["headline"]),
					Name:        ldString(x["name"]),
					Description: ldString(x["description"]),
					URL:         firstNonEmpty(ldString(x["url"]), ldID(x["mainEntityOfPage"])),
					Section:     strings.Join(ldStrings(x["articleSection"]), ", "),
					Body:        ldString(x["articleBody"]),
					Lang:        ldString(x["inLanguage"]),
					Published:   firstNonEmpty(ldString(x["datePublished"]), ldString(x["dateCreated"])),
					Modified:    ldString(x["dateModified"]),
					Authors:     ldNames(x["author"]),
					Keywords:    ldStrings(x["keywords"]),
					Publisher:   strings.Join(ldNames(x["publisher"]), ", "),
				}
			}
			if g, ok := x["@graph"]; ok {
				visit(g, depth+1)
			}
			if me, ok := x["mainEntity"]; ok {
				visit(me, depth+1)
			}
		}
	}
	visit(v, 0)
}

// ldString reads a JSON-LD value as one string.
func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		if len(x) > 0 {
			return ldString(x[0])
		}
	case map[string]any:
		if s, ok := x["@value"].(string); ok {
			return s
		}
	}
	return ""
}

// ldStrings reads a JSON-LD value as a list of strings.
func ldStrings(v any) []string {
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return nil
		}
		return []string{strings.TrimSpace(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ldStrings(e)...)
		}
		return out
	}
	return nil
}

// ldID reads a JSON-LD reference (a URL or an object with @id or url).
func ldID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["@id"].(string); ok {
			return s
		}
		if s, ok := x["url"].(string); ok {
			return s
		}
	}
	return ""
}

// ldNames reads author/publisher values: a string, an object with a name,
// or a list of either.
func ldNames(v any) []string {
	switch x := v.(type) {
	case string:
		if s := strings.TrimSpace(x); s != "" && !strings.HasPrefix(s, "http") {
			return []string{s}
		}
	case map[string]any:
		return ldNames(x["name"])
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ldNames(e)...)
		}
		return out
	}
	return nil
}

// What classifyTrail finds an element to be.
const (
	trailNone = iota
	trailCrumbs
	trailCate
)

// crumbWords and cateTokens name breadcrumb trails and category labels in
// the class or id of an element.
var (
	crumbWords = newWords("breadcrumb", "breadcrumbs", "breadcrumb-box", "crumbs", "crumb", "path", "duong-dan", "duongdan", "navigation-path")
	cateTokens = map[string]bool{"cate": true, "cate-name": true, "catename": true, "category": true, "cat-name": true,
		"chuyen-muc": true, "chuyenmuc": true, "section-name": true, "category-name": true, "catname": true}
)

// classifyTrail tells breadcrumb trails and category labels by their names.
func classifyTrail(n *html.Node) int {
	if strings.EqualFold(attr(n, "aria-label"), "breadcrumb") {
		return trailCrumbs
	}
	h := hintString(n)
	if h == "" {
		return trailNone
	}
	h = strings.ToLower(h)
	if !strings.Contains(h, "crumb") && !strings.Contains(h, "path") && !strings.Contains(h, "duong") &&
		!strings.Contains(h, "cat") && !strings.Contains(h, "chuyen") && !strings.Contains(h, "section") {
		return trailNone // the common case, decided without splitting
	}
	if crumbWords.in(h) {
		return trailCrumbs
	}
	for _, tok := range strings.Fields(h) {
		if cateTokens[tok] {
			return trailCate
		}
	}
	return trailNone
}

// homeLabels are the first items of breadcrumb trails.
var homeLabels = map[string]bool{"trang chu": true, "home": true, "trang nhat": true, "trang dau": true}

// visibleSection reads the section from the page: the last item of a
// breadcrumb trail other than the home page and the title itself, else a
// category label.
func visibleSection(m *meta, title string) string {
	ft := vi.Fold(title)
	for _, c := range m.crumbs {
		items := crumbItems(c)
		for i := len(items) - 1; i >= 0; i-- {
			f := vi.Fold(items[i])
			if homeLabels[f] || f == ft || runeLen(items[i]) > 60 || strings.Trim(f, " »>/|-›") == "" {
				continue
			}
			return items[i]
		}
	}
	for _, c := range m.cates {
		if t := textOf(c); t != "" && runeLen(t) <= 40 && vi.Fold(t) != ft {
			return t
		}
	}
	return ""
}

// selCrumbItem are the items of a breadcrumb trail.
var selCrumbItem = cascadia.MustCompile(`a, li, span[itemprop="name"]`)

// crumbItems returns the texts of a trail's items, outermost items only
// (the link inside an <li> is the same item).
func crumbItems(trail *html.Node) []string {
	if selCrumbItem.Match(trail) {
		return []string{textOf(trail)}
	}
	var items []string
	goquery.NewDocumentFromNode(trail).FindMatcher(selCrumbItem).Each(func(_ int, s *goquery.Selection) {
		for p := s.Nodes[0].Parent; p != nil && p != trail; p = p.Parent {
			if selCrumbItem.Match(p) {
				return
			}
		}
		if t := textOf(s.Nodes[0]); t != "" {
			items = append(items, t)
		}
	})
	return items
}
