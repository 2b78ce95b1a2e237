package recent

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	var c Cache[[]string]
	if _, ok := c.Get("th"); ok {
		t.Fatal("an empty cache answered")
	}
	c.Put("th", []string{"thể", "thì"})
	if v, ok := c.Get("th"); !ok || len(v) != 2 {
		t.Errorf("Get after Put = %v, %v", v, ok)
	}

	stale := Cache[int]{TTL: time.Nanosecond}
	stale.Put("a", 1)
	time.Sleep(time.Millisecond)
	if _, ok := stale.Get("a"); ok {
		t.Error("an answer older than its time to live was returned")
	}

	small := Cache[int]{Max: 2}
	small.Put("a", 1)
	small.Put("b", 2)
	small.Put("c", 3) // full: emptied, then c kept
	if _, ok := small.Get("a"); ok {
		t.Error("a full cache kept its old answers")
	}
	if v, ok := small.Get("c"); !ok || v != 3 {
		t.Errorf("Get(c) = %v, %v", v, ok)
	}
}
