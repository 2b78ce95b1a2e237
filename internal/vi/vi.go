package vi

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Clean returns s in canonical display form: NFC; the look-alikes Ð/ð
// (U+00D0/U+00F0) mapped to Đ/đ; soft hyphen, zero-width joiners, word joiner
// and BOM removed; a zero-width space turned into a space between two words;
// NBSP and other Unicode spaces turned into ' '; invalid UTF-8 replaced by
// U+FFFD; one tone-mark placement per Vietnamese syllable. Case is kept.
// It returns s itself when s is already clean.
func Clean(s string) string { return normalizeString(s, false) }

// Normalize returns Clean(s) in lower case: the indexed "exact" form.
// It returns s itself when s is already normalized.
func Normalize(s string) string { return normalizeString(s, true) }

// Fold returns Normalize(s) without diacritics, tone and vowel marks alike,
// and with đ mapped to d: "Đà Nẵng" → "da nang". Accented letters of other
// languages lose their accents too (ü → u); other scripts are only lowered.
// Fold(Normalize(s)) == Fold(s) for every s.
func Fold(s string) string {
	out, changed, ok := fold(s, false)
	switch {
	case !ok:
		return slowFold(s)
	case changed:
		return bytesString(out)
	}
	return s
}

// HasMarks reports whether s carries a diacritic that Fold removes (any
// Vietnamese tone or vowel mark, decomposed or not, other Latin accents) or
// the letter đ; that is, whether Fold(s) != Normalize(s). Case alone does not
// count: HasMarks("HA NOI") is false. It does not allocate on NFC text.
func HasMarks(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r < infoMax && info[r] != 0 || r == 0xD0 || r == 0xF0 {
			return true
		}
		if isDiacritic(r) {
			// A decomposed mark usually survives Normalize, but not always
			// (I\u0307 composes to İ, which lowers to i): compare.
			return Fold(s) != Normalize(s)
		}
		if r < foldOtherMax && foldOther()[r] != 0 {
			return true
		}
	}
	return false
}

// IsSyllable reports whether word, one run of letters in NFC, in any case
// and with its tone on any of its vowels, reads as a Vietnamese syllable: a known initial
// consonant (qu and gi included), a vowel cluster of the language, a known
// final consonant and at most one tone mark. "Người", "hoà", "quý", "nghiêng"
// are syllables; "Covid", "CP", "sàigon" and "xyz" are not. It does not check
// which tones a final stop allows. The analysis chain can use it to decide
// which tokens to pair into syllable bigrams.
func IsSyllable(word string) bool {
	var ls [maxSyl]letter
	n, tones := 0, 0
	for _, r := range word {
		if n == maxSyl || kindOf(r) != kKeep {
			return false
		}
		l := makeLetter(r, true)
		if l.info == 0 && l.c == 0 {
			return false
		}
		if l.tone() != 0 {
			tones++
		}
		ls[n] = l
		n++
	}
	return n > 0 && tones <= 1 && placeTone(ls[:n]) >= 0
}

// NormalizeToken is Normalize for one token, for analysis chains. It returns
// b itself, without allocating, when b is already normalized; otherwise a new
// slice (b is never modified).
func NormalizeToken(b []byte) []byte {
	out, changed, ok := normalize(b, true, false, true)
	switch {
	case !ok:
		if r := slowNormalize(string(b), true); r != string(b) {
			return []byte(r)
		}
	case changed:
		return out
	}
	return b
}

// FoldToken is Fold for one token. It returns b itself, without allocating,
// when b is already folded; otherwise a new slice (b is never modified).
func FoldToken(b []byte) []byte {
	out, changed, ok := fold(b, false)
	switch {
	case !ok:
		if r := slowFold(string(b)); r != string(b) {
			return []byte(r)
		}
	case changed:
		return out
	}
	return b
}

// bytesString turns a buffer this package built, and never touches again,
// into a string without copying it.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

type text interface{ string | []byte }

// normalizeString is Clean (lower false) or Normalize (lower true). Text
// made only of runes known to be NFC-stable, the common case, takes one pass;
// other text goes through slowNormalize.
func normalizeString(s string, lower bool) string {
	out, changed, ok := normalize(s, lower, false, true)
	switch {
	case !ok:
		return slowNormalize(s, lower)
	case changed:
		return bytesString(out)
	}
	return s
}

// slowFold is Fold for text that may not be in NFC: it folds Normalize(s).
func slowFold(s string) string {
	s = slowNormalize(s, true)
	if out, changed, _ := fold(s, true); changed {
		return bytesString(out)
	}
	return s
}

