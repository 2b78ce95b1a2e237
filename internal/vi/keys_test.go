package vi

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestKeystrokes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"vieetj", "việt"}, {"hoawcj", "hoặc"}, {"hoa8c5", "hoặc"}, {"quaws", "quắ"}, {"quow", "quơ"}, {"daan", "dân"}, {"ddaan", "đân"}, {"chur", "chủ"}, {"quys", "quý"},
		{"dduwowngf", "đường"}, {"truowngf", "trường"}, {"nguyeenx", "nguyễn"},
		{"vietej", "việt"}, {"hoaf", "hòa"}, {"thuyr", "thủy"}, {"nhw", "như"},
		{"Vieetj", "việt"}, {"DAAN", "dân"}, {"tooi", "tôi"}, {"awn", "ăn"},
		{"vie6t5", "việt"}, {"d9a6n", "đân"}, {"chu3", "chủ"}, {"tru7o7ng2", "trường"},
		{"a8n", "ăn"}, {"qu1y", "quý"}, {"ngu7o72i", "người"},
		{"tax", "tã"}, {"bus", "bú"},
	} {
		if got, ok := Keystrokes(tc.in); !ok || got != tc.want {
			t.Errorf("Keystrokes(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	// Words that are no keystrokes of a syllable stay words.
	for _, in := range []string{"covid", "iphone", "covid19", "boss", "class", "samsung", "google", "facebook",
		"fifa", "tesla", "nokia", "hanoi", "2020", "g7", "a", "toi", "nguoi", "viet", "ufc", "apple", "việt", "x", ""} {
		if got, ok := Keystrokes(in); ok {
			t.Errorf("Keystrokes(%q) = %q; want no reading", in, got)
		}
	}
}

// TestKeystrokesEveryLetter types every vowel with every tone, and đ, in
// both methods and both cases, and reads them back.
func TestKeystrokesEveryLetter(t *testing.T) {
	type method struct {
		name  string
		marks map[rune]string // letter with its vowel mark → keys
		tones [numTones]string
	}
	methods := []method{
		{"telex", map[rune]string{'â': "aa", 'ê': "ee", 'ô': "oo", 'ă': "aw", 'ơ': "ow", 'ư': "uw", 'đ': "dd"}, [numTones]string{"", "f", "s", "r", "x", "j"}},
		{"vni", map[rune]string{'â': "a6", 'ê': "e6", 'ô': "o6", 'ă': "a8", 'ơ': "o7", 'ư': "u7", 'đ': "d9"}, [numTones]string{"", "2", "1", "3", "4", "5"}},
	}
	for _, m := range methods {
		for code := vA; code <= vY; code++ {
			base := []rune(vowelBase[code])[0]
			for tone := uint8(0); tone < numTones; tone++ {
				// "đ" + vowel + "n" is a syllable for every vowel and tone but y.
				onset, coda := "đ", "n"
				if code == vY {
					onset, coda = "k", ""
				}
				mark := ""
				if tone != 0 {
					mark = string(toneMark[tone])
				}
				want := Normalize(norm.NFC.String(onset + string(base) + mark + coda))
				if tone == 0 && code != vDD && !strings.ContainsRune("ăâêôơư", base) && onset != "đ" {
					continue // nothing to type
				}
				keys := m.marks['đ']
				if onset != "đ" {
					keys = onset
				}
				if k, ok := m.marks[base]; ok {
					keys += k
				} else {
					keys += string(base)
				}
				keys += coda + m.tones[tone]
				for _, in := range []string{keys, strings.ToUpper(keys)} {
					if got, ok := Keystrokes(in); !ok || got != want {
						t.Errorf("%s %q = %q, %v; want %q", m.name, in, got, ok, want)
					}
				}
			}
		}
	}
}

func TestKeystrokePrefix(t *testing.T) {
	for in, want := range map[string]string{"dd": "đ", "chee": "chê", "nguow": "ngươ", "d9": "đ"} {
		if got, ok := KeystrokePrefix(in); !ok || got != want {
			t.Errorf("KeystrokePrefix(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"covid", "ip", "qq"} {
		if got, ok := KeystrokePrefix(in); ok {
			t.Errorf("KeystrokePrefix(%q) = %q; want none", in, got)
		}
	}
}

func TestTypeKeys(t *testing.T) {
	for _, tc := range []struct {
		in         string
		telex, vni string
	}{
		{"Việt", "Vieetj", "Vie6t5"}, {"dân chủ", "daan chur", "da6n chu3"}, {"đường", "dduwowngf", "d9u7o7ng2"},
		{"Covid-19", "Covid-19", "Covid-19"},
	} {
		if got := TypeKeys(tc.in, Telex); got != tc.telex {
			t.Errorf("TypeKeys(%q, Telex) = %q, want %q", tc.in, got, tc.telex)
		}
		if got := TypeKeys(tc.in, VNI); got != tc.vni {
			t.Errorf("TypeKeys(%q, VNI) = %q, want %q", tc.in, got, tc.vni)
		}
	}
}

// FuzzKeystrokes checks that whatever Keystrokes reads is a canonical
// Vietnamese syllable, and that TypeKeys of it reads back the same.
func FuzzKeystrokes(f *testing.F) {
	for _, s := range []string{"vieetj", "d9a6n", "tru7o7ng2", "covid19", "boss", "ww", "dd", "a1", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := Keystrokes(s)
		if !ok {
			return
		}
		if !IsSyllable(got) || Normalize(got) != got {
			t.Fatalf("Keystrokes(%q) = %q: not a canonical syllable", s, got)
		}
		for _, m := range []Method{Telex, VNI} {
			if back, ok := Keystrokes(TypeKeys(got, m)); HasMarks(got) && (!ok || back != got) {
				t.Fatalf("Keystrokes(TypeKeys(%q, %d)) = %q, %v", got, m, back, ok)
			}
		}
		KeystrokePrefix(s)
	})
}
