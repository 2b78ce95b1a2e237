package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want index.Query
	}{
		{"", index.MatchAll{}},
		{"   ", index.MatchAll{}},
		{"dân", index.Term{Text: "dân"}},
		{"quy che", planned("quy", "che")},
		{`"quy chế dân chủ"`, index.Phrase{Text: "quy chế dân chủ"}},
		{"dân -chủ", index.Bool{Must: []index.Query{index.Term{Text: "dân"}}, Not: []index.Query{index.Term{Text: "chủ"}}}},
		{"-chủ", index.Bool{Not: []index.Query{index.Term{Text: "chủ"}}}},
		{"a OR b", index.Bool{Should: []index.Query{index.Term{Text: "a"}, index.Term{Text: "b"}}}},
		{"(a OR b) c", index.Bool{Must: []index.Query{
			index.Bool{Should: []index.Query{index.Term{Text: "a"}, index.Term{Text: "b"}}}, index.Term{Text: "c"}}}},
		{"title:dân", index.Term{Field: "title", Text: "dân"}},
		{`title:"dân chủ"`, index.Phrase{Field: "title", Text: "dân chủ"}},
		{"SITE:vnexpress.net", index.Term{Field: "site", Text: "vnexpress.net"}},
		{"-site:a.vn x", index.Bool{Must: []index.Query{index.Term{Text: "x"}}, Not: []index.Query{index.Term{Field: "site", Text: "a.vn"}}}},
		{"thuy*", index.Prefix{Text: "thuy"}},
		{"Covid-19", index.Phrase{Text: "Covid-19"}},
		{"04/2015/NĐ-CP", index.Phrase{Text: "04/2015/NĐ-CP"}},
		{"http://x.vn/a", index.Phrase{Text: "http://x.vn/a"}},
		{"or and", planned("or", "and")}, // lower-case "or" is a word
		{"quy che -x", index.Bool{
			Must: []index.Query{planned("quy", "che")},
			Not:  []index.Query{index.Term{Text: "x"}},
		}},
		// Other clauses keep their places; the plain words are one Words
		// where the first of them stood.
		{`dân "quy chế" chủ title:x`, index.Bool{Must: []index.Query{
			planned("dân", "chủ"), index.Phrase{Text: "quy chế"}, index.Term{Field: "title", Text: "x"}}}},
		{"(a b) OR c", index.Bool{Should: []index.Query{planned("a", "b"), index.Term{Text: "c"}}}},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) =\n %#v\nwant\n %#v", tc.in, got, tc.want)
		}
	}
}

// planned is what plain words parse to: one Words, its words apart by
// single spaces.
func planned(words ...string) index.Query {
	return plannedSpan(strings.Join(words, " "), words...)
}

// TestParsePunctuation checks that what is not an operator where it stands
// is ignored like the analyzers ignore it: pasted titles, questions, dashes.
func TestParsePunctuation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want index.Query
	}{
		{"covid là gì?", plannedSpan("covid là gì", "covid", "là", "gì")},
		{"giá xăng?", plannedSpan("giá xăng", "giá", "xăng")},
		{"Mỹ - Ấn", plannedSpan("Mỹ - Ấn", "Mỹ", "Ấn")},
		{"Tin tức - Sự kiện", plannedSpan("Tin tức - Sự kiện", "Tin", "tức", "Sự", "kiện")},
		{"đại sứ ,", plannedSpan("đại sứ", "đại", "sứ")},
		{"Thủ tướng: ' Các", plannedSpan("Thủ tướng: ' Các", "Thủ", "tướng", "Các")},
		{"“Hà Nội” …", plannedSpan("Hà Nội", "Hà", "Nội")},
		{"a & b / c + d", plannedSpan("a & b / c + d", "a", "b", "c", "d")},
		{`dân "chủ`, plannedSpan(`dân "chủ`, "dân", "chủ")},
		{"(dân chủ", plannedSpan("dân chủ", "dân", "chủ")},
		{"dân)", index.Term{Text: "dân"}},
		{"OR dân", plannedSpan("OR dân", "OR", "dân")},
		{"dân OR", plannedSpan("dân OR", "dân", "OR")},
		{"*chu", index.Term{Text: "chu"}},
		{"chu.*", index.Term{Text: "chu"}},
		{`""`, index.MatchAll{}},
		{"title:", index.Term{Text: "title"}},
		{"-", index.MatchAll{}},
		{"- – … , . :", index.MatchAll{}},
		{"()", index.MatchAll{}},
		{"x -", index.Term{Text: "x"}},
		{"Su -30", plannedSpan("Su -30", "Su", "30")},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) =\n %#v\nwant\n %#v", tc.in, got, tc.want)
		}
	}
}

