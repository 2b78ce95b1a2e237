// Package dedup finds near-duplicate articles (the same wire story
// published by many sites, with a different headline or a trailing
// credit) by the 64-bit SimHash of the body, and groups them under a
// shared cluster key. (A SimHash changes little when the text changes
// little; the content hashes of the index, article.ContentHash, are the
// project's "fingerprints" and change with any byte.)
package dedup

import (
	"math/bits"
	"strconv"
	"strings"
	"unicode"

	"github.com/tracuu/tracuu/internal/vi"
)

// MinWords is the shortest text given a SimHash: below it, texts share too
// much stock phrasing to call them copies of each other.
const MinWords = 20

// MaxDistance is the largest Hamming distance between the SimHashes of
// near-duplicates. The 64 bits are cut into MaxDistance+1 bands, so two
// SimHashes this close always agree on at least one whole band: lookup
// compares only with SimHashes sharing a band.
const MaxDistance = 6

const nBands = MaxDistance + 1

// bandStart[i] is the first bit of band i; the bands cover all 64 bits.
var bandStart = func() (s [nBands + 1]uint) {
	for i := range s {
		s[i] = uint(i * 64 / nBands)
	}
	return
}()

// Simhash hashes text from its word 3-shingles, folded so that
// spelling variants do not matter. ok is false when the text is too short.
func Simhash(text string) (h uint64, ok bool) {
	words := strings.FieldsFunc(vi.Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) < MinWords {
		return 0, false
	}
	// ones[b] counts the shingles whose hash has bit b set; a bit of the
	// SimHash is set when most shingles set it. The counting runs eight
	// bits at a time: lane k of packed[j] counts bit 8k+j, and the lanes
	// are emptied into ones before a byte can overflow.
	var ones [64]int
	var packed [8]uint64
	flush := func() {
		for j, p := range packed {
			for k := 0; k < 8; k++ {
				ones[8*k+j] += int(p >> (8 * k) & 0xff)
			}
			packed[j] = 0
		}
	}
	n := len(words) - 2
	for i := 0; i < n; i++ {
		x := shingleHash(words[i], words[i+1], words[i+2])
		for j := range packed {
			packed[j] += x >> j & 0x0101010101010101
		}
		if i%255 == 254 {
			flush()
		}
	}
	flush()
	for b, c := range ones {
		if 2*c > n {
			h |= 1 << b
		}
	}
	return h, true
}

// FNV-1a, 64 bits: the hash Simhash has always given its shingles, so the
// SimHashes kept by earlier imports still compare.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// shingleHash is FNV-1a of "a b c", without building the string.
func shingleHash(a, b, c string) uint64 {
	x := uint64(fnvOffset)
	for k, w := range [3]string{a, b, c} {
		if k > 0 {
			x = (x ^ ' ') * fnvPrime
		}
		for i := 0; i < len(w); i++ {
			x = (x ^ uint64(w[i])) * fnvPrime
		}
	}
	return x
}

// Index assigns cluster keys. It is not safe for concurrent use: the
// importer's single writer owns it, so keys come out in input order.
type Index struct {
	bands [nBands]map[uint64][]entry
}

type entry struct {
	h       uint64
	cluster string
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	x := &Index{}
	for i := range x.bands {
		x.bands[i] = map[uint64][]entry{}
	}
	return x
}

// Key is the cluster key of a SimHash that starts its own cluster.
func Key(h uint64) string { return "s" + strconv.FormatUint(h, 16) }

// Assign returns the cluster of the nearest SimHash already seen within
// MaxDistance of h, or starts a new cluster, and remembers h under it.
func (x *Index) Assign(h uint64) string {
	cluster, best := "", MaxDistance+1
	for i := range x.bands {
		for _, e := range x.bands[i][band(h, i)] {
			if d := bits.OnesCount64(e.h ^ h); d < best {
				cluster, best = e.cluster, d
			}
		}
	}
	if cluster == "" {
		cluster = Key(h)
	}
	x.Add(h, cluster)
	return cluster
}

// Add remembers a SimHash already assigned to cluster (when reading the
// state of earlier imports).
func (x *Index) Add(h uint64, cluster string) {
	for i := range x.bands {
		b := band(h, i)
		x.bands[i][b] = append(x.bands[i][b], entry{h, cluster})
	}
}

func band(h uint64, i int) uint64 {
	width := bandStart[i+1] - bandStart[i]
	return h >> bandStart[i] & (1<<width - 1)
}
