package vi

import (
	"testing"
	"unicode/utf8"
)

// FuzzNormalize checks the invariants of the package on arbitrary input.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"HOÀ BÌNH, Thuỷ điện", "Qúy gía ngừơi hòang", "Ðà Nẵng", "ng\u00adười", "\ufeffHà\u200bNội",
		"Vie\u0323\u0302t", "\u0301", "a\u0301\u0301", "\u0301\u0323x", "Ð\u0301", "d\u0309",
		"\xff\xfe", "Hà\xc3Nội", "\xe1\xba", "Москва Ёлка", "北京 서울 ᄀ\u0301ᅡ", "Å Ω K", "\u2000\u2001",
		"ǖǘ ǹ", "i\u0307", "İ", "ΐ", "ﬁ", "\u0345", "khuỷu ngoằn ngoèo", "a\u200b\u00ad\u0301",
		"x\u200b\u0301", "e\u00ad\u0302", "Qu\u0301y", "GIÁ\u0300",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, c, fo := Normalize(s), Clean(s), Fold(s)
		for name, v := range map[string]string{"Normalize": n, "Clean": c, "Fold": fo} {
			if !utf8.ValidString(v) {
				t.Fatalf("%s(%q) = %q is not valid UTF-8", name, s, v)
			}
		}
		if got := Normalize(n); got != n {
			t.Fatalf("Normalize(%q) = %q, again %q", s, n, got)
		}
		if got := Clean(c); got != c {
			t.Fatalf("Clean(%q) = %q, again %q", s, c, got)
		}
		if got := Fold(n); got != fo {
			t.Fatalf("Fold(Normalize(%q)) = %q, Fold = %q", s, got, fo)
		}
		for _, r := range fo {
			if isDiacritic(r) {
				t.Fatalf("Fold(%q) = %q has combining mark U+%04X", s, fo, r)
			}
		}
		if got, want := HasMarks(s), fo != n; got != want {
			t.Fatalf("HasMarks(%q) = %v, but Fold = %q and Normalize = %q", s, got, fo, n)
		}
		if got := string(NormalizeToken([]byte(s))); got != n {
			t.Fatalf("NormalizeToken(%q) = %q, Normalize = %q", s, got, n)
		}
		if got := string(FoldToken([]byte(s))); got != fo {
			t.Fatalf("FoldToken(%q) = %q, Fold = %q", s, got, fo)
		}
	})
}
