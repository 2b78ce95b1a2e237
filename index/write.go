package index

import (
	"context"
	"sync"

	"github.com/tracuu/tracuu/internal/article"
)

// WriteParts upserts arts into b in parts of size, inFlight parts at once:
// while one part waits for the engine to make it durable, the next is
// being analysed and built. It returns the articles of the parts that did
// not land, in order, and the first failure in time (a part written beside
// it may fail because of it); after a failure no further part is started.
func WriteParts(ctx context.Context, b Backend, arts []article.Article, size, inFlight int) (unwritten []article.Article, err error) {
	n := (len(arts) + size - 1) / size
	part := func(i int) []article.Article { return arts[i*size : min((i+1)*size, len(arts))] }
	landed := make([]bool, n)
	slots := make(chan struct{}, max(1, inFlight))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return first != nil
	}
	for i := range n {
		slots <- struct{}{}
		if failed() {
			<-slots
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			if err := b.Upsert(ctx, part(i)...); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				return
			}
			landed[i] = true
		}()
	}
	wg.Wait()
	for i, ok := range landed {
		if !ok {
			unwritten = append(unwritten, part(i)...)
		}
	}
	return unwritten, first
}
