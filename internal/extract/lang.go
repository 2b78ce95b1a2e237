package extract

import (
	"regexp"
	"strings"
	"unicode"
)

// langWords maps declared language codes to ours.
var langWords = map[string]string{"vi": "vi", "vn": "vi", "en": "en"}

// pageLang is the declared language of the page unless its text is plainly
// Vietnamese, else a guess from the text.
func pageLang(m *meta, text string) string {
	guess := guessLang(text)
	if guess == "vi" {
		// Templates keep lang="en" from their framework; Vietnamese text is
		// unmistakable.
		return guess
	}
	for _, l := range []string{m.lang, m.get("content-language", "og:locale", "language", "dc.language"), m.ld.Lang} {
		l = strings.ToLower(strings.TrimSpace(l))
		if len(l) < 2 {
			continue
		}
		code := l[:2]
		if len(l) > 2 && l[2] != '-' && l[2] != '_' {
			continue
		}
		if v, ok := langWords[code]; ok {
			return v
		}
		if code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z' {
			return code
		}
	}
	return guess
}

// guessLang tells Vietnamese from English by their letters: Vietnamese text
// is dense in letters with tone marks and đ/ơ/ư/ă.
func guessLang(text string) string {
	letters, vi := 0, 0
	for i, r := range text {
		if i > 20000 {
			break
		}
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if r >= 0x1EA0 && r <= 0x1EF9 || strings.ContainsRune("đĐơƠưƯăĂ", r) {
			vi++
		}
	}
	switch {
	case letters < 20:
		return ""
	case vi*30 > letters:
		return "vi"
	case englishWords.MatchString(text):
		return "en"
	}
	return ""
}

// englishWords are frequent English words.
var englishWords = regexp.MustCompile(`\b(the|and|of|to|in|is|that)\b`)
