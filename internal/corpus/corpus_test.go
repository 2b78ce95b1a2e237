package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		data := []byte(text)
		if strings.HasSuffix(name, ".gz") {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(data)
			zw.Close()
			data = b.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.jsonl.gz", "b1\nb2\n")
	write("a.jsonl", "a1\na2\na3\n")
	write("notes.txt", "not a corpus file\n")
	var got []string
	collect := func(stop int) func(string, int, []byte) (bool, error) {
		return func(file string, line int, text []byte) (bool, error) {
			got = append(got, filepath.Base(file)+":"+string(text))
			return len(got) < stop, nil
		}
	}
	if err := Lines(context.Background(), dir, collect(100)); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.jsonl:a1", "a.jsonl:a2", "a.jsonl:a3", "b.jsonl.gz:b1", "b.jsonl.gz:b2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("all lines: %v, want %v", got, want)
	}
	got = nil
	if err := Lines(context.Background(), dir, collect(4)); err != nil || len(got) != 4 || got[3] != "b.jsonl.gz:b1" {
		t.Errorf("stopping after 4: %v, %v", got, err)
	}
	boom := errors.New("boom")
	if err := Lines(context.Background(), dir, func(string, int, []byte) (bool, error) { return true, boom }); !errors.Is(err, boom) {
		t.Errorf("fn's error: got %v", err)
	}
	if err := Lines(context.Background(), filepath.Join(dir, "none"), collect(1)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v, want fs.ErrNotExist", err)
	}
	if err := Lines(context.Background(), t.TempDir(), collect(1)); err == nil {
		t.Error("empty dir: no error")
	}
}
