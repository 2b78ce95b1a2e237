package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/tracuu/tracuu/internal/vi"
)

// creditLine matches image captions by their closing credit, "(Image:
// GETTY)", as English-language papers print them beside the story.
var creditLine = regexp.MustCompile(`(?i)[(\[](images?|photos?|pictures?|credit|source|video)\s*:[^)\]]{1,60}[)\]]\s*$|^(photo|image|picture|credit)s?\s*:\s*\S.{0,80}$`)

// byLine matches a short credit line naming the writer.
var byLine = regexp.MustCompile(`^(?:[Bb]y|BY|[Ww]ritten by|[Pp]osted by|[Tt]ác giả:|TÁC GIẢ:)\s+\p{Lu}`)

// sapoHint and sapoHintWord name the element holding the lead (sapo)
// paragraph.
var (
	sapoHint     = substrings{"sapo", "chapeau", "standfirst", "summary", "description", "excerpt", "tom-tat", "tomtat", "intro", "desc"}
	sapoHintWord = newWords("lead")
)

// findContent locates the story container and returns its paragraphs with
// the template parts inside it removed.
func findContent(doc *html.Node, m *meta, vietnamese bool) *content {
	body := findBody(doc)
	blocks, stats := buildBlocks(body, vietnamese)
	c := &content{blocks: blocks, stats: stats, body: body}
	memo := make(map[*html.Node]bool, 256)
	var excluded func(n *html.Node) bool
	excluded = func(n *html.Node) bool {
		if n == nil || n == body || n.Type != html.ElementNode {
			return false
		}
		if v, ok := memo[n]; ok {
			return v
		}
		h := hintsOf(n, stats)
		v := h.unlikely && (h.strong || !contentRich(stats[n])) || excluded(n.Parent)
		memo[n] = v
		return v
	}
	top := scoreCandidates(blocks, stats, excluded)
	if top == nil {
		top = body
	}
	top = expandTop(top, body, blocks, excluded)
	c.top = top
	roots := map[*html.Node]bool{}
	for _, r := range collectContent(top, stats) {
		roots[r] = true
	}

	titleIdx := -1
	for _, bl := range blocks {
		if bl.heading == 1 {
			titleIdx = bl.index
			break
		}
	}

	// The lead: a sapo-classed block near the top of the story.
	leadIdx := -1
	for _, bl := range blocks {
		if titleIdx >= 0 && (bl.index < titleIdx || bl.index > titleIdx+40) {
			continue
		}
		if bl.runes < 40 || bl.runes > 800 || bl.linkRunes*3 > bl.runes || bl.heading > 0 {
			continue
		}
		if sapoNode(bl.node, stats) {
			c.lead = bl.text
			leadIdx = bl.index
			break
		}
	}

	var kept []*block
	dateSeen := map[string]bool{}
	stopAt := -1
	firstPara := -1
	for _, bl := range blocks {
		r := within(bl.node, roots)
		// Vietnamese papers set the sapo apart from the story (fundus and
		// the CMSs agree); elsewhere a standfirst in the story container is
		// read as its first paragraph, so it stays in the body too.
		if r == nil || bl.index == leadIdx && vietnamese {
			continue
		}
		if bl.heading > 1 && bl.linkRunes*2 > bl.runes {
			c.linkedHeads++
		}
		if bl.runes <= 100 && isDateLine(bl.text) && !dateSeen[bl.text] {
			dateSeen[bl.text] = true
			c.dateLines++
		}
		if insideBoilerplate(bl.node, r, stats, vietnamese) || c.excludedBelow(bl.node, r) {
			continue
		}
		if bl.linkRunes*2 > bl.runes {
			continue
		}
		if bl.runes <= 60 && isStopLine(bl.folded(), bl.runes) {
			if stopAt < 0 && len(kept) > 0 {
				stopAt = len(kept)
			}
			continue
		}
		if furniture(bl) != "" || !vietnamese && strings.Contains(bl.text, ":") && creditLine.MatchString(bl.text) {
			continue
		}
		if firstPara < 0 && bl.runes >= 80 {
			firstPara = bl.index
		}
		kept = append(kept, bl)
	}
	lateAuthor := ""
	if stopAt >= 0 && !longAfter(kept[stopAt:]) {
		// Portal templates render the writer's name after their injected
		// blocks; keep it as the author before cutting those blocks off.
		if len(kept) > stopAt && isPersonName(kept[len(kept)-1].text) {
			lateAuthor = strings.TrimRight(kept[len(kept)-1].text, ". ")
		}
		kept = kept[:stopAt]
	}
	kept = dropDatedLists(kept)
	kept, c.tailAuthor = trimTail(kept)
	if c.tailAuthor == "" {
		c.tailAuthor = lateAuthor
	}
	// A date line above the story text is the publish date, not a paragraph.
	for len(kept) > 0 && kept[0].runes <= 80 && isDateLine(kept[0].text) {
		kept = kept[1:]
	}
	c.paras = kept

	if firstPara < 0 {
		firstPara = len(blocks)
	}
	c.firstPara = firstPara
	for _, bl := range blocks {
		if bl.runes > 120 || bl.linkRunes*2 > bl.runes || !hasYear(bl.text) {
			continue
		}
		if dmyRe.MatchString(bl.text) || ymdRe.MatchString(bl.text) || wordDMYRe.MatchString(bl.text) {
			c.dateBlocks = append(c.dateBlocks, bl)
		}
	}
	return c
}

