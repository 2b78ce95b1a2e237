package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tracuu/tracuu/internal/article"
)

// partsDisk is a backend that records the parts written to it, how many
// were being written at once, and refuses the part holding failID.
type partsDisk struct {
	Backend
	failID    string
	mu        sync.Mutex
	busy, max int
	written   map[string]bool
}

func (d *partsDisk) Upsert(ctx context.Context, arts ...article.Article) error {
	d.mu.Lock()
	d.busy++
	d.max = max(d.max, d.busy)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.busy--
		d.mu.Unlock()
	}()
	for _, a := range arts {
		if a.ID == d.failID {
			return errors.New("no space left on device")
		}
	}
	time.Sleep(5 * time.Millisecond) // the disk's fsync
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, a := range arts {
		d.written[a.ID] = true
	}
	return nil
}

func TestWriteParts(t *testing.T) {
	var arts []article.Article
	for i := range 95 {
		arts = append(arts, article.Article{ID: fmt.Sprint(i)})
	}
	for _, tc := range []struct {
		name     string
		failID   string
		inFlight int
	}{
		{"all land", "", 2},
		{"one at a time", "", 1},
		{"the fourth part fails", "35", 2},
	} {
		d := &partsDisk{failID: tc.failID, written: map[string]bool{}}
		unwritten, err := WriteParts(context.Background(), d, arts, 10, tc.inFlight)
		if (err != nil) != (tc.failID != "") {
			t.Errorf("%s: error %v", tc.name, err)
		}
		// A part landed when none of its articles is reported unwritten;
		// a part is reported whole or not at all.
		missing := map[string]bool{}
		for _, a := range unwritten {
			missing[a.ID] = true
		}
		landed := make([]bool, 10)
		for i := range landed {
			part := arts[i*10 : min((i+1)*10, len(arts))]
			n := 0
			for _, a := range part {
				if missing[a.ID] {
					n++
				}
			}
			if n != 0 && n != len(part) {
				t.Errorf("%s: part %d reported %d of %d articles unwritten", tc.name, i, n, len(part))
			}
			landed[i] = n == 0
		}
		if d.max > tc.inFlight {
			t.Errorf("%s: %d parts written at once, at most %d wanted", tc.name, d.max, tc.inFlight)
		}
		after := 0 // parts after the failed one that landed: at most the one written beside it
		for i, ok := range landed {
			part := arts[i*10 : min((i+1)*10, len(arts))]
			for _, a := range part {
				if d.written[a.ID] != ok {
					t.Errorf("%s: part %d reported landed=%v, article %s written=%v", tc.name, i, ok, a.ID, d.written[a.ID])
				}
			}
			if tc.failID == "" && !ok {
				t.Errorf("%s: part %d did not land", tc.name, i)
			}
			if tc.failID != "" && i == 3 && ok {
				t.Errorf("%s: the failed part is reported landed", tc.name)
			}
			if tc.failID != "" && i > 3 && ok {
				after++
			}
			if tc.failID != "" && i < 3 && !ok {
				t.Errorf("%s: part %d, started before the failure, did not land", tc.name, i)
			}
		}
		if after > tc.inFlight-1 {
			t.Errorf("%s: %d parts after the failed one landed; no part starts after a failure", tc.name, after)
		}
	}
}
