package opensearch

import (
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/backendtest"
	"github.com/tracuu/tracuu/index/opensearch/opensearchtest"
	"github.com/tracuu/tracuu/internal/article"
	"github.com/tracuu/tracuu/internal/search"
	"github.com/tracuu/tracuu/internal/terms"
	"github.com/tracuu/tracuu/internal/vi"
)

func ids(t *testing.T, b *Backend, q index.Query) []string {
	t.Helper()
	res, err := b.Search(context.Background(), index.Request{Query: q, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Article.ID)
	}
	slices.Sort(out)
	return out
}

// A phrase over pairs stops at a sentence break, as in the embedded
// engine: the gap token keeps "chào" of one sentence from pairing with
// the next sentence's words.
func TestPhraseStopsAtBreaks(t *testing.T) {
	b, _ := openToy(t, Config{})
	ctx := context.Background()
	err := b.Upsert(ctx,
		article.Article{ID: "p1", Title: "Một", Body: "Tôi nói xin chào. Chào bạn nhé."},
		article.Article{ID: "p2", Title: "Hai", Body: "Tôi nói xin chào bạn nhé."})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(t, b, index.Phrase{Text: "xin chào bạn"}); !slices.Equal(got, []string{"p2"}) {
		t.Errorf(`"xin chào bạn" found %v; want p2 alone (p1 breaks after "chào")`, got)
	}
	if got := ids(t, b, index.Phrase{Text: "chào bạn nhé"}); !slices.Equal(got, []string{"p1", "p2"}) {
		t.Errorf(`"chào bạn nhé" found %v`, got)
	}
}

