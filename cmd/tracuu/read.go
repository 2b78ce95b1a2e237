package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tracuu/tracuu/internal/extract"
)

// readPage reads one saved page for `tracuu extract`, gunzipping *.gz, and
// refuses pages over the extractor's size limit before reading them whole.
func readPage(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, extract.MaxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if n > extract.MaxPageBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, extract.MaxPageBytes)
	}
	return buf.Bytes(), nil
}