// slowNormalize normalizes text that may not be in NFC: it maps and strips
// runes first (removing a soft hyphen may bring a combining mark next to its
// letter), then composes, then lowers and places tones. Lowering is done on
// composed text, the letters Clean outputs; should lowering undo NFC (it can,
// for a few letters of other scripts), the last two steps are repeated until
// nothing changes.
func slowNormalize(s string, lower bool) string {
	if p, changed, _ := normalize(s, false, true, false); changed {
		s = bytesString(p)
	}
	for range 4 {
		s = norm.NFC.String(s)
		if p, changed, _ := normalize(s, lower, true, true); changed {
			s = bytesString(p)
		}
		if norm.NFC.IsNormalString(s) {
			break
		}
	}
	return s
}

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

// normalizeFrom is the general pass behind normalize (quick.go), which
// hands over to it at s[i], outside any run of letters, with the output o so
// far. It returns ok=false, having done nothing useful, when it meets a rune
// that might not be in NFC and nfcOK is false. With place false it only maps
// runes (the first step of the slow path).
//
// Letters are output mapped and lowered as they are read. What the loop
// learns about the current run of letters (kept in locals) tells whether its
// tone might be misplaced: one tone, several vowels,
// none with a vowel mark settling it. Only such runs are read again.
func normalizeFrom[T text](s T, lower, nfcOK, place bool, o out, i int) (res []byte, changed, ok bool) {
	var (
		in      bool // inside a run of letters
		start   int  // where the run starts
		letters int
		vowels  int
		tones   int  // letters carrying a tone mark
		settled bool // the tone is on the last vowel with a vowel mark, where it belongs
		foreign bool // the run holds a letter outside the Vietnamese alphabet
		emitted bool // letters of the run were output changed (case, Ð, strip)
		mark    int  // len(o.buf) when the output reached start, if emitted
	)
	// endRun closes the run before s[end].
	endRun := func(end int) {
		in = false
		if place && tones == 1 && vowels >= 2 && !settled && !foreign && letters <= maxSyl {
			retone(&o, s, start, end, lower, emitted, mark)
		}
	}
	// beginRun opens a run at s[i].
	beginRun := func(i int) {
		in, start, letters, vowels, tones, settled, foreign, emitted = true, i, 0, 0, 0, false, false, false
		gap(&o, s, i, false)
	}
	// change prepares the output for a letter that is output changed: the
	// first time, it notes where the run's output begins, in case retone has
	// to output the run anew.
	change := func() {
		if !emitted {
			cut(&o, s, start)
			mark, emitted = len(o.buf), true
		}
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			cl := asciiClass[c]
			if cl&aLetter != 0 {
				if !in {
					beginRun(i)
				}
				// Take the ASCII letters that follow in one go.
				for {
					letters++
					vowels += int(cl&aVowel) >> 1
					if lower && cl&aUpper != 0 {
						change()
						replace(&o, s, i, i+1, c+'a'-'A')
					}
					i++
					if i == len(s) {
						break
					}
					if c = s[i]; c >= utf8.RuneSelf {
						break
					}
					if cl = asciiClass[c]; cl&aLetter == 0 {
						break
					}
				}
				continue
			}
			if in {
				endRun(i)
			}
			gap(&o, s, i, cl&aSpace != 0)
			i++
			continue
		}
		r, size := decodeFast(s, i)
		var inf uint8
		if r < infoMax {
			inf = info[r]
		}
		if inf == 0 && r != 0xD0 && r != 0xF0 {
			if size == 1 && r == utf8.RuneError { // invalid UTF-8
				if in {
					endRun(i)
				}
				gap(&o, s, i, false)
				cut(&o, s, i)
				o.buf = utf8.AppendRune(o.buf, utf8.RuneError)
				o.pend = i + 1
				i++
				continue
			}
			switch kindOf(r) {
			case kStrip:
				// Removing it must not split the word: ng\u00adười is người.
				if in {
					change()
				}
				skip(&o, s, i, i+size)
				i += size
				continue
			case kBreak:
				if in {
					endRun(i)
				}
				skip(&o, s, i, i+size)
				o.brk = true
				i += size
				continue
			case kSpace:
				if in {
					endRun(i)
				}
				gap(&o, s, i, true)
				replace(&o, s, i, i+size, ' ')
				i += size
				continue
			}
			if !nfcOK && !isSafe(r) {
				return nil, false, false
			}
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				if in {
					endRun(i)
				}
				gap(&o, s, i, unicode.IsSpace(r))
				if lower {
					// Some non-letters have case too: Ⅴ, Ⓐ.
					if lr := unicode.ToLower(r); lr != r {
						replaceRune(&o, s, i, i+size, lr)
					}
				}
				i += size
				continue
			}
		}
		if !in {
			beginRun(i)
		}
		letters++
		switch {
		case inf != 0:
			if code := inf & infoCode; code != vDD {
				vowels++
				toned := inf>>infoTone&7 != 0
				if toned {
					tones++
				}
				if vowelMarked[code] {
					settled = toned
				}
			}
			if lower && inf&infoUpper != 0 {
				change()
				replaceRune(&o, s, i, i+size, compose[inf&infoCode][inf>>infoTone&7][0])
			}
		case r == 0xD0 || r == 0xF0:
			change()
			replaceRune(&o, s, i, i+size, makeLetter(r, lower).r)
		default:
			lr := r
			if lower {
				if lr = unicode.ToLower(r); lr != r {
					change()
					replaceRune(&o, s, i, i+size, lr)
				}
			}
			// Classify the letter as output, for idempotence: İ lowers to i.
			switch {
			case lr < utf8.RuneSelf && asciiClass[lr]&aLetter != 0:
				if asciiClass[lr]&aVowel != 0 {
					vowels++
				}
			case lr < infoMax && info[lr] != 0:
				if code := info[lr] & infoCode; code != vDD {
					vowels++
					toned := info[lr]>>infoTone&7 != 0
					if toned {
						tones++
					}
					if vowelMarked[code] {
						settled = toned
					}
				}
			default:
				foreign = true
			}
		}
		i += size
	}
	if in {
		endRun(len(s))
	}
	res, changed = finish(&o, s)
	return res, changed, true
}

