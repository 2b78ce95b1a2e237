package ingest

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/internal/importer"

	"github.com/tracuu/tracuu/index"
)

// Open opens the Bleve index in dir for writing, creating an empty one when
// dir holds none, and deletes the version directories a crash left
// unfinished (it holds the write lock, so no other process is writing
// them). The import state lives in the served version's directory and the
// report in dir.
func Open(dir string, opts Options) (*Index, error) {
	b, err := bleve.Open(dir, bleve.Options{AnySchema: opts.AnySchema})
	if err != nil {
		return nil, err
	}
	opts.Log = logger(opts.Log)
	x := New(&bleveStore{Live: bleve.NewLive(b), dir: dir, log: opts.Log}, opts)
	x.Removed, err = bleve.RemoveUnfinished(dir)
	if err != nil {
		x.log.Warn("removing unfinished index versions", "dir", dir, "err", err)
	}
	return x, nil
}

// bleveStore is an index directory: versions swapped under a Live.
type bleveStore struct {
	*bleve.Live
	dir string
	log *slog.Logger
}

// StatePath is in the version directory, which bleve.Rebuild carries it
// over from.
func (s *bleveStore) StatePath() string {
	return filepath.Join(s.Current().Path(), importer.StateFile)
}

func (s *bleveStore) ReportDir() string { return s.dir }

// Rebuild builds the new version beside the served one, swaps it in once
// the searches running on the old one have finished, and removes the old
// directory.
func (s *bleveStore) Rebuild(ctx context.Context, progress func(done int)) (index.ReindexStats, error) {
	next, st, err := bleve.Rebuild(ctx, s.Current(), progress)
	if err != nil {
		return st, err
	}
	prev, err := s.Swap(next)
	if err != nil {
		s.log.Warn("closing the previous index version", "path", prev, "err", err)
	}
	if err := bleve.RemoveVersion(s.dir, prev); err != nil {
		s.log.Warn("the previous index version stays", "path", prev, "err", err)
	}
	return st, nil
}
