package extract

import (
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Class and id words that mark an element as part of the template rather
// than the story (English and the Vietnamese/romanised words portal CMSs use).
var (
	negativeHint = substrings{
		"comment", "contact", "foot", "masthead", "outbrain", "promo", "related", "relate",
		"scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "widget",
		"menu", "nav", "breadcrumb", "banner", "advert", "social", "login", "counter", "thong-ke",
		"thongke", "lien-quan", "lienquan", "tin-khac", "tinkhac", "other-news", "othernews",
		"popular", "most-", "subscribe", "newsletter", "recommend", "rss", "disqus", "tag-list",
		"taglist", "tags", "taboola", "cookie", "gdpr", "modal", "popup", "pagination", "pager",
		"signup", "byline", "dateline", "author-info", "authorinfo", "bio",
	}
	positiveHint = substrings{
		"article", "body", "content", "entry", "hentry", "main", "post", "text", "blog", "story",
		"detail", "chi-tiet", "chitiet", "noi-dung", "noidung", "fck_detail", "news-content",
		"newscontent", "maincontent",
	}
	// unlikelyHint marks elements dropped before scoring unless they also
	// look like a content wrapper (maybeHint).
	unlikelyHint = substrings{
		"banner", "breadcrumb", "combx", "comment", "community", "cover-wrap", "disqus", "extra",
		"footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss",
		"shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break",
		"agegate", "pagination", "pager", "popup", "yom-remote", "share", "newsletter", "login",
		"thong-ke", "thongke", "tin-khac", "tinkhac", "other-news", "othernews", "lien-quan",
		"lienquan", "most-read", "mostread", "xem-nhieu", "xemnhieu", "doc-nhieu", "docnhieu",
		"subscribe", "cookie", "navbar", "topbar", "nav-", "-nav", "outbrain", "taboola",
		"recommend", "promo",
	}
	maybeHint = substrings{
		"and", "article", "body", "column", "content", "main", "shadow", "detail", "chi-tiet",
		"chitiet", "noi-dung", "noidung",
	}
)

// hintString is an element's class and id, the names templates give their
// parts.
func hintString(n *html.Node) string {
	c, id := attr(n, "class"), attr(n, "id")
	if c == "" {
		return id
	}
	if id == "" {
		return c
	}
	return c + " " + id
}

// strongHint names parts of the page that are never story text, even when
// they sit inside the story container (share bars, related-story boxes,
// comment threads, portal counters, login boxes, bylines, captions).
var strongHint = newWords(
	"trending", "carousel", "swiper",
	"share", "sharing", "social", "related", "relate", "comment", "comments", "thong-ke",
	"thongke", "counter", "login", "other-news", "othernews", "tin-khac", "tinkhac",
	"tin-lien-quan", "tinlienquan", "lien-quan", "lienquan", "newsletter", "subscribe",
	"advert", "ads", "ad", "banner", "promo", "recommend", "tag", "tags", "tag-list",
	"taglist", "keyword", "keywords", "breadcrumb", "breadcrumbs", "author-bio", "authorbio",
	"print", "toolbar", "tools", "rating", "vote", "byline", "dateline", "author", "authors",
	"author-name", "authorname", "timestamp", "posted-on", "postedon", "entry-meta",
	"entrymeta", "article-meta", "articlemeta", "post-meta", "postmeta", "published", "date",
	"caption", "credit", "credits", "photo-credit", "photocredit", "wp-caption-text",
	"xem-nhieu", "xemnhieu", "most-read", "mostread", "read-more", "readmore", "more-stories",
	"morestories", "next-post", "nextpost", "prev-post", "prevpost", "signup", "sponsored",
	"outbrain", "taboola", "embed", "box-tin", "boxtin", "box-news", "boxnews", "list-news",
	"listnews",
)

// hints is what an element's tag, class, id and role say about it,
// computed once per element.
type hints struct {
	weight   float64 // readability's class weight: +25 content-like, −25 template-like
	unlikely bool    // named like a template part and not like a content wrapper
	strong   bool    // never story text, even inside the story container
	sapo     bool    // named as the lead paragraph
	caption  bool    // an image caption
}

// computeHints reads the hints of n from its tag, class, id and role.
func computeHints(n *html.Node) hints {
	var h hints
	s := strings.ToLower(hintString(n))
	if s != "" {
		neg, pos := negativeHint.in(s), positiveHint.in(s)
		if neg {
			h.weight -= 25
		}
		if pos {
			h.weight += 25
		}
		h.unlikely = unlikelyHint.in(s) && !maybeHint.in(s)
		h.strong = strongHint.in(s)
		h.caption = strings.Contains(s, "caption")
		h.sapo = sapoHint.in(s) || sapoHintWord.in(s)
	}
	switch {
	case selContainer.Match(n):
		h.unlikely = false
	case selFurniture.Match(n):
		h.unlikely, h.strong = true, true
	}
	if n.DataAtom != atom.Body && n.DataAtom != atom.Html && selLandmark.Match(n) {
		h.unlikely = true
	}
	return h
}

// Template parts told by what an element is rather than by its name.
var (
	// selContainer are the elements that hold a story, whatever their name.
	selContainer = cascadia.MustCompile("body, html, article, main")
	// selFurniture are menus, sidebars and footers.
	selFurniture = cascadia.MustCompile("nav, aside, footer")
	// selLandmark are ARIA landmarks and widgets that are not the story.
	selLandmark = cascadia.MustCompile(`[role=navigation], [role=complementary], [role=banner], [role=contentinfo],
		[role=search], [role=dialog], [role=alert], [role=menu], [role=menubar]`)
)

// hintsOf returns the hints of n, cached in its stats when it has any.
func hintsOf(n *html.Node, stats map[*html.Node]*nodeStat) hints {
	st := stats[n]
	if st == nil {
		return computeHints(n)
	}
	if !st.hinted {
		st.hints, st.hinted = computeHints(n), true
	}
	return st.hints
}

// scoreCandidates runs readability-style scoring: every paragraph-like block
// credits its parent fully, its grandparent half and further ancestors less;
// it returns the best candidate.
func scoreCandidates(blocks []*block, stats map[*html.Node]*nodeStat, excluded func(*html.Node) bool) *html.Node {
	var best *html.Node
	bestScore := 0.0
	var order []*html.Node // candidates in first-seen order, for stable ties
	init := func(n *html.Node) *nodeStat {
		st := stats[n]
		if st == nil {
			st = &nodeStat{}
			stats[n] = st
		}
		if !st.scored {
			st.scored = true
			order = append(order, n)
			switch n.DataAtom {
			case atom.Div, atom.Article, atom.Main, atom.Section:
				st.score += 5
			case atom.Pre, atom.Td, atom.Blockquote:
				st.score += 3
			case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
				st.score -= 3
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
				st.score -= 5
			}
			st.score += hintsOf(n, stats).weight
		}
		return st
	}
	for _, bl := range blocks {
		if bl.runes < 25 || bl.heading > 0 || excluded(bl.node) {
			continue
		}
		if bl.linkRunes*2 > bl.runes {
			continue
		}
		s := 1.0 + float64(strings.Count(bl.text, ",")+strings.Count(bl.text, "，"))
		s += float64(min(bl.runes/100, 3))
		// A <p> is its own paragraph: credit starts at the element holding
		// it. Text directly in a <div>/<td> credits that element first.
		start := bl.node
		switch bl.node.DataAtom {
		case atom.P, atom.Li, atom.Pre, atom.Blockquote:
			start = bl.node.Parent
		}
		level := 0
		for n := start; n != nil && level < 5; n = n.Parent {
			if n.Type != html.ElementNode {
				break
			}
			st := init(n)
			switch level {
			case 0:
				st.score += s
			case 1:
				st.score += s / 2
			default:
				st.score += s / float64(level*3)
			}
			level++
		}
	}
	for _, n := range order {
		st := stats[n]
		if n.DataAtom == atom.Html {
			continue
		}
		ld := 0.0
		if st.runes > 0 {
			ld = float64(st.linkRunes) / float64(st.runes)
		}
		final := st.score * (1 - ld)
		if st.inputs > 0 && st.runes < 1500 {
			// A small box with text fields is a comment, login or search
			// form; its labels and notices are not a story.
			final *= 0.2
		}
		st.score = final
		if best == nil || final > bestScore {
			best, bestScore = n, final
		}
	}
	return best
}

// collectContent chooses the elements that hold the story around the top
// candidate: the candidate itself and those siblings that score or read
// like story paragraphs.
func collectContent(top *html.Node, stats map[*html.Node]*nodeStat) []*html.Node {
	parent := top.Parent
	if parent == nil || parent.Type != html.ElementNode {
		return []*html.Node{top}
	}
	topSt := stats[top]
	if topSt == nil {
		return []*html.Node{top}
	}
	threshold := max(10, topSt.score*0.2)
	topClass := attr(top, "class")
	var out []*html.Node
	for s := parent.FirstChild; s != nil; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		if s == top {
			out = append(out, s)
			continue
		}
		st := stats[s]
		if st == nil || st.runes == 0 {
			continue
		}
		bonus := 0.0
		if topClass != "" && attr(s, "class") == topClass {
			bonus = topSt.score * 0.2
		}
		if st.scored && st.score+bonus >= threshold && !hintsOf(s, stats).strong {
			out = append(out, s)
			continue
		}
		if s.DataAtom == atom.P {
			ld := float64(st.linkRunes) / float64(st.runes)
			txt := textOf(s)
			if st.runes > 80 && ld < 0.25 {
				out = append(out, s)
			} else if st.runes <= 80 && ld == 0 && endsSentence(txt) {
				out = append(out, s)
			}
		}
	}
	return out
}

// endsSentence reports text that ends like a sentence.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'”’)»")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "…")
}

// within reports whether n is inside one of roots, and which.
func within(n *html.Node, roots map[*html.Node]bool) *html.Node {
	for p := n; p != nil; p = p.Parent {
		if roots[p] {
			return p
		}
	}
	return nil
}

// insideBoilerplate reports whether an element between n (inclusive) and root
// (exclusive) is a template part.
func insideBoilerplate(n, root *html.Node, stats map[*html.Node]*nodeStat, captions bool) bool {
	for p := n; p != nil && p != root; p = p.Parent {
		if h := hintsOf(p, stats); h.strong || h.caption && !captions {
			return true
		}
		if p.Type == html.ElementNode && hidden(p) {
			return true
		}
	}
	return false
}
