package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/tracuu/tracuu/internal/ingest"

	"github.com/tracuu/tracuu/internal/importer"
)

// ImportFigures describe one import, measured as a child process.
type ImportFigures struct {
	Articles   int     `json:"articles"`
	Seconds    float64 `json:"seconds"` // wall time of the whole process: open, import, close
	PerSec     float64 `json:"articles_per_sec"`
	CPUSeconds float64 `json:"cpu_seconds"`
	PeakRSS    int64   `json:"peak_rss_bytes"`
	IndexBytes int64   `json:"index_bytes"`
	SizeRatio  float64 `json:"size_to_raw"` // index bytes / raw JSONL bytes
	// Tenths is the rate (articles/s) of each tenth of the articles, in
	// import order: whether the cost of an article grows with the index.
	Tenths []float64 `json:"rate_per_tenth,omitempty"`
}

// ReimportFigures describe importing the same corpus a second time.
type ReimportFigures struct {
	Seconds   float64 `json:"seconds"`
	Unchanged int     `json:"unchanged"`
	Indexed   int     `json:"indexed"`
	PeakRSS   int64   `json:"peak_rss_bytes"`
	Speedup   float64 `json:"speedup"` // first import time / re-import time
}

// importPhases measures tracuu's import into ours, its re-import of the
// unchanged corpus, the baseline's import into base and, when asked,
// profiles an import in process.
func importPhases(ctx context.Context, cfg Config, rep *Report, bin, work, ours, base string) error {
	c := rep.Corpus
	// tracuuImport runs `tracuu import --json` and reads its summary.
	var tenths []float64
	tracuuImport := func() (m measured, indexed, unchanged int, err error) {
		m, err = runMeasured(exec.CommandContext(ctx, bin, "import", "--index", ours, "--json",
			"--report", filepath.Join(work, "import-report.jsonl"), c.Path))
		if err != nil {
			return m, 0, 0, err
		}
		var sum struct {
			Indexed   int             `json:"indexed"`
			Unchanged int             `json:"unchanged"`
			Timeline  []importer.Mark `json:"timeline"`
		}
		if err := json.Unmarshal(m.Stdout, &sum); err != nil {
			return m, 0, 0, fmt.Errorf("tracuu import --json printed %q: %w", m.Stdout, err)
		}
		tenths = rateTenths(sum.Timeline)
		return m, sum.Indexed, sum.Unchanged, nil
	}

	rep.Busy.mark("import")
	logf(cfg.Log, "importing into tracuu (child process)")
	m, indexed, _, err := tracuuImport()
	if err != nil {
		return fmt.Errorf("tracuu import: %w", err)
	}
	rep.Import = importFigures(indexed, m, dirSize(ours), c.RawBytes)
	rep.Import.Tenths = tenths
	logf(cfg.Log, "tracuu: %d articles in %.1fs, %.0f/s, peak RSS %s", indexed, m.Wall.Seconds(), rep.Import.PerSec, mb(m.PeakRSS))

	if cfg.Reimport {
		rep.Busy.mark("reimport")
		logf(cfg.Log, "re-importing the unchanged corpus")
		m2, indexed, unchanged, err := tracuuImport()
		if err != nil {
			return fmt.Errorf("tracuu re-import: %w", err)
		}
		rep.Reimport = &ReimportFigures{Seconds: round(m2.Wall.Seconds(), 2), Unchanged: unchanged,
			Indexed: indexed, PeakRSS: m2.PeakRSS, Speedup: ratio(m.Wall.Seconds(), m2.Wall.Seconds())}
		logf(cfg.Log, "re-import: %.1fs, %d unchanged", m2.Wall.Seconds(), unchanged)
	}

	if cfg.Baseline {
		rep.Busy.mark("baseline import")
		logf(cfg.Log, "importing into the default-mapping baseline (child process)")
		f, err := childImport(ctx, cfg, roleBaseline, base, c)
		if err != nil {
			return err
		}
		rep.Baseline = &f
		logf(cfg.Log, "baseline: %d articles in %.1fs, %.0f/s, peak RSS %s", f.Articles, f.Seconds, f.PerSec, mb(f.PeakRSS))
	}

	if cfg.CPUProfile != "" {
		logf(cfg.Log, "profiling an in-process import into a third index (%s)", cfg.CPUProfile)
		return profileImport(ctx, filepath.Join(work, "profile-index"), c.Path, cfg.CPUProfile)
	}
	return nil
}

