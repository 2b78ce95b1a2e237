package vi

import (
	"testing"
)

// FuzzNormalize checks the invariants of the package on arbitrary input.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"HOÀ BÌNH, Thuỷ điện", "Qúy gía ngừơi hòang", "Ðà Nẵng", "ng\u00adười", "\ufeffHà\u200bNội",
		"Vie\u0323\u0302t", "\u0301", "a\u0301\u0301", "\u0301\u0323x", "Ð\u0301", "d\u0309",
		"\xff\xfe", "Hà\xc3Nội", "\xe1\xba", "Москва Ёлка", "北京 서울 ᄀ\u0301ᅡ", "Å Ω K", "\u2000\u2001",
		"ǖǘ ǹ", "i\u0307", "İ", "ΐ", "ﬁ", "\u0345", "khuỷu ngoằn ngoèo", "a\u200b\u00ad\u0301",
		"x\u200b\u0301", "e\u00ad\u0302", "Qu\u0301y", "GIÁ\u0300", "“HOÀ” – Thuỷ…", "\xe2\x80\x9c\xe2\x80",
	} {
		f.Add(s)
	}
	// Every check of checkInvariants (vi_test.go), which the table tests
	// run on their vectors too.
	f.Fuzz(checkInvariants)
}