// replaceRune outputs r instead of s[pos:end].
func replaceRune[T text](o *out, s T, pos, end int, r rune) {
	cut(o, s, pos)
	o.buf = utf8.AppendRune(o.buf, r)
	o.pend = end
}

// retone reads the run of letters s[start:end] again as a syllable and, if
// its tone belongs elsewhere, outputs the run anew, dropping what was output
// for it since mark (when emitted). It reports whether it output the run.
// A run of more than maxSyl letters is no syllable: it is left as it is.
func retone[T text](o *out, s T, start, end int, lower, emitted bool, mark int) bool {
	var ls [maxSyl]letter
	from, n := -1, 0
	for j := start; j < end; {
		var l letter
		// The letters of Vietnamese syllables first, from tables.
		if c := s[j]; c < utf8.RuneSelf {
			if lower {
				c = lowerASCII[c]
			}
			l = asciiLetter[c]
			j++
		} else if inf := letter2(s, j); inf != 0 {
			l = vietLetter(inf, lower)
			j += 2
		} else if inf := letter3(s, j); inf != 0 {
			l = vietLetter(inf, lower)
			j += 3
		} else {
			r, size := decodeFast(s, j)
			j += size
			if kindOf(r) == kStrip {
				continue
			}
			l = makeLetter(r, lower)
		}
		if n == maxSyl {
			return false
		}
		if l.tone() != 0 {
			from = n
		}
		ls[n] = l
		n++
	}
	to := placeTone(ls[:n])
	if from < 0 || to < 0 || to == from {
		return false
	}
	tone := ls[from].tone()
	ls[from].setTone(0)
	ls[to].setTone(tone)
	if emitted {
		o.buf, o.pend = o.buf[:mark], start
	}
	cut(o, s, start)
	for _, l := range ls[:n] {
		o.buf = utf8.AppendRune(o.buf, l.r)
	}
	o.pend = end
	return true
}

// asciiLetter is makeLetter(c, false) for each ASCII byte c (see
// buildQuickTables).
var asciiLetter [utf8.RuneSelf]letter

// vietLetter is makeLetter for the letter with info inf, a Vietnamese
// letter or an ASCII vowel.
func vietLetter(inf uint8, lower bool) letter {
	if lower {
		inf &^= infoUpper
	}
	l := letter{r: compose[inf&infoCode][inf>>infoTone&7][inf>>7], info: inf}
	if inf&infoCode == vDD {
		l.c = 'D'
	}
	return l
}