// plannedSpan is planned with the words as the query wrote them in span:
// each word's Sep is what span has between it and the word before.
func plannedSpan(span string, words ...string) index.Query {
	var q index.Words
	at := 0
	for i, w := range words {
		start := at + strings.Index(span[at:], w)
		word := index.Word{Text: w}
		if sep := span[at:start]; i > 0 && sep != " " {
			word.Sep = sep
		}
		q.Words = append(q.Words, word)
		at = start + len(w)
	}
	return q
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in, msg string
		col     int
	}{
		{"c*", "at least 2 letters", 1},
		{"d*n", "wildcards are only allowed at the end", 1},
		{"dân c*", "at least 2 letters", 5},
		{strings.Repeat("a ", 600), "longer than", 0},
		{strings.Repeat("ab ", 70), "more than 64 words", 0},
		{"d\xffn", "not valid UTF-8", 0},
	} {
		_, err := Parse(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%.40q) = %v, want a SyntaxError", tc.in, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.msg) || se.Col != tc.col {
			t.Errorf("Parse(%.40q) = %q at %d, want %q at %d", tc.in, se.Msg, se.Col, tc.msg, tc.col)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "quy che dan chu", `"dân chủ" -x OR (a b)`, "title:x*", "((", `"`, "-", "a OR OR b", "site:"} {
		f.Add(s)
	}
	// What a hostile client sends: a long word, 64 OR-ed prefixes, and a
	// 240-word phrase.
	f.Add("zqone" + strings.Repeat("y", 990))
	var ors []string
	for i := range 64 {
		ors = append(ors, string(rune('a'+i%26))+string(rune('a'+i/26))+"*")
	}
	f.Add(strings.Join(ors, " OR "))
	f.Add(`"` + strings.TrimSpace(strings.Repeat("ab ", 240)) + `"`)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %v is not a SyntaxError", s, err)
			}
			return
		}
		if q == nil {
			t.Fatalf("Parse(%q) returned nil without error", s)
		}
	})
}

func TestWordLimitCountsPhrasesAndChains(t *testing.T) {
	words := strings.TrimSpace(strings.Repeat("ab ", 240))
	for _, q := range []string{
		`"` + words + `"`,
		`title:"` + words + `"`,
		strings.ReplaceAll(strings.TrimSpace(strings.Repeat("ab ", 70)), " ", "-"),
		`"` + strings.TrimSpace(strings.Repeat("ab ", 40)) + `" ` + strings.TrimSpace(strings.Repeat("cd ", 30)),
	} {
		if _, err := Parse(q); err == nil || !strings.Contains(err.Error(), "more than 64 words") {
			t.Errorf("Parse(%.50q…) = %v, want the 64-word limit", q, err)
		}
	}
	if _, err := Parse(`"` + strings.TrimSpace(strings.Repeat("ab ", 60)) + `" Covid-19`); err != nil {
		t.Errorf("62 words: %v", err)
	}
}

// TestParseReadings checks how other readings of plain words enter the
// tree: a reading without the word's marks replaces it, any other reading
// (keystrokes) is searched beside it and is the one the ranking looks for.
func TestParseReadings(t *testing.T) {
	for _, tc := range []struct {
		in       string
		readings map[int]string
		want     index.Query
	}{
		{"vieetj nam", map[int]string{0: "việt"}, index.Words{Words: []index.Word{{Text: "vieetj", Reading: "việt"}, {Text: "nam"}}}},
		{"dân chũ", map[int]string{1: "chu"}, planned("dân", "chu")},
		{"vieetj", map[int]string{0: "việt"}, index.Bool{Should: []index.Query{index.Term{Text: "vieetj"}, index.Term{Text: "việt"}}}},
	} {
		toks, err := tokens(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parse(tc.in, toks, tc.readings)
		if err != nil {
			t.Errorf("parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parse(%q, %v) =\n %#v\nwant\n %#v", tc.in, tc.readings, got, tc.want)
		}
	}
}
