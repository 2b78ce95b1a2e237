package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/tracuu/tracuu/internal/vi"
)

// The two font encodings Vietnamese web pages used before Unicode. Their
// text was typed as bytes a special font drew as Vietnamese letters, so a
// browser or a decoder without that font reads it as Latin-1 garbage
// ("ViÖt", "Vieät").
const (
	EncodingTCVN3 = "TCVN3" // TCVN 5712:1993 VN3 ("ABC"), the .VnTime fonts
	EncodingVNI   = "VNI"   // VNI-Windows, the VNI-Times fonts
)

// tcvn3Pairs is the TCVN 5712:1993 VN3 table: each pair is the byte (as the
// Latin-1 character of the same value) and the letter its font draws. VN3
// has every lower-case letter; of the capitals only Ă Â Ê Ô Ơ Ư Đ, the
// others being drawn by the same lower-case bytes in the "H" fonts
// (.VnTimeH, .VnArialH), which are all capitals.
const tcvn3Pairs = "µà¸á¶ả·ã¹ạ" + "¨ă»ằ¾ắ¼ẳ½ẵÆặ" + "©âÇầÊấÈẩÉẫËậ" + "®đ" +
	"ÌèÐéÎẻÏẽÑẹ" + "ªêÒềÕếÓểÔễÖệ" + "×ìÝíØỉÜĩÞị" + "ßòãóáỏâõäọ" +
	"«ôåồèốæổçỗéộ" + "¬ơêờíớëởìỡîợ" + "ïùóúñủòũôụ" + "\u00adưõừøứöử÷ữùự" +
	"úỳýýûỷüỹþỵ" + "¡Ă¢Â£Ê¤Ô¥Ơ¦Ư§Đ"

// tcvn3Table maps a byte to its TCVN3 letter (0: the byte is itself).
var tcvn3Table = func() (t [256]rune) {
	rs := []rune(tcvn3Pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		t[rs[i]] = rs[i+1]
	}
	return t
}()

// VNI-Windows writes a letter as its base letter followed by one or two
// bytes for its marks (the upper-case forms of the mark bytes follow
// capitals); ơ, ư, đ and the marked i and ỵ have bytes of their own.
// vniMarks maps a mark byte (lower case; upper case is byte-0x20) to the
// combining marks it adds.
var vniMarks = map[byte]string{
	0xF9: "\u0301", 0xF8: "\u0300", 0xFB: "\u0309", 0xF5: "\u0303", 0xEF: "\u0323", // ù ø û õ ï: the five tones
	0xE2: "\u0302", 0xEA: "\u0306", // â: circumflex (â ê ô), ê: breve (ă)
	0xE1: "\u0302\u0301", 0xE0: "\u0302\u0300", 0xE5: "\u0302\u0309", 0xE3: "\u0302\u0303", 0xE4: "\u0302\u0323", // á à å ã ä
	0xE9: "\u0306\u0301", 0xE8: "\u0306\u0300", 0xFA: "\u0306\u0309", 0xFC: "\u0306\u0303", 0xEB: "\u0306\u0323", // é è ú ü ë
}

// vniLetters maps the VNI bytes that are letters by themselves (lower
// case; the capital is at byte-0x20).
var vniLetters = map[byte]rune{
	0xF4: 'ơ', 0xF6: 'ư', 0xF1: 'đ', 0xEE: 'ỵ', 0xED: 'í', 0xEC: 'ì', 0xE6: 'ỉ', 0xF3: 'ĩ', 0xF2: 'ị',
}

