package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/source"
)

// plainEvery is how often progress is printed as a line of its own when
// the output is not a terminal (a log file, a CI job).
const plainEvery = 5 * time.Second

// progress reports a long run: on a terminal a bar with the phase, the
// count out of the total when the sources give it cheaply, the rate and
// the time left; elsewhere a plain line every few seconds.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar // nil when not a terminal
	w     io.Writer
	what  string // "import" or "reindex"
	unit  string // "pages" or "articles"
	total int    // -1 when unknown
	start time.Time
	last  time.Time // last plain line
	phase string
}

// sourcesTotal counts the items of srcs (JSONL lines, archive entries,
// files of a folder), or returns -1 when one source cannot say cheaply.
func sourcesTotal(ctx context.Context, srcs []string) int {
	total := 0
	for _, s := range srcs {
		n, ok := source.Count(ctx, s, source.Options{})
		if !ok {
			return -1
		}
		total += n
	}
	return total
}

func newProgress(what, unit string, total int, w io.Writer, terminal bool) *progress {
	p := &progress{w: w, what: what, unit: unit, total: total, start: time.Now(), phase: "reading"}
	p.last = p.start
	if terminal {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(what+": "+p.phase),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(unit),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// update follows an import: pages read, articles written.
func (p *progress) update(pr importer.Progress) {
	phase := "reading and indexing"
	p.mu.Lock()
	total := p.total
	p.mu.Unlock()
	if total > 0 && pr.Seen >= total {
		phase = "writing the last batch"
	}
	p.set(pr.Seen, phase)
}

// set records done items in phase and reports them if it is time.
func (p *progress) set(done int, phase string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.bar != nil {
		if phase != p.phase {
			p.bar.Describe(p.what + ": " + phase)
		}
		p.phase = phase
		_ = p.bar.Set(done)
		return
	}
	p.phase = phase
	if now.Sub(p.last) < plainEvery {
		return
	}
	p.last = now
	fmt.Fprintln(p.w, p.line(done, now.Sub(p.start)))
}

// line is one plain progress report: "import: reading and indexing,
// 12,000 of 100,000 pages (12%), 2,400 pages/s, about 33s left".
func (p *progress) line(done int, elapsed time.Duration) string {
	s := fmt.Sprintf("%s: %s, %d", p.what, p.phase, done)
	if p.total > 0 {
		s += fmt.Sprintf(" of %d %s (%d%%)", p.total, p.unit, done*100/p.total)
	} else {
		s += " " + p.unit
	}
	if secs := elapsed.Seconds(); secs >= 1 && done > 0 {
		rate := float64(done) / secs
		s += fmt.Sprintf(", %.0f %s/s", rate, p.unit)
		if p.total > done {
			left := time.Duration(float64(p.total-done) / rate * float64(time.Second))
			s += fmt.Sprintf(", about %s left", left.Round(time.Second))
		}
	}
	return s
}

// setTotal sets the total once it is known.
func (p *progress) setTotal(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = n
	if p.bar != nil {
		p.bar.ChangeMax(n)
	}
}

func (p *progress) finish() {
	if p != nil && p.bar != nil {
		_ = p.bar.Finish()
	}
}
