package vi

import (
	"unicode"
	"unicode/utf8"
)

// normalizeFrom is the general pass behind normalize (fastpath.go), which
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

// foldFrom is the general pass behind fold (fastpath.go), resumed at s[i]
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