// decodeTCVN3 converts TCVN3 bytes to text; caps is set for the H fonts.
func decodeTCVN3(b []byte, caps bool) string {
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for _, c := range b {
		r := tcvn3Table[c]
		if r == 0 {
			r = latin1Rune(c)
		}
		if caps {
			r = unicode.ToUpper(r)
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// latin1Rune is what a byte reads as when it is no letter of a font
// encoding: its windows-1252 character.
func latin1Rune(c byte) rune {
	if c < 0x80 {
		return rune(c)
	}
	if r := charmap.Windows1252.DecodeByte(c); r != utf8.RuneError {
		return r
	}
	return rune(c)
}

// vniMark returns the marks a VNI byte adds, whichever its case.
func vniMark(c byte) (string, bool) {
	if m, ok := vniMarks[c]; ok {
		return m, true
	}
	if c >= 0xC0 && c < 0xE0 {
		m, ok := vniMarks[c+0x20]
		return m, ok
	}
	return "", false
}

// vniLetter returns the letter a VNI byte stands for by itself.
func vniLetter(c byte) (rune, bool) {
	if r, ok := vniLetters[c]; ok {
		return r, true
	}
	if c >= 0xC0 && c < 0xE0 {
		if r, ok := vniLetters[c+0x20]; ok {
			return unicode.ToUpper(r), true
		}
	}
	return 0, false
}

// decodeVNI converts VNI-Windows bytes to text: a vowel takes the mark
// bytes after it that fit it (a circumflex on a, e, o; a breve on a; a tone
// on any vowel), composed into one letter.
func decodeVNI(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for i := 0; i < len(b); i++ {
		c := b[i]
		base, ok := rune(0), false
		switch lc := c | 0x20; {
		case c < 0x80 && (lc == 'a' || lc == 'e' || lc == 'o' || lc == 'u' || lc == 'y'):
			base, ok = rune(c), true
		case c == 0xF4 || c == 0xF6 || c == 0xD4 || c == 0xD6: // ơ ư and their capitals
			base, ok = vniLetter(c)
		}
		if !ok {
			if r, ok := vniLetter(c); ok {
				sb.WriteRune(r)
			} else {
				sb.WriteRune(latin1Rune(c))
			}
			continue
		}
		var marks string
		hasMod, hasTone := false, false
		for i+1 < len(b) {
			m, ok := vniMark(b[i+1])
			if !ok {
				break
			}
			mod, tone := vniModifier(m), vniTone(m)
			if mod != 0 && (hasMod || hasTone || !fitsModifier(base, mod)) || tone && hasTone {
				break
			}
			hasMod, hasTone = hasMod || mod != 0, hasTone || tone
			marks += m
			i++
		}
		if marks == "" {
			sb.WriteRune(base)
			continue
		}
		sb.WriteString(norm.NFC.String(string(base) + marks))
	}
	return sb.String()
}

// vniModifier returns the vowel mark (circumflex or breve) of a VNI mark.
func vniModifier(m string) rune {
	r, _ := utf8.DecodeRuneInString(m)
	if r == '\u0302' || r == '\u0306' {
		return r
	}
	return 0
}

// vniTone reports whether a VNI mark carries a tone.
func vniTone(m string) bool {
	r, n := utf8.DecodeRuneInString(m)
	return r != '\u0302' && r != '\u0306' || len(m) > n
}

// fitsModifier reports whether the vowel takes the mark: â ê ô, ă.
func fitsModifier(base, mod rune) bool {
	switch unicode.ToLower(base) {
	case 'a':
		return true
	case 'e', 'o':
		return mod == '\u0302'
	}
	return false
}

// fontEnc is the encoding a font in force gives the bytes of a text.
type fontEnc uint8

const (
	fontUnknown fontEnc = iota // no font named: the text may be anything
	fontUnicode                // a font named, not a legacy one
	fontTCVN3
	fontTCVN3Caps // an H font: TCVN3 bytes drawn as capitals
	fontVNI
)

// name is the encoding's name in results and summaries.
func (e fontEnc) name() string {
	switch e {
	case fontTCVN3, fontTCVN3Caps:
		return EncodingTCVN3
	case fontVNI:
		return EncodingVNI
	}
	return ""
}

// fontFamilyEnc reads the first family of a CSS font-family list (or of a
// <font face>): .VnTime, .VnArial and the other ".Vn" fonts are TCVN3, those
// ending in H (.VnTimeH) its capitals; VNI-Times, VNI-Helve are VNI.
func fontFamilyEnc(list string) fontEnc {
	first, _, _ := strings.Cut(list, ",")
	first = strings.Trim(strings.TrimSpace(first), `"' `)
	if first == "" {
		return fontUnknown
	}
	lower := strings.ToLower(first)
	switch {
	case strings.HasPrefix(lower, ".vn") && len(lower) > 3:
		if strings.HasSuffix(lower, "h") {
			return fontTCVN3Caps
		}
		return fontTCVN3
	case strings.HasPrefix(lower, "vni-") || strings.HasPrefix(lower, "vni "):
		return fontVNI
	}
	return fontUnicode
}

// cssFontEnc reads the font a CSS declaration block sets, from font-family
// or the family list that ends a font shorthand.
func cssFontEnc(decls string) fontEnc {
	enc := fontUnknown
	for _, d := range strings.Split(decls, ";") {
		prop, val, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(prop)) {
		case "font-family":
			enc = fontFamilyEnc(val)
		case "font":
			// "bold 12pt/1.4 .VnTime, serif": the family list follows the
			// size, the last word with a digit.
			words := strings.Fields(val)
			for i := len(words) - 1; i >= 0; i-- {
				if strings.ContainsAny(words[i], "0123456789") {
					enc = fontFamilyEnc(strings.Join(words[i+1:], " "))
					break
				}
			}
		}
	}
	return enc
}

// pageFonts are the fonts a page's style sheets give classes and tags.
type pageFonts struct {
	classes map[string]fontEnc
	tags    map[string]fontEnc
}

// readStyleFonts collects, from the text of <style> elements, the rules that
// set a font, by the class or tag their selectors end with.
func (pf *pageFonts) readStyle(css string) {
	if !mentionsLegacyFont(css) {
		return // only legacy fonts matter; a Unicode font is the default
	}
	for rest := css; ; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			return
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return
		}
		sels, decls := rest[:open], rest[open+1:open+end]
		rest = rest[open+end+1:]
		if i := strings.LastIndexAny(sels, "};"); i >= 0 {
			sels = sels[i+1:]
		}
		enc := cssFontEnc(decls)
		if enc == fontUnknown {
			continue
		}
		for _, sel := range strings.Split(sels, ",") {
			f := strings.Fields(sel)
			if len(f) == 0 {
				continue
			}
			last := f[len(f)-1]
			tag, class, _ := strings.Cut(last, ".")
			if class != "" {
				class, _, _ = strings.Cut(class, ":")
				if pf.classes == nil {
					pf.classes = map[string]fontEnc{}
				}
				pf.classes[class] = enc
			} else if tag != "" && isTagName(tag) {
				if pf.tags == nil {
					pf.tags = map[string]fontEnc{}
				}
				pf.tags[strings.ToLower(tag)] = enc
			}
		}
	}
}

