package vi

import "unicode/utf8"

// text is what a pass reads: a string, or a token's bytes in place.
type text interface{ string | []byte }

// Characters handled specially by every pass.
const (
	softHyphen = 0x00AD
	zwsp       = 0x200B
)

// kind classifies the non-ASCII runes that the passes drop or replace.
const (
	kKeep  = iota
	kStrip // invisible, removed
	kBreak // zero-width space, a word break
	kSpace // a visible space other than ' '
)

func kindOf(r rune) int {
	switch r {
	case softHyphen, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return kStrip
	case zwsp:
		return kBreak
	case 0x00A0, 0x1680, 0x202F, 0x205F, 0x3000:
		return kSpace
	}
	if 0x2000 <= r && r <= 0x200A {
		return kSpace
	}
	return kKeep
}

// out is the lazily built result of a pass. The output is always buf
// followed by the input from pend up to the read position: unchanged text is
// never copied byte by byte, and nothing is allocated until something changes.
type out struct {
	buf   []byte
	pend  int
	dirty bool
	space bool // the last rune output is a space, or nothing was output
	brk   bool // a zero-width space was dropped since the last rune output
}

// cut moves the pending input before pos into buf, so that a replacement for
// what starts at pos can be appended.
func cut[T text](o *out, s T, pos int) {
	if !o.dirty {
		o.buf = make([]byte, 0, len(s)+len(s)/8+8)
		o.dirty = true
	}
	o.buf = append(o.buf, s[o.pend:pos]...)
	o.pend = pos
}

// skip drops s[pos:end] from the output.
func skip[T text](o *out, s T, pos, end int) {
	cut(o, s, pos)
	o.pend = end
}

// replace outputs b instead of s[pos:end].
func replace[T text](o *out, s T, pos, end int, b byte) {
	cut(o, s, pos)
	o.buf = append(o.buf, b)
	o.pend = end
}

// finish returns the output of a pass over s.
func finish[T text](o *out, s T) ([]byte, bool) {
	if !o.dirty {
		return nil, false
	}
	return append(o.buf, s[o.pend:]...), true
}

// gap is called before a rune at pos is output. It writes the space owed to
// a dropped zero-width space unless that rune is itself a space: a zero-width
// space between words becomes a space (search needs the word break); next to
// a space or at either end of the text it vanishes.
func gap[T text](o *out, s T, pos int, isSpace bool) {
	if o.brk {
		o.brk = false
		if !isSpace && !o.space {
			cut(o, s, pos)
			o.buf = append(o.buf, ' ')
		}
	}
	o.space = isSpace
}

// ASCII character classes, for the byte loops.
const (
	aLetter = 1 << iota
	aVowel
	aUpper
	aSpace
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = aLetter
		t[c-'a'+'A'] = aLetter | aUpper
	}
	for _, c := range "aeiouy" {
		t[c] |= aVowel
		t[c-'a'+'A'] |= aVowel
	}
	for _, c := range " \t\n\r\v\f" {
		t[c] = aSpace
	}
	return t
}()

// decodeRune decodes the UTF-8 sequence at s[i:], like utf8.DecodeRune but
// for either strings or byte slices without converting them. An invalid or
// short sequence yields (utf8.RuneError, 1).
// decodeFast decodes the rune at s[i] (not ASCII), taking the two-byte
// case, which holds most Vietnamese letters, before the general decoder.
// It is not inlined, which the corpus benchmark does not notice (see
// docs/defaults.md).
func decodeFast[T text](s T, i int) (rune, int) {
	if c := s[i]; c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return decodeRune(s, i)
}

func decodeRune[T text](s T, i int) (rune, int) {
	c0 := s[i]
	n := len(s) - i
	switch {
	case c0 < 0x80:
		return rune(c0), 1
	case c0 < 0xC2:
		return utf8.RuneError, 1
	case c0 < 0xE0:
		if n < 2 || s[i+1]&0xC0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(c0&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	case c0 < 0xF0:
		if n < 3 {
			return utf8.RuneError, 1
		}
		c1, c2 := s[i+1], s[i+2]
		lo, hi := byte(0x80), byte(0xBF)
		if c0 == 0xE0 {
			lo = 0xA0
		} else if c0 == 0xED {
			hi = 0x9F // no surrogates
		}
		if c1 < lo || c1 > hi || c2&0xC0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(c0&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F), 3
	case c0 < 0xF5:
		if n < 4 {
			return utf8.RuneError, 1
		}
		c1, c2, c3 := s[i+1], s[i+2], s[i+3]
		lo, hi := byte(0x80), byte(0xBF)
		if c0 == 0xF0 {
			lo = 0x90
		} else if c0 == 0xF4 {
			hi = 0x8F
		}
		if c1 < lo || c1 > hi || c2&0xC0 != 0x80 || c3&0xC0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(c0&0x07)<<18 | rune(c1&0x3F)<<12 | rune(c2&0x3F)<<6 | rune(c3&0x3F), 4
	}
	return utf8.RuneError, 1
}
