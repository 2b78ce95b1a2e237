package vi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Keystrokes reads word as the keys of a Vietnamese input method typed
// with the method switched off, and returns the syllable they spell in
// canonical form (lower case, one tone placement): Telex "vieetj" and
// "ddaan" give "việt" and "dân", VNI "vie6t5" and "d9a6n" give "việt" and
// "dân". ok is false when word holds no keys of either method or when what
// they spell is not a Vietnamese syllable ("covid", "iphone", "tax" reads
// as "tã" and is one: whether to take that reading is the caller's choice,
// by how often each occurs).
func Keystrokes(word string) (syllable string, ok bool) {
	lower, ok := keyWord(word)
	if !ok {
		return "", false
	}
	if s, ok := applyKeys(lower, telexKeys); ok {
		return s, true
	}
	return applyKeys(lower, vniKeys)
}

// KeystrokePrefix is Keystrokes for the start of a word still being typed
// ("dd" → "đ", "chee" → "chê"): the keys are read the same way, and what
// they spell need only begin a syllable.
func KeystrokePrefix(word string) (string, bool) {
	lower, ok := keyWord(word)
	if !ok {
		return "", false
	}
	for _, keys := range []keyMap{telexKeys, vniKeys} {
		if ls, tone, used := readKeys(lower, keys); used {
			s := spell(ls, tone)
			if startsSyllable(s) {
				return s, true
			}
		}
	}
	return "", false
}

// keyWord returns word in lower case when it can be keystrokes: ASCII
// letters and digits only, no longer than three keys a letter.
func keyWord(word string) (string, bool) {
	if word == "" || len(word) > 3*maxSyl {
		return "", false
	}
	lower := strings.ToLower(word)
	for _, r := range lower {
		if r >= utf8.RuneSelf || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "", false
		}
	}
	return lower, true
}

// A key's effect on the letters typed before it.
const (
	kTone    = iota + 1 // set the tone (the key's tone)
	kHat                // a, e, o → â, ê, ô
	kHorn               // u, o → ư, ơ (uo → ươ); a → ă in Telex
	kBreve              // a → ă (VNI)
	kStroke             // d → đ
	kNoTone             // remove the tone
	kDoubleD            // Telex: a second d after d
	kDoubleV            // Telex: a vowel typed twice (aa, ee, oo)
)

type key struct {
	effect int
	tone   uint8
}

type keyMap map[rune]key

// Telex: s f r x j for sắc huyền hỏi ngã nặng, z to clear, w for the horn
// and the breve, a vowel or d typed twice for the hat and the stroke.
var telexKeys = keyMap{
	's': {kTone, 2}, 'f': {kTone, 1}, 'r': {kTone, 3}, 'x': {kTone, 4}, 'j': {kTone, 5}, 'z': {kNoTone, 0},
	'w': {kHorn, 0}, 'a': {kDoubleV, 0}, 'e': {kDoubleV, 0}, 'o': {kDoubleV, 0}, 'd': {kDoubleD, 0},
}

// VNI: digits 1–5 for sắc huyền hỏi ngã nặng, 0 to clear, 6 the hat, 7 the
// horn, 8 the breve, 9 the stroke.
var vniKeys = keyMap{
	'1': {kTone, 2}, '2': {kTone, 1}, '3': {kTone, 3}, '4': {kTone, 4}, '5': {kTone, 5}, '0': {kNoTone, 0},
	'6': {kHat, 0}, '7': {kHorn, 0}, '8': {kBreve, 0}, '9': {kStroke, 0},
}

// applyKeys reads word with keys and checks that the result is a syllable.
func applyKeys(word string, keys keyMap) (string, bool) {
	ls, tone, used := readKeys(word, keys)
	if !used {
		return "", false
	}
	s := spell(ls, tone)
	if !IsSyllable(s) || !toneFitsCoda(s, tone) || doubledVowel(ls) {
		return "", false
	}
	return Normalize(s), true
}

