package index

import (
	"slices"
	"testing"
)

func TestWordsSpan(t *testing.T) {
	for _, c := range []struct {
		name  string
		q     Words
		meant []string
		span  string
	}{
		{"plain", Words{Words: []Word{{Text: "quy"}, {Text: "chế"}}}, []string{"quy", "chế"}, "quy chế"},
		{"keystrokes read", Words{Words: []Word{{Text: "vieetj", Reading: "việt"}, {Text: "nam"}}}, []string{"việt", "nam"}, "việt nam"},
		{"punctuation kept", Words{Words: []Word{{Text: "Mỹ"}, {Text: "Ấn", Sep: " - "}}}, []string{"Mỹ", "Ấn"}, "Mỹ - Ấn"},
		{"one word", Words{Words: []Word{{Text: "covid"}}}, []string{"covid"}, "covid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.q.Meant(); !slices.Equal(got, c.meant) {
				t.Errorf("Meant() = %q, want %q", got, c.meant)
			}
			if got := c.q.Span(); got != c.span {
				t.Errorf("Span() = %q, want %q", got, c.span)
			}
		})
	}
}
