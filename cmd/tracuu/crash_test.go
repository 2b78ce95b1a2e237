package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/search"
)

// writeCorpus writes n generated articles as JSONL.
func writeCorpus(t *testing.T, path string, n int) {
	t.Helper()
	syll := strings.Fields("dân chủ quy chế cơ sở hội nghị công tác đảng ủy khối tỉnh thành phố nhân dân kinh tế xã hội giáo dục y tế an ninh quốc phòng văn hóa du lịch nông nghiệp")
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := range n {
		words := make([]string, 60+r.IntN(60))
		for j := range words {
			words[j] = syll[r.IntN(len(syll))]
		}
		enc.Encode(map[string]string{
			"url":       fmt.Sprintf("https://tin%d.vn/bai-%d.html", i%7, i),
			"title":     fmt.Sprintf("Bài số %d: %s", i, strings.Join(words[:6], " ")),
			"body":      strings.Join(words, " ") + ".",
			"published": fmt.Sprintf("20%02d-%02d-%02d", 10+i%12, 1+i%12, 1+i%28),
		})
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every article of the index at dir as id → JSON.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	b, err := bleve.Open(dir, bleve.Options{ReadOnly: true, AnySchema: true})
	if err != nil {
		t.Fatalf("open after crash: %v", err)
	}
	defer b.Close()
	var out bytes.Buffer
	if _, err := (&search.Service{Backend: b}).Export(context.Background(), search.Params{Filters: map[string][]string{}}, search.FormatJSONL, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var a struct{ ID string }
		json.Unmarshal([]byte(line), &a)
		m[a.ID] = line
	}
	return m
}

// An import killed at any moment leaves an index that opens, and running
// the same import again ends with exactly the articles of a clean run.
func TestKilledImportResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("crash trials take about a minute")
	}
	src := filepath.Join(t.TempDir(), "corpus.jsonl")
	writeCorpus(t, src, 600)
	ref := filepath.Join(t.TempDir(), "ref")
	start := time.Now()
	if _, errOut, code := tracuu(t, "import", "--index", ref, "--json", src); code != 0 {
		t.Fatalf("reference import: %s", errOut)
	}
	full := time.Since(start)
	want := snapshot(t, ref)
	if len(want) != 600 {
		t.Fatalf("reference has %d articles", len(want))
	}
	r := rand.New(rand.NewPCG(3, 4))
	const trials = 20
	killedMidway := 0
	for trial := range trials {
		dir := filepath.Join(t.TempDir(), "ix")
		cmd := exec.Command(binPath, "import", "--index", dir, "--json", src)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The reference run includes start-up; kills spread over its first 60%.
		wait := time.Duration(r.Int64N(int64(full) * 6 / 10))
		time.Sleep(wait)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err != nil {
			killedMidway++
		}
		// The index opens in whatever state the kill left it (a kill before
		// the first version was made current leaves no index at all).
		partial := map[string]string{}
		if _, err := os.Stat(filepath.Join(dir, "CURRENT")); err == nil {
			partial = snapshot(t, dir)
		}
		for id, a := range partial {
			if want[id] != a {
				t.Fatalf("trial %d: article %s after the kill differs from the reference", trial, id)
			}
		}
		if _, errOut, code := tracuu(t, "import", "--index", dir, "--json", src); code != 0 {
			t.Fatalf("trial %d: re-run after kill at %v: %s", trial, wait, errOut)
		}
		got := snapshot(t, dir)
		if len(got) != len(want) {
			t.Fatalf("trial %d (killed at %v with %d articles): %d articles after the re-run, want %d", trial, wait, len(partial), len(got), len(want))
		}
		for id, a := range want {
			if got[id] != a {
				t.Fatalf("trial %d: article %s differs after the re-run", trial, id)
			}
		}
	}
	t.Logf("%d trials, %d killed before finishing (full import %v)", trials, killedMidway, full)
	if killedMidway < trials/2 {
		t.Errorf("only %d of %d kills landed during the import: the trials test too little", killedMidway, trials)
	}
}