// doubledVowel reports two plain a, e or o side by side ("xoong" typed in
// VNI). In Telex those keys are a circumflex, so no keystrokes read the
// same in both methods: such a reading is refused rather than guessed.
func doubledVowel(ls []rune) bool {
	for i := 1; i < len(ls); i++ {
		if ls[i] == ls[i-1] && (ls[i] == 'a' || ls[i] == 'e' || ls[i] == 'o') {
			return true
		}
	}
	return false
}

// readKeys applies the keys of word to the letters before them. used is
// false when no key had an effect, or when a key found nothing to act on
// (then word is not keystrokes of this method).
func readKeys(word string, keys keyMap) (ls []rune, tone uint8, used bool) {
	vowels := func() bool {
		for _, r := range ls {
			if isKeyVowel(r) {
				return true
			}
		}
		return false
	}
	for _, r := range word {
		k, isKey := keys[r]
		if !isKey {
			if r >= '0' && r <= '9' {
				return nil, 0, false // a digit that is no key: a code, a number
			}
			ls = append(ls, r)
			continue
		}
		switch k.effect {
		case kTone:
			if !vowels() {
				if r >= '0' && r <= '9' {
					return nil, 0, false
				}
				ls = append(ls, r) // a consonant before any vowel: "sang", "xanh", "rồi"
				continue
			}
			if tone == k.tone {
				return nil, 0, false // the same tone twice: "boss", "class"
			}
			tone, used = k.tone, true
		case kNoTone:
			if !vowels() || tone == 0 {
				return nil, 0, false
			}
			tone = 0
		case kDoubleV:
			i := lastVowel(ls)
			if i >= 0 && ls[i] == r && (i == len(ls)-1 || !isKeyVowel(ls[len(ls)-1])) {
				ls[i] = hat(r)
				used = true
				continue
			}
			ls = append(ls, r)
		case kDoubleD:
			if len(ls) == 1 && ls[0] == 'd' {
				ls[0] = 'đ'
				used = true
				continue
			}
			ls = append(ls, r)
		case kHat:
			i := lastOf(ls, "aeo")
			if i < 0 {
				return nil, 0, false
			}
			ls[i], used = hat(ls[i]), true
		case kHorn:
			if !horn(ls, r == 'w') {
				if r != 'w' {
					return nil, 0, false
				}
				if len(ls) == 0 || !vowels() {
					ls = append(ls, 'ư') // Telex: w alone is ư ("nhw" → như)
					used = true
					continue
				}
				return nil, 0, false
			}
			used = true
		case kBreve:
			i := lastOf(ls, "a")
			if i < 0 {
				return nil, 0, false
			}
			ls[i], used = 'ă', true
		case kStroke:
			if len(ls) == 0 || ls[0] != 'd' {
				return nil, 0, false
			}
			ls[0], used = 'đ', true
		}
	}
	return ls, tone, used
}

func isKeyVowel(r rune) bool { return strings.ContainsRune("aăâeêioôơuưy", r) }

func lastVowel(ls []rune) int {
	for i := len(ls) - 1; i >= 0; i-- {
		if isKeyVowel(ls[i]) {
			return i
		}
	}
	return -1
}

func lastOf(ls []rune, set string) int {
	for i := len(ls) - 1; i >= 0; i-- {
		if strings.ContainsRune(set, ls[i]) {
			return i
		}
	}
	return -1
}

func hat(r rune) rune {
	switch r {
	case 'a':
		return 'â'
	case 'e':
		return 'ê'
	case 'o':
		return 'ô'
	}
	return r
}

