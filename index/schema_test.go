package index

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenOldSchemaAsksForReindex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	b, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.idx.SetInternal([]byte(schemaKey), []byte("0")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "tracuu reindex") {
		t.Errorf("open of a schema-0 index: %v; want ErrSchema telling to reindex", err)
	}
}
