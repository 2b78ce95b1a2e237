package extract

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// sniffLen is how far into the page we look for a <meta> charset. The HTML
// standard says 1024 bytes, but Vietnamese CMS pages often put kilobytes of
// comments and scripts before their meta, so we look further.
const sniffLen = 64 << 10

// isBinary reports whether b looks like binary data rather than text: known
// file signatures, or NUL bytes in the first kilobyte of a page without a
// UTF-16 byte-order mark.
func isBinary(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return false
	}
	for _, sig := range [][]byte{
		{0x1F, 0x8B}, []byte("%PDF-"), []byte("\x89PNG"), {0xFF, 0xD8, 0xFF},
		[]byte("PK\x03\x04"), []byte("GIF8"), []byte("\x7fELF"),
	} {
		if bytes.HasPrefix(b, sig) {
			return true
		}
	}
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// decode converts the page to UTF-8. It tries, in order, a byte-order mark,
// the HTTP Content-Type header, a <meta> declaration, then a guess from the
// bytes; finally it repairs UTF-8 that was decoded as windows-1252 and saved
// again ("Viá»‡t"). It returns the UTF-8 text and the charset name used.
func decode(b []byte, h http.Header) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return repairMojibake(b[3:]), "utf-8", nil
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return transcode(b, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be")
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return transcode(b, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le")
	}
	label := ""
	if h != nil {
		if _, params, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil {
			label = params["charset"]
		}
	}
	if label == "" {
		label = metaCharset(b)
	}
	enc, name := lookupCharset(label)
	valid := utf8.Valid(b)
	switch {
	case enc == nil && valid:
		enc, name = encoding.Nop, "utf-8"
	case enc == nil:
		enc, name = guessLegacy(b)
	case name == "utf-8" && !valid && invalidShare(b) > 0.01:
		// Declared UTF-8 but clearly is not: trust the bytes.
		enc, name = guessLegacy(b)
	case name != "utf-8" && valid && hasMultibyte(b):
		// Declared a single-byte charset but the bytes are valid UTF-8 with
		// non-ASCII text: a template that kept an old meta after conversion.
		enc, name = encoding.Nop, "utf-8"
	}
	if enc == encoding.Nop {
		return repairMojibake(b), name, nil
	}
	return transcode(b, enc, name)
}

// transcode decodes b from enc to UTF-8 and repairs double encoding.
func transcode(b []byte, enc encoding.Encoding, name string) ([]byte, string, error) {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return nil, name, fmt.Errorf("decode %s: %w", name, err)
	}
	return repairMojibake(out), name, nil
}

// lookupCharset maps a charset label to an encoding, using the WHATWG label
// table (so "iso-8859-1" means windows-1252, as browsers read it). UTF-8 is
// returned as encoding.Nop.
func lookupCharset(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil, ""
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, ""
	}
	if name == "utf-8" || name == "utf-16le" || name == "utf-16be" {
		// A page that says UTF-16 in a meta cannot be UTF-16 (the meta would
		// not be readable as ASCII), so it is UTF-8 as browsers assume.
		return encoding.Nop, "utf-8"
	}
	return enc, name
}

// metaCharset finds the charset declared by <meta charset> or
// <meta http-equiv="Content-Type" content="...; charset=..."> in the head of
// the page, scanning tags with a tokenizer-free search that tolerates
// attribute order, quoting and case.
func metaCharset(b []byte) string {
	if len(b) > sniffLen {
		b = b[:sniffLen]
	}
	// Only the <meta> tags are lowered: lowering the whole head cost as
	// much as a tenth of the extraction of a page.
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return ""
		}
		start := i + j
		i = start + 1
		if len(b)-start < 5 || b[start+1]|0x20 != 'm' || b[start+2]|0x20 != 'e' || b[start+3]|0x20 != 't' || b[start+4]|0x20 != 'a' {
			continue
		}
		end := bytes.IndexByte(b[start:], '>')
		if end < 0 {
			return ""
		}
		tag := strings.ToLower(string(b[start : start+end]))
		i = start + end
		k := strings.Index(tag, "charset")
		if k < 0 {
			continue
		}
		v := strings.TrimLeft(tag[k+len("charset"):], " \t\r\n")
		if !strings.HasPrefix(v, "=") {
			continue
		}
		v = strings.TrimLeft(v[1:], " \t\r\n\"'")
		n := strings.IndexAny(v, " \t\r\n\"';/>")
		if n >= 0 {
			v = v[:n]
		}
		if v != "" {
			return v
		}
	}
}

// invalidShare is the share of bytes of b that are not valid UTF-8.
func invalidShare(b []byte) float64 {
	bad := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		}
		i += size
	}
	return float64(bad) / float64(len(b)+1)
}

// hasMultibyte reports whether b has any non-ASCII byte.
func hasMultibyte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// guessLegacy picks the single-byte charset of a page that is not UTF-8 and
// declares nothing usable. Vietnamese pages of that era were windows-1258:
// its letters Ă ă Đ đ Ơ ơ Ư ư and its combining tone marks sit at bytes that
// are rare in western windows-1252 text.
func guessLegacy(b []byte) (encoding.Encoding, string) {
	vi, high := 0, 0
	for _, c := range b {
		if c < 0x80 {
			continue
		}
		high++
		switch c {
		case 0xC3, 0xE3, 0xD0, 0xF0, 0xD5, 0xF5, 0xDD, 0xFD, 0xCC, 0xEC, 0xD2, 0xDE, 0xF2:
			vi++
		}
	}
	if high > 0 && vi*3 >= high {
		return charmap.Windows1258, "windows-1258"
	}
	return charmap.Windows1252, "windows-1252"
}

