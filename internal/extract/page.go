package extract

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

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

// pageURL is the canonical URL the page states (made absolute against the
// URL it came from), else its og:url, else the URL it came from.
func pageURL(m *meta, inURL string) string {
	base, _ := url.Parse(inURL)
	for _, cand := range []string{m.canonical, m.get("og:url"), m.ld.URL} {
		cand = strings.TrimSpace(cand)
		if cand == "" {
			continue
		}
		u, err := url.Parse(cand)
		if err != nil {
			continue
		}
		if !u.IsAbs() {
			if base == nil || !base.IsAbs() {
				continue
			}
			u = base.ResolveReference(u)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			continue
		}
		return u.String()
	}
	return strings.TrimSpace(inURL)
}

// siteOf returns the host of u, lower-case, without "www." and port.
func siteOf(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	h := strings.ToLower(p.Hostname())
	return strings.TrimPrefix(h, "www.")
}

// langWords maps declared language codes to ours.
var langWords = map[string]string{"vi": "vi", "vn": "vi", "en": "en"}

// pageLang is the declared language of the page unless its text is plainly
// Vietnamese, else a guess from the text.
func pageLang(m *meta, text string) string {
	guess := guessLang(text)
	if guess == "vi" {
		// Templates keep lang="en" from their framework; Vietnamese text is
		// unmistakable.
		return guess
	}
	for _, l := range []string{m.lang, m.get("content-language", "og:locale", "language", "dc.language"), m.ld.Lang} {
		l = strings.ToLower(strings.TrimSpace(l))
		if len(l) < 2 {
			continue
		}
		code := l[:2]
		if len(l) > 2 && l[2] != '-' && l[2] != '_' {
			continue
		}
		if v, ok := langWords[code]; ok {
			return v
		}
		if code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z' {
			return code
		}
	}
	return guess
}

// guessLang tells Vietnamese from English by their letters: Vietnamese text
// is dense in letters with tone marks and đ/ơ/ư/ă.
func guessLang(text string) string {
	letters, vi := 0, 0
	for i, r := range text {
		if i > 20000 {
			break
		}
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if r >= 0x1EA0 && r <= 0x1EF9 || strings.ContainsRune("đĐơƠưƯăĂ", r) {
			vi++
		}
	}
	switch {
	case letters < 20:
		return ""
	case vi*30 > letters:
		return "vi"
	case englishWords.MatchString(text):
		return "en"
	}
	return ""
}

// englishWords are frequent English words.
var englishWords = regexp.MustCompile(`\b(the|and|of|to|in|is|that)\b`)

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

// chooseDates ranks publish-date sources: JSON-LD, meta tags, <time>, a
// short visible date line, then a date inside the story text; a date that a
// URL also spells wins over one that disagrees with it.
func chooseDates(m *meta, c *content, title, urls string) (pub, upd time.Time, rank int) {
	type cand struct {
		t    time.Time
		rank int
	}
	var cands []cand
	monthFirst := monthFirstPage(c.dateBlocks)
	add := func(s string, rank int, machine bool) {
		var t time.Time
		var ok bool
		if machine {
			t, ok = parseMachineDate(s)
		} else {
			t, ok = parseVisibleDateOrder(s, monthFirst)
		}
		if ok {
			cands = append(cands, cand{t, rank})
		}
	}
	add(m.ld.Published, 0, true)
	for _, k := range []string{"article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "dc.date.issued", "dc.date", "dcterms.created", "date", "sailthru.date", "parsely-pub-date", "citation_publication_date", "og:published_time"} {
		add(m.get(k), 1, true)
	}
	add(m.itemDate, 2, true)
	for _, te := range m.times {
		r := 4
		if te.pubdate {
			r = 2
		}
		add(firstNonEmpty(te.datetime, textOf(te.node)), r, true)
	}
	var updLine time.Time
	// A date line is the story's when it sits between the title and the
	// first paragraph (or just after); dates elsewhere belong to other
	// stories' links, sidebars and footers.
	titleIdx := -1
	ft, titleLen := vi.Fold(title), runeLen(title)
	for _, bl := range c.blocks {
		if bl.runes <= 300 && (bl.heading == 1 || ft != "" && bl.runes == titleLen && bl.folded() == ft) {
			titleIdx = bl.index
			break
		}
	}
	for _, d := range c.dateBlocks {
		near := c.firstPara < len(c.blocks) && d.index <= c.firstPara+2 && (titleIdx < 0 || d.index >= titleIdx-3) ||
			titleIdx >= 0 && d.index >= titleIdx-3 && d.index <= titleIdx+3
		rank := 9
		if near {
			rank = 5
		}
		if updateLabel.MatchString(d.text) && !publishLabel.MatchString(d.text) {
			if t, ok := parseVisibleDateOrder(d.text, monthFirst); ok && updLine.IsZero() && near {
				updLine = t
			}
			rank++
		}
		add(d.text, rank, false)
	}
	for _, p := range c.paras {
		if p.runes >= 100 {
			add(p.text, 8, false)
			break
		}
	}
	ud, hasURLDate := urlDate(urls)
	best := -1
	for i, cd := range cands {
		if hasURLDate && !near(cd.t, ud) {
			continue
		}
		if best < 0 || cd.rank < cands[best].rank {
			best = i
		}
	}
	rank = 99
	switch {
	case best >= 0:
		pub, rank = cands[best].t, cands[best].rank
	case hasURLDate:
		pub, rank = ud, 3
	default:
		for i, cd := range cands {
			if best < 0 || cd.rank < cands[best].rank {
				best = i
			}
		}
		if best >= 0 {
			pub, rank = cands[best].t, cands[best].rank
		}
	}
	for _, s := range []string{m.ld.Modified, m.get("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dc.date.modified", "lastmod")} {
		if t, ok := parseMachineDate(s); ok {
			upd = t
			break
		}
	}
	if upd.IsZero() {
		upd = updLine
	}
	return pub, upd, rank
}

// near reports dates at most about two days apart.
func near(a, b time.Time) bool {
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	return d <= 50*time.Hour
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