// furniture says why a block inside the story container is template text
// rather than story text, or returns "" for story text.
func furniture(bl *block) string {
	switch {
	case bl.runes <= 90 && isBoilerLine(bl.folded(), bl.runes):
		return "template label"
	case bl.runes <= 250 && isPromo(bl.folded(), bl.runes):
		return "promotion"
	case bl.runes <= 100 && isDateLine(bl.text):
		return "date line"
	case bl.runes <= 100 && byLine.MatchString(bl.text):
		return "byline"
	}
	return ""
}

// excludedBelow reports whether an unlikely-named element sits between n
// and the content root r.
func (c *content) excludedBelow(n, r *html.Node) bool {
	for p := n; p != nil && p != r; p = p.Parent {
		if h := hintsOf(p, c.stats); p.Type == html.ElementNode && h.unlikely && (h.strong || !contentRich(c.stats[p])) {
			return true
		}
	}
	return false
}

// longAfter reports whether a real paragraph follows a "related news" label,
// in which case the label was an inline box and the story goes on.
func longAfter(bs []*block) bool {
	for _, b := range bs {
		if b.runes >= 150 && b.linkRunes*5 < b.runes && !endsWithDate(b.text) {
			return true
		}
	}
	return false
}

// endsWithDate reports text that ends with a numeric date, checking the
// cheap necessary condition (a digit near the end) before the regexp.
func endsWithDate(s string) bool {
	tail := s[max(0, len(s)-8):]
	if !strings.ContainsAny(tail, "0123456789") {
		return false
	}
	return datedLink.MatchString(s[max(0, len(s)-40):])
}

// dropDatedLists removes runs of short lines ending in a date ("Hội nghị sơ
// kết ... (20/10/2025)"): the other-news lists of portal templates.
func dropDatedLists(bs []*block) []*block {
	out := bs[:0:0]
	for i := 0; i < len(bs); {
		j := i
		for j < len(bs) && bs[j].runes < 220 && endsWithDate(bs[j].text) {
			j++
		}
		if j-i >= 2 || j == len(bs) && j > i && bs[i].linkRunes > 0 {
			i = j
			continue
		}
		if j == i {
			j = i + 1
		}
		out = append(out, bs[i:j]...)
		i = j
	}
	return out
}

// trimTail drops closing source credits and takes a closing personal-name
// line ("Khánh Vy", "Dương Quang Chí") as the author.
func trimTail(bs []*block) ([]*block, string) {
	author := ""
	for len(bs) > 0 {
		last := bs[len(bs)-1]
		switch {
		case last.runes <= 100 && sourceLine.MatchString(last.text):
			bs = bs[:len(bs)-1]
		case author == "" && isPersonName(last.text) && len(bs) > 1:
			author = strings.TrimRight(last.text, ". ")
			bs = bs[:len(bs)-1]
		default:
			return bs, author
		}
	}
	return bs, author
}

// isPersonName reports a short line of two to five capitalised words with
// no digits or sentence punctuation: how Vietnamese stories sign off.
func isPersonName(s string) bool {
	s = strings.TrimSpace(strings.TrimRight(s, ". "))
	s = bylinePrefix.ReplaceAllString(s, "")
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 || runeLen(s) > 40 {
		return false
	}
	for _, w := range words {
		w = strings.Trim(w, "-–")
		if w == "" {
			continue
		}
		r := []rune(w)
		if !unicode.IsUpper(r[0]) {
			return false
		}
		for _, x := range r {
			if !unicode.IsLetter(x) && x != '.' && x != '-' {
				return false
			}
		}
	}
	return true
}

