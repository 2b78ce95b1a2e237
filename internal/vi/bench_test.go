package vi

import (
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// paragraph is a news-like Vietnamese text written for these benchmarks.
func paragraph(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/paragraph.txt")
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	return string(b)
}

func benchText(b *testing.B, s string, f func(string)) { benchTexts(b, []string{s}, f) }

// benchTexts runs f over every text per loop, reporting bytes per second
// of wall and of CPU time.
func benchTexts[T string | []byte](b *testing.B, texts []T, f func(T)) {
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	c0, ok := cpuTime()
	loops := 0
	for b.Loop() {
		for _, t := range texts {
			f(t)
		}
		loops++
	}
	reportCPU(b, c0, ok, int64(loops)*int64(n))
}

// reportCPU adds the throughput per CPU second of the process (GC included)
// since c0, as "cpu-MB/s".
func reportCPU(b *testing.B, c0 time.Duration, ok bool, bytes int64) {
	c1, ok1 := cpuTime()
	if ok && ok1 && c1 > c0 {
		b.ReportMetric(float64(bytes)/1e6/(c1-c0).Seconds(), "cpu-MB/s")
	}
}

func normalizeFold(s string) { Fold(Normalize(s)) }

func BenchmarkNormalize(b *testing.B)     { benchText(b, paragraph(b), func(s string) { Normalize(s) }) }
func BenchmarkFold(b *testing.B)          { benchText(b, paragraph(b), func(s string) { Fold(s) }) }
func BenchmarkNormalizeFold(b *testing.B) { benchText(b, paragraph(b), normalizeFold) }
func BenchmarkClean(b *testing.B)         { benchText(b, paragraph(b), func(s string) { Clean(s) }) }

// BenchmarkNormalizeCanonical measures the no-change path: already normalized text.
func BenchmarkNormalizeCanonical(b *testing.B) {
	benchText(b, Normalize(paragraph(b)), func(s string) { Normalize(s) })
}

// BenchmarkHasMarks scans a folded text: the worst case, no mark anywhere.
func BenchmarkHasMarks(b *testing.B) {
	benchText(b, Fold(paragraph(b)), func(s string) { HasMarks(s) })
}

// BenchmarkNormalizeNFD measures the slow path, on decomposed input.
func BenchmarkNormalizeNFD(b *testing.B) {
	benchText(b, nfd(paragraph(b)), func(s string) { Normalize(s) })
}

// BenchmarkCorpusNormalizeFold runs Normalize then Fold over the titles and
// bodies of 300 real articles (about 1 MB, NFC as published), one text at a
// time as the importer does.
func BenchmarkCorpusNormalizeFold(b *testing.B) {
	benchTexts(b, loadCorpus(b, 300), normalizeFold)
}

// BenchmarkTokens measures the analysis hot path: each word of the paragraph,
// lower-cased by the tokenizer as Bleve's would, through NormalizeToken then
// FoldToken. The bytes set are those of the tokens.
func BenchmarkTokens(b *testing.B) {
	var toks [][]byte
	for _, w := range strings.FieldsFunc(strings.ToLower(paragraph(b)), isWordSep) {
		toks = append(toks, []byte(w))
	}
	benchTexts(b, toks, func(t []byte) { FoldToken(NormalizeToken(t)) })
}

// BenchmarkBaselineLowerNFC is the naive alternative, for scale: lower case
// then NFC with the standard packages (no mapping, no tone placement).
func BenchmarkBaselineLowerNFC(b *testing.B) {
	benchText(b, paragraph(b), func(s string) { norm.NFC.String(strings.ToLower(s)) })
}

// BenchmarkCorpusNormalize and BenchmarkCorpusFold split
// BenchmarkCorpusNormalizeFold into its two passes; Fold reads the output
// of Normalize, as there.
func BenchmarkCorpusNormalize(b *testing.B) {
	benchTexts(b, loadCorpus(b, 300), func(s string) { Normalize(s) })
}

func BenchmarkCorpusFold(b *testing.B) {
	texts := loadCorpus(b, 300)
	for i, t := range texts {
		texts[i] = Normalize(t)
	}
	benchTexts(b, texts, func(s string) { Fold(s) })
}
