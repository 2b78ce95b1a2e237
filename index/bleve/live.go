package bleve

import (
	"context"
	"sync"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/article"
)

// Live is the index a server answers from. It forwards every call to the
// current Bleve version and can be switched to another version while
// requests run: Swap waits for the calls in flight on the old version to
// finish, then closes it, so no request ever sees a closed index.
type Live struct {
	mu  sync.RWMutex
	cur *Bleve
}

var _ index.Backend = (*Live)(nil)

// NewLive serves b.
func NewLive(b *Bleve) *Live { return &Live{cur: b} }

// Current returns the version being served. Callers must not close it.
func (l *Live) Current() *Bleve {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur
}

// Swap makes next the served version and closes the previous one once the
// calls running on it have returned. It returns the previous version's
// directory, which the caller may remove.
func (l *Live) Swap(next *Bleve) (string, error) {
	l.mu.Lock()
	prev := l.cur
	l.cur = next
	l.mu.Unlock()
	return prev.path, prev.Close()
}

// Upsert implements index.Backend.
func (l *Live) Upsert(ctx context.Context, arts ...article.Article) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.Upsert(ctx, arts...)
}

// Delete implements index.Backend.
func (l *Live) Delete(ctx context.Context, ids ...string) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.Delete(ctx, ids...)
}

// Search implements index.Backend.
func (l *Live) Search(ctx context.Context, req index.Request) (index.Result, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.Search(ctx, req)
}

// Get implements index.Backend.
func (l *Live) Get(ctx context.Context, id string) (article.Article, bool, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.Get(ctx, id)
}

// Frequencies implements index.Backend.
func (l *Live) Frequencies(ctx context.Context, texts []string) ([]uint64, error) {
	return l.Current().Frequencies(ctx, texts)
}

// Fingerprints implements index.Backend.
func (l *Live) Fingerprints(ctx context.Context, ids []string) (map[string]string, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.Fingerprints(ctx, ids)
}

// Stats implements index.Backend.
func (l *Live) Stats(ctx context.Context) (index.Stats, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.Stats(ctx)
}

// Close closes the served version.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur.Close()
}