func TestChunkedWrites(t *testing.T) {
	arts := backendtest.Articles(t)
	for _, tc := range []struct {
		cfg  Config
		want int
	}{
		{Config{}, 1},
		{Config{BulkDocs: 5}, 3},
		{Config{BulkBytes: 1}, len(arts)}, // one article per request, however large
	} {
		e := opensearchtest.New(t)
		tc.cfg.URL = e.URL()
		b, err := Open(context.Background(), tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Upsert(context.Background(), arts...); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(http.MethodPost, "/tracuu/_bulk"); n != tc.want {
			t.Errorf("%+v: %d bulk requests, want %d", tc.cfg, n, tc.want)
		}
		if st, err := b.Stats(context.Background()); err != nil || st.Articles != uint64(len(arts)) {
			t.Errorf("%+v: stats %+v, %v", tc.cfg, st, err)
		}
	}
}

func TestImportMode(t *testing.T) {
	e := opensearchtest.New(t)
	b, err := Open(context.Background(), Config{URL: e.URL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e.Requests()
	if err := b.BeginImport(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	if err := b.EndImport(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, backendtest.Articles(t)[0]); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.Requests() {
		first, _, _ := strings.Cut(string(r.Body), "\n")
		got = append(got, r.Method+" "+stable(r.Path)+"?"+r.Query+" "+first)
	}
	want := []string{
		`PUT /tracuu/_settings? {"index":{"refresh_interval":"-1"}}`,
		`POST /tracuu/_bulk? {"index":{"_id":"a01"}}`,
		`PUT /tracuu/_settings? {"index":{"refresh_interval":null}}`,
		`POST /tracuu/_refresh? `,
		`POST /tracuu/_bulk?refresh=wait_for {"index":{"_id":"a01"}}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompletions(t *testing.T) {
	b, e := openToy(t, Config{})
	ctx := context.Background()
	// Title words starting with "th": count them in the fixtures' titles.
	counts := map[string]int{}
	for _, a := range backendtest.Articles(t) {
		seen := map[string]bool{}
		for _, w := range terms.FoldedWords(vi.Clean(a.Title)) {
			if strings.HasPrefix(w.Text, "th") && !seen[w.Text] {
				seen[w.Text] = true
				counts[w.Text]++
			}
		}
	}
	tc, err := b.prefixCounts(ctx, fTitleFolded, "th")
	if err != nil {
		t.Fatal(err)
	}
	top := index.MostFrequent(tc, 2, 0)
	if len(top) != 2 || counts[top[0]] < counts[top[1]] {
		t.Fatalf("top words %v; counts %v", top, counts)
	}
	for w, n := range counts {
		if n > counts[top[1]] && !slices.Contains(top, w) {
			t.Errorf("top words %v miss %q (%d titles)", top, w, n)
		}
	}
	// MaxDocs stops taking words once they are held by that many
	// articles, keeping the first.
	if one := index.MostFrequent(tc, 5, 1); len(one) != 1 || one[0] != top[0] {
		t.Errorf("with MaxDocs 1: %v", one)
	}
	// A minute's answers are kept: no new requests.
	e.Requests()
	if _, err := b.prefixCounts(ctx, fTitleFolded, "th"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Requests()); n != 0 {
		t.Errorf("a cached prefix made %d requests", n)
	}
	// Through the search service's suggestion query: a prefix with Top.
	q := index.Bool{Must: []index.Query{index.Prefix{Field: index.FieldTitle, Text: "thuy", Top: 24, MaxDocs: 8000}}}
	if got := ids(t, b, q); !slices.Equal(got, []string{"a08"}) {
		t.Errorf("completion of thuy found %v", got)
	}
}

func TestRebuild(t *testing.T) {
	e := opensearchtest.New(t)
	ctx := context.Background()
	b, err := Open(ctx, Config{URL: e.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, backendtest.Articles(t)...); err != nil {
		t.Fatal(err)
	}
	q, _ := search.Parse("dân chủ")
	before := ids(t, b, q)
	old := b.Target()
	var progress []int
	st, err := b.Rebuild(ctx, func(n int) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 12 || st.From != old || st.To == old || !strings.HasPrefix(st.To, "tracuu-v4-") || b.Target() != st.To || !slices.Equal(progress, []int{12}) {
		t.Errorf("rebuild %+v, target %s, progress %v", st, b.Target(), progress)
	}
	if got := ids(t, b, q); !slices.Equal(got, before) {
		t.Errorf("after the rebuild %v, before %v", got, before)
	}
	// The swap is one _aliases request; the point in time is closed.
	var swaps int
	for _, r := range e.Log() {
		if r.Path == "/_aliases" {
			swaps++
		}
	}
	if swaps != 1 || e.OpenPITs() != 0 {
		t.Errorf("%d alias requests, %d points in time left open", swaps, e.OpenPITs())
	}
	vs, err := b.Versions(ctx)
	if err != nil || len(vs) != 2 || vs[0].Name != old || vs[0].Live || !vs[1].Live {
		t.Errorf("versions %+v, %v", vs, err)
	}
	if err := b.RemoveIndex(ctx, st.To); err == nil {
		t.Error("removed the live index")
	}
	if err := b.RemoveIndex(ctx, old); err != nil {
		t.Error(err)
	}
	if err := b.RemoveIndex(ctx, "other"); err == nil {
		t.Error("removed an index of another family")
	}

	// A rebuild that fails midway removes its index and leaves the alias.
	e.SetBefore(func(r *http.Request, body []byte) (int, string, bool) {
		if strings.HasSuffix(r.URL.Path, "/_bulk") && strings.HasPrefix(r.URL.Path, "/tracuu-v4-") && !strings.Contains(r.URL.Path, st.To) {
			return 400, `{"error":{"type":"illegal_argument_exception","reason":"planted"},"status":400}`, true
		}
		return 0, "", false
	})
	if _, err := b.Rebuild(ctx, nil); err == nil || !strings.Contains(err.Error(), "planted") {
		t.Errorf("failed rebuild: %v", err)
	}
	e.SetBefore(nil)
	if vs, _ := b.Versions(ctx); len(vs) != 1 || vs[0].Name != st.To || b.Target() != st.To {
		t.Errorf("after a failed rebuild: versions %+v, target %s", vs, b.Target())
	}

	// Drop deletes the live index too, and the alias with it.
	if err := b.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if vs, _ := b.Versions(ctx); len(vs) != 0 || e.Docs("tracuu") != -1 {
		t.Errorf("after Drop: versions %+v, %d documents behind the alias", vs, e.Docs("tracuu"))
	}
}

func TestOldSchemaRebuilt(t *testing.T) {
	e := opensearchtest.New(t)
	ctx := context.Background()
	// An index of schema 3 behind the alias, as an older tracuu left it.
	old := indexBody(Config{}, nil)
	old["mappings"].(obj)["_meta"] = obj{metaSchema: 3, metaLayout: layoutVersion}
	old["aliases"] = obj{"tracuu": obj{}}
	c := testClient(t, Config{URL: e.URL()})
	if err := c.send(ctx, call{method: http.MethodPut, path: "/tracuu-v3-20200101t000000.000000", body: mustJSON(old)}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, Config{URL: e.URL()})
	if !errors.Is(err, index.ErrSchema) {
		t.Fatalf("open of a schema 3 index: %v", err)
	}
	b, err := Open(ctx, Config{URL: e.URL(), AnySchema: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, Config{URL: e.URL()}); err != nil {
		t.Errorf("open after the rebuild: %v", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	for k, v := range map[string]string{
		EnvURL: "https://search.example:9200", EnvIndex: "news", EnvUser: "u", EnvPassword: "p",
		EnvToken: "", EnvCAFile: "/etc/ca.pem", EnvInsecure: "true", EnvTimeout: "5s", EnvShards: "6", EnvReplicas: "0",
	} {
		t.Setenv(k, v)
	}
	c, err := ConfigFromEnv()
	if err != nil || c.URL != "https://search.example:9200" || c.Index != "news" || c.User != "u" || c.Password != "p" ||
		c.CAFile != "/etc/ca.pem" || !c.Insecure || c.Timeout.String() != "5s" || c.Shards != 6 || c.Replicas == nil || *c.Replicas != 0 {
		t.Errorf("config %+v, %v", c, err)
	}
	t.Setenv(EnvShards, "zero")
	t.Setenv(EnvTimeout, "soon")
	if _, err := ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), EnvShards) || !strings.Contains(err.Error(), EnvTimeout) {
		t.Errorf("bad values: %v", err)
	}
	os.Unsetenv(EnvURL)
	for _, name := range []string{"Tracuu", "a/b", "_x", "a b", ""} {
		if _, _, err := (Config{URL: "http://x:9200", Index: name}).withDefaults(); err == nil && name != "" {
			t.Errorf("index name %q accepted", name)
		}
	}
	if _, _, err := (Config{}).withDefaults(); err == nil {
		t.Error("no URL accepted")
	}
}

func TestHealth(t *testing.T) {
	b, _ := openToy(t, Config{})
	h, err := b.Health(context.Background())
	if err != nil || h.Status != "green" || h.Engine != engineOpenSearch || h.Index != b.Target() {
		t.Errorf("health %+v, %v", h, err)
	}
}