// mentionsLegacyFont reports whether CSS text names a TCVN3 (".Vn…") or
// VNI ("VNI-…") font where a family name starts (after a quote, a space, a
// comma or a colon), so that host names in URLs ("baobinhdinh.vn/") do
// not count. It allocates nothing: it runs on every style sheet.
func mentionsLegacyFont(s string) bool {
	for i := 1; i+3 < len(s); i++ {
		if s[i]|0x20 != 'v' || s[i+1]|0x20 != 'n' {
			continue
		}
		prev, next := s[i-1], s[i+2]
		if prev == '.' && i >= 2 && strings.IndexByte(`"', :`, s[i-2]) >= 0 && (next|0x20 >= 'a' && next|0x20 <= 'z') {
			return true
		}
		if strings.IndexByte(`"', :`, prev) >= 0 && next|0x20 == 'i' && (s[i+3] == '-' || s[i+3] == ' ') {
			return true
		}
	}
	return false
}

// isTagName reports a plain element name selector.
func isTagName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// legacyPart is one piece of text that may be in a font encoding: a text
// node, or a <meta> content attribute (attr ≥ 0).
type legacyPart struct {
	n    *html.Node
	attr int
}

func (p legacyPart) text() string {
	if p.attr >= 0 {
		return p.n.Attr[p.attr].Val
	}
	return p.n.Data
}