// horn puts the horn on uo (ươ), else on the last u or o (not the u of
// qu). With breve
// (Telex w) the a of oa takes the breve first ("hoawcj" → hoặc: no
// syllable has "ơa"), and an a with nothing to horn takes it too.
func horn(ls []rune, breve bool) bool {
	// The u of qu is the onset's: it takes no horn ("quow" → quơ).
	from := 0
	if len(ls) >= 2 && ls[0] == 'q' && ls[1] == 'u' {
		from = 2
	}
	for i := len(ls) - 1; breve && i > from; i-- {
		if ls[i] == 'a' && ls[i-1] == 'o' {
			ls[i] = 'ă'
			return true
		}
	}
	for i := len(ls) - 2; i >= from; i-- {
		if ls[i] == 'u' && ls[i+1] == 'o' {
			ls[i], ls[i+1] = 'ư', 'ơ'
			return true
		}
	}
	if i := lastOf(ls[from:], "uo"); i >= 0 {
		i += from
		if ls[i] == 'u' {
			ls[i] = 'ư'
		} else {
			ls[i] = 'ơ'
		}
		return true
	}
	if i := lastOf(ls, "a"); breve && i >= 0 {
		ls[i] = 'ă'
		return true
	}
	return false
}

// spell writes letters with the tone on their last vowel; Normalize then
// moves it to where the orthography puts it.
func spell(ls []rune, tone uint8) string {
	var b strings.Builder
	at := lastVowel(ls)
	for i, r := range ls {
		b.WriteRune(r)
		if i == at && tone != 0 {
			b.WriteRune(toneMark[tone])
		}
	}
	return Normalize(b.String())
}

// toneFitsCoda reports whether a syllable ending in a stop (c, ch, p, t)
// has one of the two tones a stop allows, sắc or nặng.
func toneFitsCoda(s string, tone uint8) bool {
	f := Fold(s)
	for _, stop := range []string{"c", "ch", "p", "t"} {
		if strings.HasSuffix(f, stop) {
			return tone == 2 || tone == 5
		}
	}
	return true
}

// startsSyllable reports whether s can begin a syllable: some completion
// of it with plain letters is one.
func startsSyllable(s string) bool {
	if IsSyllable(s) {
		return true
	}
	for _, tail := range []string{"a", "n", "ng", "nh", "c", "ch", "t", "p", "m", "i", "u", "y", "o", "ong", "anh", "uong", "uyen", "ien", "ieng"} {
		if IsSyllable(s + tail) {
			return true
		}
	}
	return false
}

// Method is a Vietnamese input method.
type Method int

// The input methods Keystrokes reads.
const (
	Telex Method = iota
	VNI
)

// TypeKeys returns the keys that type word with method m, the tone key at
// the end of each syllable ("Việt" → "Vieetj", "vie6t5"): what Keystrokes
// reads back. Letters outside Vietnamese are typed as they are.
func TypeKeys(word string, m Method) string {
	marks := [numCodes]string{vAW: "aw", vAA: "aa", vEE: "ee", vOO: "oo", vOW: "ow", vUW: "uw", vDD: "dd"}
	tones := [numTones]string{"", "f", "s", "r", "x", "j"}
	if m == VNI {
		marks = [numCodes]string{vAW: "a8", vAA: "a6", vEE: "e6", vOO: "o6", vOW: "o7", vUW: "u7", vDD: "d9"}
		tones = [numTones]string{"", "2", "1", "3", "4", "5"}
	}
	var b strings.Builder
	tone := uint8(0)
	flush := func() {
		b.WriteString(tones[tone])
		tone = 0
	}
	for _, r := range Clean(word) {
		if !unicode.IsLetter(r) {
			flush()
			b.WriteRune(r)
			continue
		}
		l := makeLetter(r, true)
		code := l.code()
		if code == vNone {
			b.WriteRune(r)
			continue
		}
		if l.tone() != 0 {
			tone = l.tone()
		}
		keys := marks[code]
		if keys == "" {
			keys = string(foldByte[code])
		}
		if unicode.IsUpper(r) {
			keys = strings.ToUpper(keys[:1]) + keys[1:]
		}
		b.WriteString(keys)
	}
	flush()
	return b.String()
}
