package bleve

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/internal/article"
)

// mappedKB sums the resident kilobytes of this process's mappings of files
// under dir, from /proc/self/smaps.
func mappedKB(t *testing.T, dir string) int {
	t.Helper()
	dir, _ = filepath.EvalSymlinks(dir)
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kb, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			at := strings.Index(line, " /")
			in = at >= 0 && strings.HasPrefix(line[at+1:], dir+"/")
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); ok && in {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatalf("smaps line %q: %v", line, err)
			}
			kb += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kb
}

// Reading every stored article maps the index's segments into memory;
// releasing them drops those pages from the resident set, and the index
// reads the same afterwards.
func TestReleaseMappedDropsResidentPages(t *testing.T) {
	ctx := context.Background()
	b := corpusIndex(t, 1000)
	forceMerge(t, b)
	var ids []string
	if err := b.scan(ctx, 100000, func(arts []article.Article) error {
		for _, a := range arts {
			ids = append(ids, a.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	read := func() map[string]string {
		bodies := map[string]string{}
		for _, id := range ids {
			a, ok, err := b.Get(ctx, id)
			if err != nil || !ok {
				t.Fatalf("get %s: ok %v, %v", id, ok, err)
			}
			bodies[id] = a.Body
		}
		return bodies
	}
	before := read()
	held := mappedKB(t, b.path)
	if held < 1024 {
		t.Fatalf("after reading %d articles only %d kB of the index is resident; the test reads nothing", len(ids), held)
	}
	if err := releaseMapped(b.path); err != nil {
		t.Fatal(err)
	}
	if left := mappedKB(t, b.path); left > held/10 {
		t.Errorf("after releaseMapped %d kB of the index stay resident, of %d kB", left, held)
	}
	after := read()
	if len(after) != len(before) {
		t.Fatalf("read %d articles after release, %d before", len(after), len(before))
	}
	for id, body := range before {
		if after[id] != body {
			t.Errorf("article %s reads differently after release", id)
		}
	}
}
