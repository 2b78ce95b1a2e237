package vi

import "unicode/utf8"

// The passes start with quick loops that know only what ordinary Vietnamese
// text is made of: ASCII, the precomposed Vietnamese letters and the
// punctuation U+2010–U+2027 (dashes, quotes, ellipsis). At any other rune
// they hand over to the general loops of general.go (normalizeFrom, foldFrom),
// which resume where they stopped; the output is the same either way, and a
// test holds the two to it (checkQuick).
//
// Vietnamese text switches between ASCII and two- or three-byte letters
// every few bytes, too often for the branch predictor, so the quick loops
// avoid branching on what a letter is: they look it up.

// normalize is the main pass: it returns s mapped, lowered if lower is set,
// and with its tones placed if place is set; changed is false when that is s
// itself. It returns ok=false, having done nothing useful, when it meets a
// rune that might not be in NFC and nfcOK is false.
//
// The quick loop (nextRun) finds the runs of letters that change; they are
// few (a capital, a misplaced tone), and output is lazy (see out): the text
// between them is copied in one piece.
func normalize[T text](s T, lower, nfcOK, place bool) (res []byte, changed, ok bool) {
	o := out{space: true}
	var want uint
	if lower {
		want |= runUpper | runCapital
	}
	if place {
		want |= runMisplaced
	}
	for i := 0; i < len(s); {
		start, end, next, what := nextRun(s, i, want)
		switch {
		case what&runUnknown != 0:
			o.space = spaceBefore(s, start)
			return normalizeFrom(s, lower, nfcOK, place, o, start)
		case what&runMisplaced != 0 && retone(&o, s, start, end, lower, false, 0):
			// Output anew, lowered if lower is set.
		case what&runCapital != 0 && s[start]-'A' < 26:
			// The usual capital, the only one: an ASCII first letter.
			replace(&o, s, start, start+1, s[start]+'a'-'A')
		case what&runUpper != 0:
			lowerRun(&o, s, start, end)
		}
		i = next
	}
	res, changed = finish(&o, s)
	return res, changed, true
}

// What nextRun finds in a run of letters.
const (
	runUpper     = 1 << iota // capitals
	runCapital               // one capital, with runUpper
	runMisplaced             // a tone that may be misplaced: retone tells
	runUnknown               // a rune the quick loop does not know, in or after the run
)

// nextRun reads s from i, the start of a rune, up to the end of the first
// run of letters s[start:end] that holds what the caller wants changed
// (want: runUpper, runCapital, runMisplaced), or up to a rune it does not
// know, in the run that starts at start or just after it. It returns what it
// found, and where the next run may start. With what 0, it read s to the
// end.
//
// It is the hot loop of normalize, a function of its own so that the
// compiler keeps its state in registers. Of each run it notes only what
// decides whether the run changes: a capital; one tone, several vowels and
// none with a vowel mark settling it (see normalizeFrom). It counts them
// from tables, without branching.
func nextRun[T text](s T, i int, want uint) (start, end, next int, what uint) {
	start = i
	// n counts vowels in its low half, capitals in its high one (a run of
	// 4 GB would be needed to mix them).
	var n, tones, settled uint
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if k := asciiCount[c]; k != notLetter {
				n += k
				i++
				continue
			}
			end = i
			i++
		} else {
			inf, size := letter2(s, i), 2
			if inf == 0 {
				inf, size = letter3(s, i), 3
			}
			if inf != 0 {
				f := uint(letterFlags[inf])
				n += letterCount[inf]
				tones += f & fToned / fToned
				m := f & fMarked / fMarked
				settled = settled&^m | f&fToned/fToned&m
				i += size
				continue
			}
			if !isPunct(s, i) {
				return start, i, i, runUnknown
			}
			end = i
			i += 3
		}
		// A non-letter ended the run s[start:end].
		if what = runWhat(n, tones, settled) & want; what != 0 {
			return start, end, i, what
		}
		start = i
		n, tones, settled = 0, 0, 0
	}
	return start, i, i, runWhat(n, tones, settled) & want
}

// runWhat tells, without branching, what a run holds (runUpper,
// runCapital, runMisplaced) from what nextRun counted.
func runWhat(n, tones, settled uint) uint {
	one := (tones ^ 1 - 1) >> 63          // one tone
	two := uint(1-int(n&(1<<32-1))) >> 63 // two vowels or more
	up := n >> 32
	return one&two&^settled*runMisplaced | (-up)>>63*(runUpper|(up^1-1)>>63*runCapital)
}

// asciiCount and letterCount hold what nextRun counts of each ASCII byte
// and each letter info (see info): 1 for a vowel, 1<<32 for a capital;
// notLetter for an ASCII byte that is not a letter.
var (
	asciiCount  [utf8.RuneSelf]uint
	letterCount [256]uint
)

const notLetter = 1 << 63

// letterFlags tells, for each letter info (see info), what nextRun counts.
var letterFlags [256]uint8

const (
	fVowel  = 1 << iota // a vowel (đ is not)
	fToned              // a vowel with a tone mark
	fMarked             // a vowel with a vowel mark: ă â ê ô ơ ư
	fUpper              // a capital
)

