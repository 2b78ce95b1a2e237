package vi

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Vowel codes. A Vietnamese vowel letter is one of twelve bases (vowel mark
// included) times six tones times two cases; the codes index those bases.
const (
	vNone uint8 = iota
	vA          // a
	vAW         // ă
	vAA         // â
	vE          // e
	vEE         // ê
	vI          // i
	vO          // o
	vOO         // ô
	vOW         // ơ
	vU          // u
	vUW         // ư
	vY          // y
	vDD         // đ: not a vowel, but it lives in the same table
	numCodes
)

// Tones, in the usual order; tone 0 is "ngang" (no mark).
const numTones = 6

// vowelBase holds the lower-case letters behind each code, without tone.
var vowelBase = [numCodes]string{"", "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "đ"}

// foldByte is the ASCII letter each code folds to.
var foldByte = [numCodes]byte{0, 'a', 'a', 'a', 'e', 'e', 'i', 'o', 'o', 'o', 'u', 'u', 'y', 'd'}

// vowelMarked reports which codes carry a vowel mark (ă â ê ô ơ ư): the tone
// goes on the last of them in a syllable.
var vowelMarked = [numCodes]bool{vAW: true, vAA: true, vEE: true, vOO: true, vOW: true, vUW: true}

// toneMark holds the combining character of each tone.
var toneMark = [numTones]rune{0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323}

// Packed letter info: bits 0-3 code, bits 4-6 tone, bit 7 upper case.
const (
	infoCode  = 0x0F
	infoTone  = 4
	infoUpper = 0x80
)

// infoMax bounds the info table: every precomposed Vietnamese letter is below it.
const infoMax = 0x1EFA

var (
	// info maps each Vietnamese vowel letter, the ASCII ones included (tone
	// 0), and Đ/đ to its packed letter info; every other rune to 0.
	info [infoMax]uint8
	// compose is the inverse of info: compose[code][tone][upper].
	compose [numCodes][numTones][2]rune
	// nucleus maps a vowel cluster key (see nucleusKey) to tone positions.
	nucleus [1 << 12]uint8
	// foldOther maps letters below foldOtherMax outside the Vietnamese
	// alphabet that carry diacritics (é is Vietnamese, ü is not) to their
	// lower-case base letter, and other runes to 0: a table, not a map, as
	// the loops look every such rune up. Built on first use: most text never
	// needs it.
	foldOther = sync.OnceValue(buildFoldOther)
)

// foldOtherMax bounds foldOther.
const foldOtherMax = 0x3000

func init() {
	for c := vA; c < numCodes; c++ {
		for t := 0; t < numTones; t++ {
			if c == vDD && t > 0 {
				break
			}
			s := vowelBase[c]
			if t > 0 {
				s += string(toneMark[t])
			}
			lo, n := utf8.DecodeRuneInString(norm.NFC.String(s))
			if n == 0 || lo == utf8.RuneError {
				panic("vi: bad vowel table entry " + s)
			}
			up := unicode.ToUpper(lo)
			compose[c][t][0], compose[c][t][1] = lo, up
			info[lo] = c | uint8(t)<<infoTone
			info[up] = c | uint8(t)<<infoTone | infoUpper
		}
	}
	for _, n := range nuclei {
		addNucleus(n)
	}
	buildQuickTables()
}

func buildFoldOther() *[foldOtherMax]uint16 {
	t := new([foldOtherMax]uint16)
	for r := rune(0x80); r < foldOtherMax; r++ {
		if r < infoMax && info[r] != 0 {
			continue
		}
		lo := unicode.ToLower(r)
		d := norm.NFD.String(string(lo))
		base, n := utf8.DecodeRuneInString(d)
		if n == len(d) || !isSafe(base) {
			continue
		}
		ok := true
		for _, m := range d[n:] {
			if !isDiacritic(m) {
				ok = false
				break
			}
		}
		if ok {
			// A base letter below U+3000 lowers to one below U+10000.
			t[r] = uint16(unicode.ToLower(base))
		}
	}
	return t
}

// isDiacritic reports whether r belongs to one of the blocks of combining
// diacritical marks; Fold removes these and nothing else of the mark category
// (Thai or Devanagari vowel signs are letters' parts, not accents).
func isDiacritic(r rune) bool {
	switch {
	case r < 0x0300:
		return false
	case r <= 0x036F:
		return true
	case r < 0x1AB0:
		return false
	case r <= 0x1AFF, 0x1DC0 <= r && r <= 0x1DFF, 0x20D0 <= r && r <= 0x20FF, 0xFE20 <= r && r <= 0xFE2F:
		return true
	}
	return false
}

// isSafe reports whether r is known to be NFC-stable on its own and unable to
// combine with what precedes it, so that a string made only of such runes is
// in NFC without asking the norm package. The ranges cover Latin, Greek,
// Cyrillic, Vietnamese, punctuation, symbols, arrows, CJK, Hangul syllables,
// half- and full-width forms and emoji; a test checks them against the norm
// tables.
func isSafe(r rune) bool {
	for _, rg := range safeRanges {
		if r < rg[0] {
			return false
		}
		if r <= rg[1] {
			return true
		}
	}
	return false
}

// safeRanges lists, in order, the ranges isSafe accepts.
var safeRanges = [...][2]rune{
	{0x0000, 0x02FF}, {0x0388, 0x03FF}, {0x0400, 0x0482}, {0x1E00, 0x1EFF}, {0x2002, 0x20CF},
	{0x2100, 0x2125}, {0x212C, 0x2328}, {0x232B, 0x2ADB}, {0x2ADD, 0x2CEE}, {0x2E00, 0x3029},
	{0x309B, 0xA66E}, {0xAC00, 0xD7A3}, {0xFE30, 0xFFFD}, {0x1F000, 0x1FAFF},
}

// nuclei lists the vowel clusters of Vietnamese syllables, after the glide of
// "qu" and the i of "gi" have been counted with the initial consonant.
var nuclei = []string{
	"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
	"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu",
	"oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ôô", "ua", "uâ", "uê", "ui",
	"uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê",
	"iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu",
	"uya", "uyê", "uyu",
}

// nucleusKey packs up to three vowel codes into 12 bits.
func nucleusKey(codes []uint8) int {
	k := 0
	for i, c := range codes {
		k |= int(c) << (4 * i)
	}
	return k
}

// addNucleus records where the tone goes in cluster n, without and with a
// final consonant: on the last vowel that has a vowel mark (ươ → ơ); else on
// the only vowel; else, before a final consonant, on the last vowel (hoàn,
// huỳnh); else on the middle of three (ngoài, khuỷu) or the first of two
// (hòa, thủy, mái, mùa). Stored as (noFinal+1) | (withFinal+1)<<2.
func addNucleus(n string) {
	var codes []uint8
	for _, r := range n {
		codes = append(codes, info[r]&infoCode)
	}
	marked := -1
	for i, c := range codes {
		if vowelMarked[c] {
			marked = i
		}
	}
	var open, closed int
	switch {
	case marked >= 0:
		open, closed = marked, marked
	case len(codes) == 1:
		open, closed = 0, 0
	case len(codes) == 3:
		open, closed = 1, 2
	default:
		open, closed = 0, 1
	}
	nucleus[nucleusKey(codes)] = uint8(open+1) | uint8(closed+1)<<2
}