// isDateLine reports a line that is a date with at most a label, a time and
// a view count: "Ngày đăng 25/09/2020 | 21:01 | Lượt xem: 59", "Monday
// November 18, 2019 7:45 am PST by Joe Rossignol". A heading that contains a
// date ("Giá vàng hôm nay 22/7/2018") is not one.
func isDateLine(s string) bool {
	// Date lines are labels, not sentences: no closing full stop.
	if countWords(s) > 14 || strings.HasSuffix(strings.TrimSpace(s), ".") {
		return false
	}
	if _, ok := parseVisibleDate(s); !ok {
		// Dates in languages we do not parse ("22 de outubro de 2010 às
		// 20:13") still show a year and a time of day on a short line.
		return hasYear(s) && runeLen(s) <= 60 && hmRe.MatchString(s) && countWords(s) <= 10
	}
	hasTime := hmRe.MatchString(s)
	rest := wordDMYRe.ReplaceAllString(s, " ")
	rest = dmyRe.ReplaceAllString(rest, " ")
	rest = ymdRe.ReplaceAllString(rest, " ")
	rest = enMDYRe.ReplaceAllString(rest, " ")
	rest = enDMYRe.ReplaceAllString(rest, " ")
	rest = hmRe.ReplaceAllString(rest, " ")
	rest = gmtRe.ReplaceAllString(rest, " ")
	other := 0
	for _, w := range strings.FieldsFunc(vi.Fold(rest), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !dateWords[w] && strings.Trim(w, "0123456789") != "" {
			other++
		}
	}
	return other <= 1 || hasTime && other <= 5
}

// dateWords are the (folded) words that label dates on news pages.
var dateWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`ngay dang cap nhat thu hai ba tu nam sau bay chu luc gio phut sang chieu toi
		luot xem xuat ban dang luc gmt utc ict am pm published updated posted modified on at by last
		monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
		et est edt pst pdt cst cdt bst cet`) {
		m[w] = true
	}
	return m
}()

// contentRich reports a subtree with much text and few links: a main column
// that a template happens to call "sidebar-1" or "header-content" is still
// the main column.
func contentRich(st *nodeStat) bool {
	return st != nil && st.runes >= 800 && st.linkRunes*3 < st.runes
}

// expandTop climbs from the readability candidate to the ancestor that holds
// the most story text net of template text. Readability scores only reach
// two levels up, so a story whose paragraphs each sit in their own wrapper
// (<div class="card"><p>…</p></div>) would otherwise yield one paragraph.
func expandTop(top, body *html.Node, blocks []*block, excluded func(*html.Node) bool) *html.Node {
	if top == body {
		return top
	}
	chain := map[*html.Node]float64{}
	for p := top; p != nil && p != body; p = p.Parent {
		chain[p] = 0
	}
	for _, bl := range blocks {
		w := blockWeight(bl, excluded)
		if w == 0 {
			continue
		}
		for p := bl.node; p != nil && p != body; p = p.Parent {
			if v, ok := chain[p]; ok {
				chain[p] = v + w
			}
		}
	}
	best, bestW := top, chain[top]
	for p := top.Parent; p != nil && p != body; p = p.Parent {
		if w := chain[p]; w > bestW*1.3+100 {
			best, bestW = p, w
		}
	}
	return best
}

// blockWeight is how much a block argues for its container being the story:
// sentences count for, link lists and short template lines against.
func blockWeight(bl *block, excluded func(*html.Node) bool) float64 {
	r := float64(bl.runes)
	ld := float64(bl.linkRunes) / r
	switch {
	case excluded(bl.node):
		return -0.5 * r
	case ld > 0.5:
		return -2 * r
	case bl.heading > 0:
		return 0
	case bl.runes < 40 && !endsSentence(bl.text):
		return -0.3 * r
	}
	return r * (1 - 2*ld)
}

// sapoNode reports whether n sits in a small element named as the lead
// (sapo) paragraph. The element must hold little else: a story container
// called "text-description" is not a lead.
func sapoNode(n *html.Node, stats map[*html.Node]*nodeStat) bool {
	for p, level := n, 0; p != nil && level < 3; p, level = p.Parent, level+1 {
		if p.Type != html.ElementNode {
			return false
		}
		if hintsOf(p, stats).sapo {
			st := stats[p]
			return st != nil && st.blocks <= 2
		}
	}
	return false
}
