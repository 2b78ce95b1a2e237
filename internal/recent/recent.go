// Package recent keeps answers for a while: an answer older than its time
// to live is as good as absent, and a full store is emptied rather than
// pruned, which keeps it simple and bounded.
package recent

import (
	"sync"
	"time"
)

// Cache holds answers by key. The zero Cache keeps up to DefaultMax
// answers for DefaultTTL; it is safe for concurrent use.
type Cache[V any] struct {
	TTL time.Duration // 0: DefaultTTL
	Max int           // 0: DefaultMax

	mu      sync.Mutex
	entries map[string]entry[V]
}

// Defaults of the zero Cache.
const (
	DefaultTTL = time.Minute
	DefaultMax = 4096
)

type entry[V any] struct {
	v  V
	at time.Time
}

// Get returns the answer kept for key, if it is still fresh.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	ttl := c.TTL
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if !ok || time.Since(e.at) > ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put keeps v for key.
func (c *Cache[V]) Put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.Max
	if limit == 0 {
		limit = DefaultMax
	}
	if c.entries == nil || len(c.entries) >= limit {
		c.entries = map[string]entry[V]{}
	}
	c.entries[key] = entry[V]{v, time.Now()}
}
