package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/internal/importer"

	"github.com/tracuu/tracuu/index"
)

// OpenCluster opens the index of cfg in an OpenSearch or Elasticsearch
// cluster for writing, creating it unless cfg.ReadOnly (which here only
// means "do not create"). The import state and the report, which the
// cluster does not hold, are kept in the local directory stateDir: the
// state of each index behind the alias in stateDir/<index>/, so that the
// state of an index never describes another (one deleted and created
// again has a new name, and starts with no state).
func OpenCluster(ctx context.Context, cfg opensearch.Config, stateDir string, opts Options) (*Index, error) {
	if stateDir == "" {
		return nil, errors.New("open cluster index: no directory for the import state")
	}
	cfg.AnySchema = cfg.AnySchema || opts.AnySchema
	b, err := opensearch.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts.Log = logger(opts.Log)
	return New(&clusterStore{Backend: b, stateDir: stateDir, log: opts.Log}, opts), nil
}

// clusterStore is an alias in a cluster, with its local state directory.
// BeginImport and EndImport come from the backend: it implements Bulk.
type clusterStore struct {
	*opensearch.Backend
	stateDir string
	log      *slog.Logger
}

var _ Bulk = (*clusterStore)(nil)

func (s *clusterStore) StatePath() string {
	return filepath.Join(s.stateDir, s.Target(), importer.StateFile)
}

func (s *clusterStore) ReportDir() string { return s.stateDir }

// cleanupTimeout bounds removing the previous index after a rebuild, which
// runs even when the caller stopped waiting: the alias has moved already.
const cleanupTimeout = time.Minute

// Rebuild fills a new index and moves the alias to it (opensearch's
// Rebuild), carries the import state over, then deletes the previous index
// and its state: the alias serves the new one, and a rebuild that failed
// has left the alias and the old index as they were.
func (s *clusterStore) Rebuild(ctx context.Context, progress func(done int)) (index.ReindexStats, error) {
	st, err := s.Backend.Rebuild(ctx, progress)
	out := st
	if err != nil {
		return out, err
	}
	from := filepath.Join(s.stateDir, st.From, importer.StateFile)
	to := filepath.Join(s.stateDir, st.To, importer.StateFile)
	// The articles are the same, so the state that describes them holds
	// for the new index too; without it the next import reads every page.
	if err := copyFile(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("the import state stays with the previous index: the next import re-reads every page", "err", err)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := s.RemoveIndex(cctx, st.From); err != nil {
		s.log.Warn("the previous index stays in the cluster", "index", st.From, "err", err)
		return out, nil
	}
	if err := os.RemoveAll(filepath.Join(s.stateDir, st.From)); err != nil {
		s.log.Warn("the previous index's import state stays", "dir", filepath.Join(s.stateDir, st.From), "err", err)
	}
	return out, nil
}

// copyFile copies src to dst, creating dst's directory, and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}