func (p legacyPart) set(s string) {
	if p.attr >= 0 {
		p.n.Attr[p.attr].Val = s
		return
	}
	p.n.Data = s
}

// legacyGroup is the text of one block under one font: the unit a
// conversion is decided for, so a Unicode menu and a TCVN3 story in the
// same page are each read right.
type legacyGroup struct {
	enc   fontEnc // the font named for it (fontUnknown: none)
	parts []legacyPart
}

// metaTextKeys are the <meta> tags whose content is page text that a
// legacy page writes in its font encoding too.
var metaTextKeys = map[string]bool{
	"description": true, "og:title": true, "og:description": true, "twitter:title": true,
	"twitter:description": true, "keywords": true, "news_keywords": true, "title": true,
}

// convertLegacy finds the text of doc written in the TCVN3 or VNI font
// encodings and converts it to Unicode in place, block by block. Text under
// a legacy font (<font face>, a style attribute, a class or tag of the
// page's style sheet) is converted when that makes it read as Vietnamese;
// text with no font named is converted when it reads as Vietnamese only
// once converted and the page as a whole does so too. Text holding a
// character that no single byte encodes (any real Unicode Vietnamese
// letter) is never touched. It returns the encodings it converted.
func convertLegacy(doc *html.Node, charset string) []string {
	toByte := cp1252Byte
	if charset == "windows-1258" {
		toByte = charmap.Windows1258.EncodeRune
	}
	var pf pageFonts
	type groupKey struct {
		block *html.Node
		enc   fontEnc
	}
	groups := map[groupKey]*legacyGroup{}
	var order []*legacyGroup
	add := func(block *html.Node, enc fontEnc, p legacyPart) {
		k := groupKey{block, enc}
		g := groups[k]
		if g == nil {
			g = &legacyGroup{enc: enc}
			groups[k] = g
			order = append(order, g)
		}
		g.parts = append(g.parts, p)
	}
	var walk func(n, block *html.Node, enc fontEnc)
	walk = func(n, block *html.Node, enc fontEnc) {
		switch n.Type {
		case html.TextNode:
			if candidateText(n.Data, toByte) {
				add(block, enc, legacyPart{n, -1})
			}
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Style:
				// Style sheets come before the text they style (in the
				// head, as a rule), so one walk reads both.
				if n.FirstChild != nil {
					pf.readStyle(n.FirstChild.Data)
				}
				return
			case atom.Script, atom.Template, atom.Svg:
				return
			case atom.Meta:
				if metaTextKeys[strings.ToLower(firstNonEmpty(attr(n, "name"), attr(n, "property")))] {
					for i, a := range n.Attr {
						if a.Key == "content" && candidateText(a.Val, toByte) {
							add(n, fontUnknown, legacyPart{n, i})
						}
					}
				}
				return
			}
			if e := elementFont(n, &pf); e != fontUnknown {
				enc = e
			}
			if blockTags[n.DataAtom] || n.DataAtom == atom.Title || n.DataAtom == atom.Br {
				block = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, block, enc)
		}
	}
	walk(doc, doc, fontUnknown)
	if len(order) == 0 {
		return nil
	}

	// Decide each group; text with no font named counts toward the page's
	// evidence for an encoding and is converted only when there is enough.
	type verdict struct {
		g     *legacyGroup
		enc   fontEnc
		conv  []string
		after int
	}
	var sure, maybe []verdict
	evidence := map[fontEnc]int{}
	for _, g := range order {
		texts := make([]string, len(g.parts))
		for i, p := range g.parts {
			texts[i] = p.text()
		}
		before := syllableWords(strings.Join(texts, " "))
		try := []fontEnc{g.enc}
		if g.enc == fontUnknown || g.enc == fontUnicode {
			try = []fontEnc{fontTCVN3, fontVNI}
		}
		best := verdict{g: g}
		for _, enc := range try {
			conv := make([]string, len(texts))
			for i, t := range texts {
				conv[i] = convertString(t, enc, toByte)
			}
			if after := syllableWords(strings.Join(conv, " ")); after > best.after {
				best = verdict{g: g, enc: enc, conv: conv, after: after}
			}
		}
		switch {
		case best.after == 0:
		case g.enc != fontUnknown && g.enc != fontUnicode:
			// The page names the font: converting needs only to read better.
			if best.after > before {
				sure = append(sure, best)
				evidence[best.enc] += best.after
			}
		case best.after > 2*before:
			maybe = append(maybe, best)
			if g.enc == fontUnknown {
				evidence[best.enc] += best.after
			}
		}
	}
	// A group under a named Unicode font converts only on a page whose
	// legacy text is plain elsewhere too (templates kept a Unicode font
	// name around TCVN3 text); unnamed text needs the same.
	for _, v := range maybe {
		if evidence[v.enc] >= 3 {
			sure = append(sure, v)
		}
	}
	var names []string
	for _, v := range sure {
		for i, p := range v.g.parts {
			p.set(v.conv[i])
		}
		if n := v.enc.name(); !contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 2 && names[0] > names[1] {
		names[0], names[1] = names[1], names[0]
	}
	return names
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// elementFont is the font an element itself names: <font face>, a style
// attribute, or a class or tag rule of the page's style sheets.
func elementFont(n *html.Node, pf *pageFonts) fontEnc {
	if n.DataAtom == atom.Font {
		if f := attr(n, "face"); f != "" {
			return fontFamilyEnc(f)
		}
	}
	if s := attr(n, "style"); s != "" && (strings.Contains(s, "font") || strings.Contains(s, "FONT")) {
		if e := cssFontEnc(s); e != fontUnknown {
			return e
		}
	}
	if pf.classes != nil {
		for _, c := range strings.Fields(attr(n, "class")) {
			if e, ok := pf.classes[c]; ok {
				return e
			}
		}
	}
	if pf.tags != nil {
		if e, ok := pf.tags[n.Data]; ok {
			return e
		}
	}
	return fontUnknown
}

// candidateText reports text that may be in a font encoding: it has a
// byte from 0xA1 up, where every letter of both encodings lies (curly
// quotes and dashes alone do not count), and every character is one byte
// of the page's charset (a real Unicode Vietnamese letter rules it out).
func candidateText(s string, toByte func(rune) (byte, bool)) bool {
	high := false
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		c, ok := toByte(r)
		if !ok {
			return false
		}
		high = high || c >= 0xA1
	}
	return high
}

// convertString converts s, read as the bytes of the page's charset, from
// the font encoding enc to Unicode.
func convertString(s string, enc fontEnc, toByte func(rune) (byte, bool)) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := toByte(r)
		if !ok {
			return s
		}
		b = append(b, c)
	}
	switch enc {
	case fontTCVN3:
		return decodeTCVN3(b, false)
	case fontTCVN3Caps:
		return decodeTCVN3(b, true)
	case fontVNI:
		return decodeVNI(b)
	}
	return s
}

// syllableWords counts the words of s of two letters or more, one beyond
// ASCII, that read as Vietnamese syllables: few in legacy bytes read as Latin-1, most once
// converted, and all in real Vietnamese, which conversion garbles.
func syllableWords(s string) int {
	n := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return r < utf8.RuneSelf && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') || unicode.IsSpace(r)
	}) {
		ascii := true
		for i := 0; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii || utf8.RuneCountInString(w) < 2 {
			continue // one letter alone is more often a symbol read as one
		}
		if !norm.NFC.IsNormalString(w) {
			w = norm.NFC.String(w)
		}
		if vi.IsSyllable(w) {
			n++
		}
	}
	return n
}
