package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"runtime/pprof"
	"time"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/yardstick"
)

// QueryFigures are single-client latencies per class and overall.
type QueryFigures struct {
	Classes  map[string]Latency `json:"classes"`
	Overall  Latency            `json:"overall"`
	NoHits   int                `json:"queries_without_hits"`
	Failures int                `json:"failures"`
}

// timeMix runs one warm-up pass of the mix, then rounds measured passes,
// and summarizes per class.
func timeMix(ctx context.Context, mix []Query, rounds int, do func(Query) (uint64, error)) (QueryFigures, error) {
	qf := QueryFigures{Classes: map[string]Latency{}}
	for _, q := range mix {
		if _, err := do(q); err != nil {
			qf.Failures++
		}
		if err := ctx.Err(); err != nil {
			return qf, err
		}
	}
	qf.Failures = 0
	byClass := map[string][]time.Duration{}
	var all []time.Duration
	for r := 0; r < rounds; r++ {
		for _, q := range mix {
			if err := ctx.Err(); err != nil {
				return qf, err
			}
			t := time.Now()
			total, err := do(q)
			d := time.Since(t)
			if err != nil {
				qf.Failures++
				continue
			}
			if r == 0 && total == 0 {
				qf.NoHits++
			}
			byClass[q.Class] = append(byClass[q.Class], d)
			all = append(all, d)
		}
	}
	for k, ds := range byClass {
		qf.Classes[k] = summarize(ds)
	}
	qf.Overall = summarize(all)
	return qf, nil
}

func oursInProcess(ctx context.Context, dir string, mix []Query, rounds int) (QueryFigures, error) {
	b, err := bleve.Open(dir, bleve.Options{ReadOnly: true})
	if err != nil {
		return QueryFigures{}, err
	}
	defer b.Close()
	svc := &search.Service{Backend: b}
	return timeMix(ctx, mix, rounds, func(q Query) (uint64, error) {
		p, err := search.ParseParams(url.Values{"q": {q.Text}})
		if err != nil {
			return 0, err
		}
		res, err := svc.Search(ctx, p)
		return res.Total, err
	})
}

func baselineInProcess(ctx context.Context, dir string, mix []Query, rounds int) (QueryFigures, error) {
	b, err := yardstick.OpenBaseline(dir)
	if err != nil {
		return QueryFigures{}, err
	}
	defer b.Close()
	return timeMix(ctx, mix, rounds, func(q Query) (uint64, error) { return b.SearchFaceted(ctx, q.Words, q.Phrase) })
}

// profileQueries runs the mix three times in process under the CPU
// profiler, after the measured passes, so profiling does not skew them.
func profileQueries(ctx context.Context, dir string, mix []Query, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	_, err = oursInProcess(ctx, dir, mix, 2)
	return err
}
