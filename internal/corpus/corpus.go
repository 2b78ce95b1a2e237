// Package corpus reads the news corpora the project measures itself on
// (../shared/corpus/vi-news and the like): a directory of JSONL files,
// plain or gzipped, one article per line. The bench, the eval and the
// tests on real text all read them through Lines, so they see the same
// articles in the same order.
package corpus

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxLine is the longest line Lines accepts.
const MaxLine = 64 << 20

// Files returns the .jsonl and .jsonl.gz files of dir in name order. A
// missing dir is an error wrapping fs.ErrNotExist.
func Files(dir string) ([]string, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var files []string
	for _, pat := range []string{"*.jsonl", "*.jsonl.gz"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", dir, err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("corpus %s: no .jsonl or .jsonl.gz files", dir)
	}
	sort.Strings(files)
	return files, nil
}

// Lines calls fn with every line of the files of dir, in file-name order,
// with the file's path and the line's number in it, until fn returns false
// or an error. The bytes are valid only during the call.
func Lines(ctx context.Context, dir string, fn func(file string, line int, text []byte) (more bool, err error)) error {
	files, err := Files(dir)
	if err != nil {
		return err
	}
	for _, name := range files {
		more, err := fileLines(ctx, name, fn)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

func fileLines(ctx context.Context, name string, fn func(string, int, []byte) (bool, error)) (bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return false, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			return false, fmt.Errorf("corpus %s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), MaxLine)
	for line := 1; sc.Scan(); line++ {
		if line%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		more, err := fn(name, line, sc.Bytes())
		if err != nil || !more {
			return false, err
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("corpus %s: %w", name, err)
	}
	return true, nil
}
