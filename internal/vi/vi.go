package vi

import (
	"strings"
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

// bytesString turns a buffer this package built, and never touches again,
// into a string without copying it.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