// lowerRun outputs s[start:end], letters nextRun knows, in lower case.
// Only the capitals are replaced: the rest stays pending (see out).
func lowerRun[T text](o *out, s T, start, end int) {
	for i := start; i < end; {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiClass[c]&aUpper != 0 {
				replace(o, s, i, i+1, c+'a'-'A')
			}
			i++
			continue
		}
		inf, n := letter2(s, i), 2
		if inf == 0 {
			inf, n = letter3(s, i), 3
		}
		if inf&infoUpper != 0 {
			replaceRune(o, s, i, i+n, compose[inf&infoCode][inf>>infoTone&7][0])
		}
		i += n
	}
}

// fold is the pass behind Fold, with the contract of normalize. Folding
// changes most words of Vietnamese text, so once something changes, the
// quick loop writes every byte, looked up in a table (see foldEntry), rather
// than copy the text in between.
func fold[T text](s T, nfcOK bool) (res []byte, changed, ok bool) {
	// Skip what is left as it is.
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiClass[c]&aUpper != 0 {
				break
			}
			i++
		} else if isPunct(s, i) {
			i += 3
		} else {
			break
		}
	}
	if i == len(s) {
		return nil, false, true
	}
	if s[i] >= utf8.RuneSelf && letter2(s, i) == 0 && letter3(s, i) == 0 {
		return foldFrom(s, nfcOK, out{space: spaceBefore(s, i)}, i)
	}
	// s[i] changes. The quick loop outputs at most a byte per byte read.
	buf := make([]byte, len(s))
	copy(buf, s[:i])
	j := i
	// What precedes s[i] is ASCII or punctuation: s[i-1] alone gives the
	// context.
	var c2, c1 byte
	if i > 0 {
		c1 = s[i-1]
	}
	for ; i < len(s); i++ {
		c0 := s[i]
		e := foldEntry(c2, c1, c0)
		if e&eBad != 0 {
			break
		}
		c2, c1 = c1, c0
		buf[j] = byte(e)
		j += int(e / eEmit & 1)
	}
	x := contextOf(c2, c1)
	if i == len(s) && x == xNone {
		return buf[:j], true, true
	}
	// Hand over at the start of the rune that stopped the loop, dropping
	// what was output of it (the first bytes of punctuation).
	switch x {
	case xNone:
	case xE2:
		i, j = i-1, j-1
	case xE280:
		i, j = i-2, j-2
	case xE1BA, xE1BB:
		i -= 2
	default:
		i--
	}
	return foldFrom(s, nfcOK, out{buf: buf[:j], pend: i, dirty: true, space: spaceBefore(s, i)}, i)
}

// letter2 and letter3 return the info (see info) of the rune at s[i] when
// it is a Vietnamese letter of two bytes, led by C3 to C6 (U+00C0–U+01BF),
// or of three, led by E1 BA or E1 BB (U+1E80–U+1EFF); 0 otherwise. They are
// two functions so that each is inlined.
func letter2[T text](s T, i int) uint8 {
	if c := s[i] - 0xC3; c < 4 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return info2[c<<6|s[i+1]&0x3F]
	}
	return 0
}

func letter3[T text](s T, i int) uint8 {
	if s[i] == 0xE1 && i+2 < len(s) && s[i+1]&0xFE == 0xBA && s[i+2]&0xC0 == 0x80 {
		return info3[(s[i+1]&1)<<6|s[i+2]&0x3F]
	}
	return 0
}

// info2 and info3 are the parts of info that letter2 and letter3 read:
// U+00C0–U+01BF and U+1E80–U+1EFF.
var info2, info3 [256]uint8

// isPunct reports whether s[i:] starts with one of U+2010–U+2027: neither
// letter nor space, without case or accent, so every pass leaves it as is.
func isPunct[T text](s T, i int) bool {
	return s[i] == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]-0x90 < 0x18
}

// spaceBefore is out.space for a quick loop that handed over at s[i]:
// whether it output a space last (s[i-1], left as it was), or nothing.
func spaceBefore[T text](s T, i int) bool {
	return i == 0 || s[i-1] < utf8.RuneSelf && asciiClass[s[i-1]]&aSpace != 0
}

// lowerASCII maps each ASCII byte to its lower case.
var lowerASCII = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = byte(c)
		if asciiClass[c]&aUpper != 0 {
			t[c] += 'a' - 'A'
		}
	}
	return t
}()

// buildQuickTables fills the tables of the quick loops; init (tables.go)
// calls it once info is built.
func buildQuickTables() {
	copy(info2[:], info[0xC0:0x1C0])
	copy(info3[:], info[0x1E80:infoMax])
	for inf := range letterFlags {
		var f uint8
		if code := uint8(inf) & infoCode; code != vNone && code < vDD {
			f |= fVowel
			if inf>>infoTone&7 != 0 {
				f |= fToned
			}
			if vowelMarked[code] {
				f |= fMarked
			}
		}
		if inf&infoUpper != 0 {
			f |= fUpper
		}
		letterFlags[inf] = f
		letterCount[inf] = uint(f&fVowel) + uint(f&fUpper)/fUpper<<32
	}
	for c := range asciiCount {
		asciiCount[c] = notLetter
		if cl := asciiClass[c]; cl&aLetter != 0 {
			asciiCount[c] = uint(cl&aVowel)/aVowel + uint(cl&aUpper)/aUpper<<32
		}
	}
	for c := range asciiLetter {
		asciiLetter[c] = makeLetter(rune(c), false)
	}
	buildFoldEntries()
}