// mojibakeSigns are the windows-1252 renderings of UTF-8 lead bytes of
// Vietnamese letters: "á»" (U+1Exx), "Ä‘" (đ), "Æ°" (ư), "Ã" (Latin-1 block).
var mojibakeSigns = []string{"á»", "áº", "Ä‘", "Æ°", "Æ¡", "Ã¡", "Ã ", "Ã´", "Ãª", "Ã³", "Ã¢", "Ä\u0090", "Ä\u0083"}

// repairMojibake undoes one or two rounds of UTF-8 text having been read as
// windows-1252 (or Latin-1) and written out again as UTF-8. It works run by
// run, so a page mixing broken and intact text is repaired where broken only.
func repairMojibake(b []byte) []byte {
	for round := 0; round < 2; round++ {
		signs := 0
		for _, s := range mojibakeSigns {
			signs += bytes.Count(b, []byte(s))
			if signs >= 3 {
				break
			}
		}
		if signs < 3 {
			return b
		}
		fixed, changed := repairRuns(b)
		if !changed {
			return b
		}
		b = fixed
	}
	return b
}

// cp1252Byte maps a rune to the byte windows-1252 (extended with Latin-1 for
// the five bytes windows-1252 leaves undefined) encodes it as.
func cp1252Byte(r rune) (byte, bool) {
	if r < 0x80 {
		return byte(r), true
	}
	if r <= 0xFF {
		// C1 controls: the page was read as Latin-1, not windows-1252.
		return byte(r), true
	}
	if c, ok := cp1252High[r]; ok {
		return c, true
	}
	return 0, false
}

// cp1252High maps the characters windows-1252 puts at 0x80–0x9F to their
// bytes.
var cp1252High = func() map[rune]byte {
	m := make(map[rune]byte, 32)
	for c := 0x80; c < 0xA0; c++ {
		r := charmap.Windows1252.DecodeByte(byte(c))
		if r != utf8.RuneError && r != rune(c) {
			m[r] = byte(c)
		}
	}
	return m
}()

// repairRuns re-encodes each maximal run of windows-1252-encodable non-ASCII
// characters (with the ASCII between them inside a word) to bytes and keeps
// the result where those bytes are valid UTF-8.
func repairRuns(b []byte) ([]byte, bool) {
	var out bytes.Buffer
	out.Grow(len(b))
	changed := false
	var run []byte
	runStart := -1
	flush := func(end int) {
		if runStart < 0 {
			return
		}
		if utf8.Valid(run) && !bytes.Equal(run, b[runStart:end]) {
			out.Write(run)
			changed = true
		} else {
			out.Write(b[runStart:end])
		}
		run = run[:0]
		runStart = -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x80 && r != utf8.RuneError {
			if c, ok := cp1252Byte(r); ok {
				if runStart < 0 {
					// Take back the ASCII letters just written so that a
					// word like "Viá»‡t" is repaired as one piece; ASCII is
					// unchanged by the round trip, so this is only for
					// keeping runs whole.
					runStart = i
				}
				run = append(run, c)
				i += size
				continue
			}
		}
		if runStart >= 0 && r < 0x80 && r > 0x20 && r != '<' && r != '>' && r != '&' && r != '"' && r != '\'' {
			// ASCII inside a broken word stays part of the run: a UTF-8
			// sequence never contains ASCII, so it cannot be split here
			// wrongly; it only keeps the run contiguous.
			run = append(run, byte(r))
			i += size
			continue
		}
		flush(i)
		out.Write(b[i : i+size])
		i += size
	}
	flush(len(b))
	return out.Bytes(), changed
}

// Signature words of the two legacy Vietnamese font encodings, as their
// bytes read in windows-1252: "và", "của", "được", "những", "người",
// "không", "Việt", "năm", "đến", "tại", "có", "đã". TCVN3 writes ư as 0xAD,
// a soft hyphen that clean() drops, so both spellings are listed.
var (
	tcvn3Words = []string{"vµ", "cña", "®\u00adîc", "®îc", "nh÷ng", "ng\u00adêi", "ngêi", "kh«ng", "ViÖt", "n¨m", "®Õn", "t¹i", "cã", "®·"}
	vniWords   = []string{"vaø", "cuûa", "ñöôïc", "nhöõng", "ngöôøi", "khoâng", "Vieät", "naêm", "ñeán", "taïi", "coù", "ñaõ"}
)

// checkLegacyFont reports ErrLegacyEncoding when text is Vietnamese written
// in TCVN3 or VNI font encoding: such text reads as garbage in any Unicode
// font and must not be indexed.
func checkLegacyFont(text string) error {
	if text == "" {
		return nil
	}
	count := func(ws []string) int {
		n := 0
		for _, w := range ws {
			n += strings.Count(text, w)
		}
		return n
	}
	tcvn, vni := count(tcvn3Words), count(vniWords)
	hits := max(tcvn, vni)
	if hits < 4 {
		return nil
	}
	// Real Vietnamese Unicode text of the same length would show many
	// precomposed letters from the Latin Extended Additional block.
	uni := 0
	for _, r := range text {
		if r >= 0x1EA0 && r <= 0x1EF9 {
			uni++
		}
	}
	if uni > hits*4 {
		return nil
	}
	name := "TCVN3"
	if vni > tcvn {
		name = "VNI"
	}
	return fmt.Errorf("%w (%s, %d signature words)", ErrLegacyEncoding, name, hits)
}
