package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/tracuu/tracuu/internal/vi"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/internal/eval"
	"github.com/tracuu/tracuu/internal/search"
)

func main() {
	ctx := context.Background()
	dir := "/tmp/dbgidx"
	b, err := index.Open(dir, index.Options{})
	if err != nil {
		panic(err)
	}
	st, _ := b.Stats(ctx)
	if st.Articles == 0 {
		arts, err := eval.Load(ctx, "/work/shared/corpus/vi-news", 10000)
		if err != nil {
			panic(err)
		}
		if err := b.Upsert(ctx, arts...); err != nil {
			panic(err)
		}
	}
	var rep struct {
		Queries []eval.KnownItem `json:"queries"`
	}
	raw, _ := os.ReadFile(os.Args[1])
	json.Unmarshal(raw, &rep)
	svc := &search.Service{Backend: b}
	for _, q := range rep.Queries {
		if q.Class == "title_telex" {
			for _, w := range strings.Fields(q.Text) {
				k, ok := vi.Keystrokes(w)
				if !ok {
					continue
				}
				n, _ := b.Frequencies(ctx, []string{w, k})
				if n[0]*1000 >= n[1] {
					fmt.Printf("NOT %q→%q %v\n", w, k, n)
				}
			}
		}
		p, err := svc.Plan(ctx, q.Text, false)
		if err != nil {
			fmt.Println("ERR", q.Text, err)
			continue
		}
		if p.Interpreted != "" {
			fmt.Printf("%s\t%q\t→ %q\n", q.Class, q.Text, p.Interpreted)
		}
	}
}
