package bleve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tracuu/tracuu/internal/article"

	"github.com/tracuu/tracuu/index"
)

// CanonicalOnlyNote is what a rebuild of an index written before
// PublishedSchema tells the operator.
const CanonicalOnlyNote = "this index was written before the published spelling was stored: its articles keep the canonical tone placement (\"hỏa\" where the source wrote \"hoả\"), and reindexing cannot bring the published spelling back; re-import the sources (tracuu import --force) to restore it"

// canonicalOnly reports whether b was written before PublishedSchema, when
// stored articles kept the canonical spelling only.
func (b *Bleve) canonicalOnly() (bool, error) {
	v, err := b.idx.GetInternal([]byte(schemaKey))
	if err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	n, _ := strconv.Atoi(string(v))
	return n < PublishedSchema, nil
}

// keepFiles are our own files in a version directory that a rebuild
// carries over: they describe the articles, which do not change. (The
// importer's state file; importer.StateFile names it from above.)
var keepFiles = []string{"import-state.bolt"}

// Rebuild writes every stored article of src into a new version of src's
// index directory with the current mapping and analyzers, then makes it
// CURRENT. src is only read: a server may keep answering from it (and from
// Live, switched with Swap once Rebuild returns). The caller closes both.
// Articles written to src during the rebuild may be missed: callers run
// rebuilds and imports one at a time.
func Rebuild(ctx context.Context, src *Bleve, progress func(done int)) (*Bleve, index.ReindexStats, error) {
	start := time.Now()
	st := index.ReindexStats{From: src.path}
	if _, err := RemoveUnfinished(src.dir); err != nil {
		return nil, st, fmt.Errorf("reindex: %w", err)
	}
	dst, err := createVersion(src.dir, Options{Tuning: &src.plan.tuning})
	if err != nil {
		return nil, st, err
	}
	fail := func(err error) (*Bleve, index.ReindexStats, error) {
		dst.Close()
		os.RemoveAll(dst.path)
		return nil, st, fmt.Errorf("reindex: %w", err)
	}
	lost, err := src.canonicalOnly()
	if err != nil {
		return fail(err)
	}
	if lost {
		st.CanonicalOnly, st.Note = true, CanonicalOnlyNote
	}
	if err := copyArticles(ctx, src, dst, func(n int) {
		st.Articles += n
		if progress != nil {
			progress(st.Articles)
		}
	}); err != nil {
		return fail(err)
	}
	for _, name := range keepFiles {
		if err := copyFile(filepath.Join(src.path, name), filepath.Join(dst.path, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
	}
	if err := dst.makeCurrent(); err != nil {
		return fail(err)
	}
	st.To, st.Seconds = dst.path, time.Since(start).Seconds()
	return dst, st, nil
}

// copyArticles writes every stored article of src into dst, calling done
// with the number of each page written. Reading the next page (decoding
// stored records, on one core) runs while the page before it is written.
func copyArticles(ctx context.Context, src, dst *Bleve, done func(int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []article.Article, 1)
	read := make(chan error, 1)
	go func() {
		defer close(pages)
		read <- src.scan(ctx, 1000, func(arts []article.Article) error {
			select {
			case pages <- arts:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for arts := range pages {
		if _, err := index.WriteParts(ctx, dst, arts, batchSize, batchesInFlight); err != nil {
			cancel()
			for range pages {
			}
			<-read
			return err
		}
		done(len(arts))
	}
	return <-read
}

// scan calls fn with every stored article, in pages of n, in the order
// the index holds them. It reads one snapshot from start to end, document
// by document: a search sorted by id with a cursor would visit every
// document again for each page, which grows with the square of the size.
func (b *Bleve) scan(ctx context.Context, n int, fn func([]article.Article) error) error {
	adv, err := b.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer ids.Close()
	arts := make([]article.Article, 0, n)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		internal, err := ids.Next()
		if err != nil {
			return err
		}
		if internal == nil {
			break
		}
		id, err := r.ExternalID(internal)
		if err != nil {
			return err
		}
		doc, err := r.Document(id)
		if err != nil {
			return fmt.Errorf("article %s: %w", id, err)
		}
		if doc == nil {
			continue
		}
		a, err := storedArticle(doc)
		if err != nil {
			return fmt.Errorf("article %s: %w", id, err)
		}
		a.ID = id
		arts = append(arts, a)
		if len(arts) == n {
			if err := fn(arts); err != nil {
				return err
			}
			arts = make([]article.Article, 0, n)
			b.releaseMapped() // the stored records read so far are not read again
		}
	}
	if len(arts) > 0 {
		return fn(arts)
	}
	return nil
}

// RemoveUnfinished deletes the version directories of dir that CURRENT
// does not name: rebuilds a crash interrupted (kill -9 leaves tens of MB
// behind) and old versions whose removal failed. Call it only while
// holding the current version open for writing: that lock is what keeps
// another process from rebuilding into one of them at the same time.
// It returns the paths removed.
func RemoveUnfinished(dir string) ([]string, error) {
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		return nil, fmt.Errorf("remove unfinished versions: %w", err)
	}
	live := string(trimNL(cur))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("remove unfinished versions: %w", err)
	}
	var removed []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == live || !isVersionName(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.RemoveAll(p); err != nil {
			return removed, fmt.Errorf("remove unfinished version %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// isVersionName reports whether name is what createVersion names a
// version: "v" and the schema number, "-", a UTC timestamp.
func isVersionName(name string) bool {
	num, stamp, ok := strings.Cut(name, "-")
	if !ok || len(num) < 2 || num[0] != 'v' || len(stamp) < len("20060102T150405") {
		return false
	}
	if _, err := strconv.Atoi(num[1:]); err != nil {
		return false
	}
	_, err := time.Parse("20060102T150405", stamp[:len("20060102T150405")])
	return err == nil
}

// RemoveVersion deletes a version directory that is no longer CURRENT.
func RemoveVersion(dir, path string) error {
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err == nil && filepath.Join(dir, string(trimNL(cur))) == filepath.Clean(path) {
		return fmt.Errorf("remove version %s: it is the current one", path)
	}
	return os.RemoveAll(path)
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