// makeLetter decodes one letter of a run: Ð/ð mapped to Đ/đ, lowered if
// lower is set, with its table info.
func makeLetter(r rune, lower bool) letter {
	switch r {
	case 0xD0:
		r = 0x110
	case 0xF0:
		r = 0x111
	}
	// The tables lower Vietnamese and ASCII letters as unicode.ToLower
	// would, faster.
	if r < infoMax && info[r] != 0 {
		return vietLetter(info[r], lower)
	}
	if r < utf8.RuneSelf {
		if lower {
			r = rune(lowerASCII[r])
		}
		l := letter{r: r}
		if asciiClass[r]&aLetter != 0 {
			l.c = byte(r) | 0x20
		}
		return l
	}
	if lower {
		r = unicode.ToLower(r)
	}
	l := letter{r: r}
	switch {
	case r < utf8.RuneSelf:
		if asciiClass[r]&aLetter != 0 {
			l.info = info[r]
			if l.info == 0 {
				l.c = byte(r) | 0x20
			}
		}
	case r < infoMax && info[r] != 0:
		l.info = info[r]
		if l.code() == vDD {
			l.c = 'D'
		}
	}
	return l
}

// foldFrom is the general pass behind fold (quick.go), resumed at s[i]
// with the output o so far; otherwise it has the contract of normalize. Tone
// placement is irrelevant here: every tone goes.
func foldFrom[T text](s T, nfcOK bool, o out, i int) (res []byte, changed, ok bool) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			cl := asciiClass[c]
			if o.brk {
				gap(&o, s, i, cl&aSpace != 0)
			}
			o.space = cl&aSpace != 0
			if cl&aUpper != 0 {
				replace(&o, s, i, i+1, c+'a'-'A')
			}
			i++
			// What follows up to the next space, capital or non-ASCII byte
			// is output as it is.
			j := i
			for j < len(s) && s[j] < utf8.RuneSelf && asciiClass[s[j]]&(aUpper|aSpace) == 0 {
				j++
			}
			if j > i {
				if o.brk {
					gap(&o, s, i, false)
				}
				o.space = false
				i = j
			}
			continue
		}
		r, size := decodeFast(s, i)
		if r < infoMax && info[r] != 0 {
			gap(&o, s, i, false)
			replace(&o, s, i, i+size, foldByte[info[r]&infoCode])
			i += size
			continue
		}
		switch {
		case size == 1 && r == utf8.RuneError:
			gap(&o, s, i, false)
			cut(&o, s, i)
			o.buf = utf8.AppendRune(o.buf, utf8.RuneError)
			o.pend = i + 1
			i++
			continue
		case r == 0xD0 || r == 0xF0:
			gap(&o, s, i, false)
			replace(&o, s, i, i+size, 'd')
			i += size
			continue
		}
		switch kindOf(r) {
		case kStrip:
			skip(&o, s, i, i+size)
			i += size
			continue
		case kBreak:
			skip(&o, s, i, i+size)
			o.brk = true
			i += size
			continue
		case kSpace:
			gap(&o, s, i, true)
			replace(&o, s, i, i+size, ' ')
			i += size
			continue
		}
		if !nfcOK && !isSafe(r) {
			return nil, false, false
		}
		if isDiacritic(r) {
			// Dropped, but it counts as output for a pending word break, as
			// it does in normalize.
			gap(&o, s, i, false)
			skip(&o, s, i, i+size)
			i += size
			continue
		}
		f := r
		if r < foldOtherMax {
			if b := foldOther()[r]; b != 0 {
				f = rune(b)
			}
		}
		f = unicode.ToLower(f)
		gap(&o, s, i, unicode.IsSpace(f))
		if f != r {
			cut(&o, s, i)
			o.buf = utf8.AppendRune(o.buf, f)
			o.pend = i + size
		}
		i += size
	}
	res, changed = finish(&o, s)
	return res, changed, true
}

// decodeRune decodes the UTF-8 sequence at s[i:], like utf8.DecodeRune but
// for either strings or byte slices without converting them. An invalid or
// short sequence yields (utf8.RuneError, 1).
// decodeFast decodes the rune at s[i] (not ASCII), taking the two-byte
// case, which holds most Vietnamese letters, before the general decoder.
// It is not inlined; measured against the copies it replaced in both
// scanning loops, the corpus benchmark was unchanged (54–59 → 61–62 MB/s).
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

// Published returns s as a record keeps the text it was given: NFC, with
// invalid UTF-8 replaced by U+FFFD, and nothing else changed. Tone placement,
// case and invisible characters stay as the source wrote them ("hoả" stays
// "hoả"); NFC only composes marks typed decomposed, which reads the same.
// It returns s itself when s is already NFC and valid.
func Published(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}