// childImport imports the corpus c into a new index at dir in a child
// process of the given role (see ChildMain), measured like tracuu's
// import: wall and CPU time, peak RSS, the index size.
func childImport(ctx context.Context, cfg Config, role, dir string, c *Corpus) (ImportFigures, error) {
	self := cfg.ChildSelf
	if self == "" {
		var err error
		if self, err = os.Executable(); err != nil {
			return ImportFigures{}, fmt.Errorf("%s child: %w", role, err)
		}
	}
	args := append(append([]string(nil), cfg.ChildArgs0...), dir, c.Path)
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), childEnv+"="+role)
	m, err := runMeasured(cmd)
	if err != nil {
		return ImportFigures{}, fmt.Errorf("%s: %w", role, err)
	}
	var out struct {
		Articles int `json:"articles"`
	}
	if err := json.Unmarshal(lastLine(m.Stdout), &out); err != nil {
		return ImportFigures{}, fmt.Errorf("%s printed %q: %w", role, m.Stdout, err)
	}
	return importFigures(out.Articles, m, dirSize(dir), c.RawBytes), nil
}

func importFigures(n int, m measured, size, raw int64) ImportFigures {
	f := ImportFigures{Articles: n, Seconds: round(m.Wall.Seconds(), 2), CPUSeconds: round(m.CPU.Seconds(), 1),
		PeakRSS: m.PeakRSS, IndexBytes: size, SizeRatio: ratio(float64(size), float64(raw))}
	if m.Wall > 0 {
		f.PerSec = round(float64(n)/m.Wall.Seconds(), 0)
	}
	return f
}

// profileImport runs the import pipeline in this process, as `tracuu
// import` does, under the CPU profiler: where the import's time goes.
func profileImport(ctx context.Context, dir, src, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer f.Close()
	x, err := ingest.Open(dir, ingest.Options{})
	if err != nil {
		return err
	}
	defer x.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	_, _, err = x.Import(ctx, []string{src}, ingest.ImportOptions{})
	pprof.StopCPUProfile()
	if err != nil {
		return fmt.Errorf("profiled import: %w", err)
	}
	return nil
}

// tracuuBinary returns cfg.TracuuBin or builds the binary into work, so
// the bench measures the code of this checkout.
func tracuuBinary(ctx context.Context, cfg Config, work string) (string, error) {
	if cfg.TracuuBin != "" {
		return cfg.TracuuBin, nil
	}
	bin := filepath.Join(work, "tracuu")
	logf(cfg.Log, "building tracuu")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/tracuu/tracuu/cmd/tracuu").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build tracuu: %w: %s", err, out)
	}
	return bin, nil
}

func lastLine(b []byte) []byte {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return []byte(lines[len(lines)-1])
}

// rateTenths turns an import's timeline into the rate of each tenth of
// the articles seen, interpolating between the marks.
func rateTenths(tl []importer.Mark) []float64 {
	if len(tl) == 0 || tl[len(tl)-1].Seen < 10 {
		return nil
	}
	total := tl[len(tl)-1].Seen
	at := func(seen float64) float64 { // seconds when seen articles were done
		prev := importer.Mark{}
		for _, m := range tl {
			if float64(m.Seen) >= seen {
				if m.Seen == prev.Seen {
					return m.Seconds
				}
				f := (seen - float64(prev.Seen)) / float64(m.Seen-prev.Seen)
				return prev.Seconds + f*(m.Seconds-prev.Seconds)
			}
			prev = m
		}
		return tl[len(tl)-1].Seconds
	}
	out := make([]float64, 10)
	for i := range out {
		a, b := float64(total)*float64(i)/10, float64(total)*float64(i+1)/10
		if d := at(b) - at(a); d > 0 {
			out[i] = round((b-a)/d, 0)
		}
	}
	return out
}
