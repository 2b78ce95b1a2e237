package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tracuu/tracuu/internal/vi"
)

// block is one run of inline text as a reader sees it: a paragraph, a list
// item, a heading, a table cell or a line between two <br>.
type block struct {
	node      *html.Node // nearest block-level element holding the text
	text      string     // NFC, white space collapsed
	runes     int
	linkRunes int // characters inside <a href>
	heading   int // 1–6 for <h1>–<h6>, else 0
	index     int // position in document order
	fold      string
}

// folded returns the block's text folded (lower case, no diacritics),
// computed once: several filters compare against folded vocabularies.
func (b *block) folded() string {
	if b.fold == "" {
		b.fold = vi.Fold(b.text)
	}
	return b.fold
}

// nodeStat accumulates, for one element, what its subtree holds.
type nodeStat struct {
	runes, linkRunes int
	blocks           int
	score            float64
	scored           bool
	inputs           int // form fields within three levels below
	hints            hints
	hinted           bool
}

// skipTags are elements whose content is never text a reader sees.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Canvas: true, atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Video: true,
	atom.Audio: true, atom.Button: true, atom.Select: true, atom.Option: true, atom.Textarea: true,
	atom.Input: true, atom.Head: true, atom.Map: true, atom.Math: true, atom.Dialog: true,
}

// blockTags are elements that start a new paragraph.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Body: true,
	atom.Center: true, atom.Dd: true, atom.Details: true, atom.Dir: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Li: true, atom.Main: true, atom.Menu: true,
	atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Tr: true, atom.Td: true,
	atom.Th: true, atom.Caption: true, atom.Ul: true, atom.Legend: true, atom.Html: true, atom.Frameset: true,
}

// popupHint names elements shown only on hover or to screen readers:
// tooltips and people cards inside paragraphs, "skip to content" links.
var popupHint = newWords("rollover", "tooltip", "popover", "popup", "sr-only", "visually-hidden", "screen-reader-text", "screenreader")

// builder walks the DOM once and cuts it into blocks.
type builder struct {
	blocks   []*block
	stats    map[*html.Node]*nodeStat
	buf      strings.Builder
	link     int // characters of buf inside links
	inLink   int
	owner    *html.Node
	captions bool
}

// buildBlocks cuts the tree under root into blocks. Image captions are kept
// only when captions is set: Vietnamese papers write them as part of the
// story ("… Ảnh: TTXVN"), English ones as furniture beside it.
func buildBlocks(root *html.Node, captions bool) ([]*block, map[*html.Node]*nodeStat) {
	b := &builder{stats: make(map[*html.Node]*nodeStat, 512), captions: captions}
	b.owner = root
	b.walk(root)
	b.flush()
	return b.blocks, b.stats
}

// hidden reports an element the page hides from readers.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			s := strings.ToLower(a.Val)
			if strings.Contains(s, "display:none") || strings.Contains(s, "display: none") ||
				strings.Contains(s, "visibility:hidden") || strings.Contains(s, "visibility: hidden") {
				return true
			}
		}
	}
	return false
}

// walk adds the text under n to the current block, starting new blocks at
// block-level elements and <br>.
func (b *builder) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if b.inLink > 0 {
			b.link += runeLen(n.Data)
		}
		b.buf.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipTags[n.DataAtom] {
			if n.DataAtom == atom.Input || n.DataAtom == atom.Textarea || n.DataAtom == atom.Select {
				b.markInput(n)
			}
			return
		}
		if n.DataAtom == atom.Br {
			b.flush()
			return
		}
		if n.DataAtom != atom.Body && n.DataAtom != atom.Html && (hidden(n) || popupHint.in(strings.ToLower(attr(n, "class")))) {
			return
		}
		if n.DataAtom == atom.Img || n.DataAtom == atom.Figcaption && !b.captions {
			return
		}
	case html.DocumentNode:
	default:
		return
	}
	isBlock := n.Type == html.ElementNode && (blockTags[n.DataAtom] || n.DataAtom == 0 && n.Data != "" && isCustomBlock(n))
	if isBlock {
		b.flush()
		prev := b.owner
		b.owner = n
		b.children(n)
		b.flush()
		b.owner = prev
		return
	}
	isLink := n.DataAtom == atom.A && attr(n, "href") != ""
	if isLink {
		b.inLink++
	}
	b.children(n)
	if isLink {
		b.inLink--
	}
}

// isCustomBlock treats unknown elements (custom tags of some CMSs) as blocks,
// since they almost always wrap sections of the page.
func isCustomBlock(n *html.Node) bool { return strings.Contains(n.Data, "-") }

// children walks the children of n.
func (b *builder) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.walk(c)
	}
}

// flush ends the current block and credits its text to the ancestors of
// the element holding it.
func (b *builder) flush() {
	if b.buf.Len() == 0 {
		return
	}
	raw := b.buf.String()
	b.buf.Reset()
	link := b.link
	b.link = 0
	text := clean(raw)
	if text == "" {
		return
	}
	runes := runeLen(text)
	if link > runes {
		link = runes
	}
	bl := &block{node: b.owner, text: text, runes: runes, linkRunes: link, index: len(b.blocks)}
	bl.heading = headingLevel[b.owner.DataAtom]
	b.blocks = append(b.blocks, bl)
	for p := b.owner; p != nil; p = p.Parent {
		st := b.stats[p]
		if st == nil {
			st = &nodeStat{}
			b.stats[p] = st
		}
		st.runes += runes
		st.linkRunes += link
		st.blocks++
	}
}

// markInput counts a form field on its near ancestors, which marks them as
// parts of a form (comment box, login box, search box).
func (b *builder) markInput(n *html.Node) {
	if t := strings.ToLower(attr(n, "type")); t == "hidden" {
		return
	}
	for p, level := n.Parent, 0; p != nil && level < 4; p, level = p.Parent, level+1 {
		st := b.stats[p]
		if st == nil {
			st = &nodeStat{}
			b.stats[p] = st
		}
		st.inputs++
	}
}

// headingLevel is the level of each heading element.
var headingLevel = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}
