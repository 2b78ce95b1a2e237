package main

import (
	"context"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/tracuu/tracuu/internal/importer"
	"github.com/tracuu/tracuu/internal/source"
)

// progress draws the import's progress bar on a terminal: pages done out of
// an estimate of the total when the sources give one cheaply, with rate and
// time left.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(ctx context.Context, srcs []string, w io.Writer) *progress {
	total := 0
	for _, s := range srcs {
		n, ok := source.Count(ctx, s, source.Options{})
		if !ok {
			total = -1
			break
		}
		total += n
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("pages"),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	return &progress{bar: bar}
}

func (p *progress) update(pr importer.Progress) { _ = p.bar.Set(pr.Seen) }

func (p *progress) finish() {
	if p != nil {
		_ = p.bar.Finish()
	}
}