// serve killed with SIGKILL under load comes back with the same index.
func TestKilledServeRestarts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	importSample(t, dir)
	for round := range 2 {
		cmd := exec.Command(binPath, "serve", "--index", dir, "--addr", "127.0.0.1:0")
		out := &lockedBuffer{}
		cmd.Stdout = out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var base string
		for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if i := strings.Index(out.String(), "http://"); i >= 0 && strings.HasSuffix(strings.TrimSpace(out.String()), "/") {
				base = strings.TrimSuffix(strings.TrimSpace(out.String()[i:]), "/")
			}
		}
		if base == "" {
			cmd.Process.Kill()
			t.Fatalf("round %d: serve did not start: %q", round, out.String())
		}
		var ok, bad atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/search?q=dan+chu&facets=site,year", nil)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						continue
					}
					resp.Body.Close()
					if resp.StatusCode == 200 {
						ok.Add(1)
					} else {
						bad.Add(1)
					}
				}
			}()
		}
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		cancel()
		wg.Wait()
		if ok.Load() == 0 || bad.Load() != 0 {
			t.Errorf("round %d: %d good and %d bad answers before the kill", round, ok.Load(), bad.Load())
		}
	}
	out, _, code := tracuu(t, "stats", "--index", dir, "--json")
	if code != 0 || !strings.Contains(out, `"articles":5`) {
		t.Errorf("after killing serve twice: %s", out)
	}
	base := serve(t, dir)
	if a := searchOK(t, base, map[string][]string{"q": {"dan chu"}}); a.Total != 5 {
		t.Errorf("after restart: total %d", a.Total)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// An index directory the process may not write to is a clear error, and
// the index is untouched. Root ignores file modes, so the binary runs as
// the unprivileged user "nobody".
func TestReadOnlyIndexDirectory(t *testing.T) {
	nobody, err := user.Lookup("nobody")
	if err != nil || os.Getuid() != 0 {
		t.Skip("needs root and a 'nobody' user to drop privileges")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	top, err := os.MkdirTemp("/tmp", "tracuu-ro")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(top)
	os.Chmod(top, 0o755)
	dir := filepath.Join(top, "index")
	importSample(t, dir)
	before := snapshot(t, dir)
	bin := filepath.Join(top, "tracuu")
	data, _ := os.ReadFile(binPath)
	os.WriteFile(bin, data, 0o755)
	src := filepath.Join(top, "more.jsonl")
	writeCorpus(t, src, 10)
	os.Chmod(src, 0o644)
	for _, args := range [][]string{{"import", "--index", dir, "--report", filepath.Join(top, "r.jsonl"), src}, {"import", "--index", filepath.Join(top, "new"), src}} {
		cmd := exec.Command(bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		msg := stderr.String()
		if code != 1 || strings.Count(strings.TrimSpace(msg), "\n") > 0 || !strings.Contains(msg, "permission denied") {
			t.Errorf("tracuu %v as nobody: exit %d, stderr %q; want exit 1 and one line saying permission denied", args[:2], code, msg)
		}
	}
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("index changed: %d articles before, %d after", len(before), len(after))
	}
}

// A full disk fails the import with a clear error; what was indexed
// before stays searchable.
func TestFullDisk(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	dir := filepath.Join(mnt, "index")
	importSample(t, dir)
	src := filepath.Join(t.TempDir(), "big.jsonl")
	writeCorpus(t, src, 4000)
	_, errOut, code := tracuu(t, "import", "--index", dir, "--report", filepath.Join(t.TempDir(), "r.jsonl"), src)
	if code != 1 || !strings.Contains(errOut, "no space left on device") {
		t.Errorf("import onto a full disk: exit %d, stderr %q; want exit 1 naming the full disk", code, errOut)
	}
	got := snapshot(t, dir)
	sample := 0
	for _, a := range got {
		if strings.Contains(a, "gov.vn") || strings.Contains(a, "org.vn") || strings.Contains(a, "dangbokhoicoquan.vn") {
			sample++
		}
	}
	if sample != 5 {
		t.Errorf("after the failed import the index holds %d of the 5 sample articles (%d in all)", sample, len(got))
	}
}

// SIGTERM while an admin import runs: serve stops accepting, the import
// finishes the batch in hand, the process exits 0 and the index is clean:
// re-running the import completes it exactly.
func TestGracefulShutdownDuringImport(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "corpus.jsonl")
	writeCorpus(t, src, 3000)
	dir := filepath.Join(t.TempDir(), "index")
	importSample(t, dir)
	cmd := exec.Command(binPath, "serve", "--index", dir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "TRACUU_ADMIN_TOKEN=t0ken-of-twenty-chars", "TRACUU_IMPORT_ROOTS="+root)
	out := &lockedBuffer{}
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if s := strings.TrimSpace(out.String()); strings.HasSuffix(s, "/") {
			base = strings.TrimSuffix(s[strings.Index(s, "http://"):], "/")
		}
	}
	if base == "" {
		t.Fatal("serve did not start")
	}
	req, _ := http.NewRequest("POST", base+"/api/admin/imports", strings.NewReader(`{"source":"`+src+`"}`))
	req.Header.Set("Authorization", "Bearer t0ken-of-twenty-chars")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("start import: %v %v", resp, err)
	}
	resp.Body.Close()
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v, want a clean exit", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of SIGTERM")
	}
	partial := snapshot(t, dir)
	if n := len(partial) - 5; n <= 0 || n >= 3000 {
		t.Errorf("after SIGTERM the index holds %d of the 3000 articles; want an import stopped part-way with its batches written", n)
	}
	if _, errOut, code := tracuu(t, "import", "--index", dir, src); code != 0 {
		t.Fatalf("re-run: %s", errOut)
	}
	if got := snapshot(t, dir); len(got) != 3005 {
		t.Errorf("after the re-run: %d articles, want 3005", len(got))
	}
}
