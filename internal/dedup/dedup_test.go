package dedup

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"math/bits"
	"strings"
	"testing"
	"unicode"

	"github.com/tracuu/tracuu/internal/corpus"
	"github.com/tracuu/tracuu/internal/corpus/corpustest"
	"github.com/tracuu/tracuu/internal/vi"
)

const story = `Sáng nay, Ủy ban nhân dân thành phố tổ chức hội nghị tổng kết công tác phòng chống lụt bão năm nay
và triển khai nhiệm vụ năm tới. Theo báo cáo, mưa lớn kéo dài đã làm ngập nhiều tuyến đường nội thành, hàng trăm hộ dân
phải di dời đến nơi an toàn. Lực lượng cứu hộ đã kịp thời có mặt, hỗ trợ người dân gia cố nhà cửa và vận chuyển tài sản.
Phát biểu tại hội nghị, lãnh đạo thành phố đề nghị các sở ngành rà soát hệ thống thoát nước, nạo vét kênh mương trước
mùa mưa năm sau, đồng thời chuẩn bị đầy đủ phương tiện và nhu yếu phẩm cho các khu vực thường xuyên bị ngập.`

func TestNearDuplicatesShareACluster(t *testing.T) {
	h1, ok := Simhash(story)
	if !ok {
		t.Fatal("story too short for a SimHash")
	}
	copies := []string{
		story + "\nNguồn: TTXVN",                                              // a credit line added
		strings.ReplaceAll(story, "Sáng nay", "Sáng 12/10"),                   // a date filled in
		strings.ToUpper(story[:200]) + story[200:],                            // a different case
		strings.ReplaceAll(strings.ReplaceAll(story, "ủy", "uỷ"), "Ủy", "Uỷ"), // another tone placement
	}
	x := NewIndex()
	c1 := x.Assign(h1)
	for i, c := range copies {
		h, _ := Simhash(c)
		if d := bits.OnesCount64(h ^ h1); d > MaxDistance {
			t.Errorf("copy %d is %d bits away", i, d)
		}
		if got := x.Assign(h); got != c1 {
			t.Errorf("copy %d got cluster %s, want %s", i, got, c1)
		}
	}
	other := `Đội tuyển bóng đá quốc gia đã có buổi tập đầu tiên chuẩn bị cho vòng loại giải vô địch châu lục. Huấn luyện viên
trưởng cho biết toàn đội đang có tinh thần tốt, các cầu thủ trẻ được trao cơ hội thể hiện mình. Trận đấu sắp tới sẽ diễn ra
trên sân nhà, ban tổ chức dự kiến bán hết vé trong vòng một tuần. Người hâm mộ có thể mua vé trực tuyến hoặc tại quầy bán vé
của sân vận động từ thứ Hai tuần sau, mỗi người được mua tối đa bốn vé để tránh tình trạng đầu cơ.`
	h2, ok := Simhash(other)
	if !ok {
		t.Fatal("other story too short")
	}
	if got := x.Assign(h2); got == c1 {
		t.Errorf("an unrelated story joined the cluster (distance %d)", bits.OnesCount64(h1^h2))
	}
	if _, ok := Simhash("Quá ngắn để so sánh."); ok {
		t.Error("a short text got a SimHash")
	}
}

// On real news, articles put in one cluster must really share most of
// their text: measured by the Jaccard overlap of their word 3-shingles.
func TestClustersOnRealNews(t *testing.T) {
	x := NewIndex()
	byCluster := map[string][]string{}
	n := 0
	err := corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(file string, line int, text []byte) (bool, error) {
		var a struct{ Body string }
		if err := json.Unmarshal(text, &a); err != nil {
			return false, err
		}
		n++
		if h, ok := Simhash(a.Body); ok {
			c := x.Assign(h)
			byCluster[c] = append(byCluster[c], a.Body)
		}
		return n < 5000, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, bodies := range byCluster {
		for _, b := range bodies[1:] {
			pairs++
			if j := jaccard(bodies[0], b); j < 0.5 {
				t.Errorf("clustered together with only %.2f overlap:\n%.200s\n---\n%.200s", j, bodies[0], b)
			}
		}
	}
	t.Logf("%d articles, %d clusters, %d near-duplicate pairs", n, len(byCluster), pairs)
}

func jaccard(a, b string) float64 {
	sh := func(s string) map[string]bool {
		w := strings.Fields(strings.ToLower(s))
		m := map[string]bool{}
		for i := 0; i+3 <= len(w); i++ {
			m[strings.Join(w[i:i+3], " ")] = true
		}
		return m
	}
	x, y := sh(a), sh(b)
	inter := 0
	for k := range x {
		if y[k] {
			inter++
		}
	}
	union := len(x) + len(y) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// A SimHash is the majority vote of the FNV-1a hashes of the folded word
// 3-shingles joined by spaces; import states keep SimHashes from earlier
// runs, so the definition must not drift. Checked on real news against
// the definition written out plainly.
func TestSimhashKeepsItsDefinition(t *testing.T) {
	plain := func(text string) uint64 {
		words := strings.FieldsFunc(vi.Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		var votes [64]int
		for i := 0; i+3 <= len(words); i++ {
			f := fnv.New64a()
			f.Write([]byte(strings.Join(words[i:i+3], " ")))
			x := f.Sum64()
			for b := range votes {
				if x&(1<<b) != 0 {
					votes[b]++
				} else {
					votes[b]--
				}
			}
		}
		var h uint64
		for b, v := range votes {
			if v > 0 {
				h |= 1 << b
			}
		}
		return h
	}
	n := 0
	err := corpus.Lines(context.Background(), corpustest.Path(t, "vi-news"), func(file string, line int, text []byte) (bool, error) {
		var a struct{ Body string }
		if err := json.Unmarshal(text, &a); err != nil {
			return false, err
		}
		if h, ok := Simhash(a.Body); ok {
			n++
			if want := plain(a.Body); h != want {
				t.Errorf("%s:%d: Simhash %x, by its definition %x", file, line, h, want)
			}
		}
		return n < 300, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 300 {
		t.Fatalf("only %d texts long enough to hash", n)
	}
}

// go test ./internal/dedup -bench Simhash -benchmem
func BenchmarkSimhash(b *testing.B) {
	text := strings.Repeat(story+" ", 4)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Simhash(text)
	}
}
