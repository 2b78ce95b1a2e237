package vi

// maxSyl bounds the letters of one syllable; the longest Vietnamese syllable
// ("nghiêng") has seven. Longer runs of letters are not Vietnamese.
const maxSyl = 8

// letter is one letter of the syllable being collected.
type letter struct {
	r    rune  // the letter as it will be written if left in place
	info uint8 // packed vowel or đ info (see info); 0 for other letters
	c    byte  // ASCII consonant in lower case, 'D' for đ, 0 otherwise
}

func (l *letter) code() uint8 { return l.info & infoCode }
func (l *letter) tone() uint8 { return l.info >> infoTone & 7 }
func (l *letter) upper() uint8 {
	if l.info&infoUpper != 0 {
		return 1
	}
	return 0
}

// setTone rewrites l with tone t, keeping its vowel and case.
func (l *letter) setTone(t uint8) {
	l.info = l.info&^(7<<infoTone) | t<<infoTone
	l.r = compose[l.code()][t][l.upper()]
}

// placeTone returns the index in ls of the vowel that should carry the tone,
// or -1 when ls is not a Vietnamese syllable (English words, codes, typos we
// cannot read), which are then left as they are.
func placeTone(ls []letter) int {
	vs, ve := -1, -1 // the run of vowels is ls[vs:ve]
	for i := range ls {
		l := &ls[i]
		if c := l.code(); c != vNone && c != vDD {
			if ve >= 0 {
				return -1 // vowels, consonant, vowels: two syllables glued or a foreign word
			}
			if vs < 0 {
				vs = i
			}
		} else {
			if l.c == 0 {
				return -1
			}
			if vs >= 0 && ve < 0 {
				ve = i
			}
		}
	}
	if vs < 0 || vs > 3 {
		return -1
	}
	if ve < 0 {
		ve = len(ls)
	}
	// The consonants around the vowels, packed into an int ('n'<<16 |
	// 'g'<<8 | 'h' for "ngh"), which switches faster than a string.
	onset := 0
	for i := 0; i < vs; i++ {
		onset = onset<<8 | int(ls[i].c)
	}
	switch onset {
	case 0, 'b', 'c', 'c'<<8 | 'h', 'd', 'D', 'g'<<8 | 'h', 'h', 'k', 'k'<<8 | 'h', 'l', 'm', 'n',
		'n'<<8 | 'g', 'n'<<16 | 'g'<<8 | 'h', 'n'<<8 | 'h', 'p', 'p'<<8 | 'h', 'r', 's', 't',
		't'<<8 | 'h', 't'<<8 | 'r', 'v', 'x':
	case 'g':
		// "gi" is one consonant when a vowel follows the i (gia, giữa, giường).
		if ls[vs].code() == vI && ve-vs >= 2 {
			vs++
		}
	case 'q':
		// q is always written qu; the u is part of the consonant (quý, quốc).
		if ls[vs].code() != vU || ve-vs < 2 {
			return -1
		}
		vs++
	default:
		return -1
	}
	if ve-vs > 3 {
		return -1
	}
	fin := len(ls) - ve
	if fin > 2 {
		return -1
	}
	coda := 0
	for i := ve; i < len(ls); i++ {
		coda = coda<<8 | int(ls[i].c)
	}
	switch coda {
	case 0, 'c', 'c'<<8 | 'h', 'm', 'n', 'n'<<8 | 'g', 'n'<<8 | 'h', 'p', 't':
	default:
		return -1
	}
	var codes [3]uint8
	for i := vs; i < ve; i++ {
		codes[i-vs] = ls[i].code()
	}
	p := nucleus[nucleusKey(codes[:ve-vs])]
	if p == 0 {
		return -1
	}
	if fin == 0 {
		return vs + int(p&3) - 1
	}
	return vs + int(p>>2) - 1
}
