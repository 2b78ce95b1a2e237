package extract

import (
	"regexp"

	"golang.org/x/text/unicode/norm"
)

// This file scores extracted bodies the way /work/shared/tools/extract-score
// (and the article-extraction-benchmark) does: NFC text, \w+ tokens, 4-token
// shingles as multisets, per-page TP/FP/FN scaled to sum to 1, precision and
// recall averaged over pages, F1 of the two averages.

var wordRe = regexp.MustCompile(`[\p{L}\p{N}_]+`)

type shingle [4]string

func shingles(text string) map[shingle]int {
	toks := wordRe.FindAllString(norm.NFC.String(text), -1)
	out := make(map[shingle]int, len(toks))
	if len(toks) == 0 {
		return out
	}
	if len(toks) < 4 {
		var s shingle
		copy(s[:], toks)
		s[3] = "\x00short" // a tuple shorter than 4 never equals a real 4-gram
		out[s]++
		return out
	}
	for i := 0; i+4 <= len(toks); i++ {
		out[shingle{toks[i], toks[i+1], toks[i+2], toks[i+3]}]++
	}
	return out
}

// pageCounts returns a page's normalised true-positive, false-positive and
// false-negative shares.
func pageCounts(truth, pred string) (tp, fp, fn float64) {
	t, p := shingles(truth), shingles(pred)
	var itp, ifp, ifn int
	for k, tc := range t {
		pc := p[k]
		itp += min(tc, pc)
		if tc > pc {
			ifn += tc - pc
		}
	}
	for k, pc := range p {
		if tc := t[k]; pc > tc {
			ifp += pc - tc
		}
	}
	s := float64(itp + ifp + ifn)
	if s == 0 {
		return 0, 0, 0
	}
	return float64(itp) / s, float64(ifp) / s, float64(ifn) / s
}

// scoreSet is the benchmark's aggregate over pages.
type scoreSet struct {
	ps, rs []float64
}

func (s *scoreSet) add(truth, pred string) (p, r float64) {
	tp, fp, fn := pageCounts(truth, pred)
	p, r = 1, 1
	if !(fp == 0 && fn == 0) {
		p, r = 0, 0
		if tp+fp > 0 {
			p = tp / (tp + fp)
		}
		if tp+fn > 0 {
			r = tp / (tp + fn)
		}
	}
	if tp+fp > 0 {
		s.ps = append(s.ps, p)
	}
	if tp+fn > 0 {
		s.rs = append(s.rs, r)
	}
	return p, r
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

// f1 returns precision, recall and F1 over the pages added.
func (s *scoreSet) f1() (p, r, f float64) {
	p, r = mean(s.ps), mean(s.rs)
	if p+r == 0 {
		return p, r, 0
	}
	return p, r, 2 * p * r / (p + r)
}
