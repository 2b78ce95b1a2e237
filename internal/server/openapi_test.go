package server

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/go-chi/chi/v5"

	"github.com/tracuu/tracuu/internal/search"
)

// TestOpenAPIMatchesRoutes holds the served description to the router:
// every route the router serves is documented with its methods, and every
// documented operation is served. HEAD (answered by every GET route) and
// the page's catch-all route are not part of the API.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			switch m {
			case "parameters", "summary", "description", "servers":
				continue // path-level fields, not operations
			}
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}

	srv := New(&search.Service{}, Config{Web: fstest.MapFS{}, RateLimit: 1})
	routes, ok := srv.Handler.(chi.Routes)
	if !ok {
		t.Fatalf("the server's handler is a %T, not a chi router", srv.Handler)
	}
	served := map[string]bool{}
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if route == "/*" || method == http.MethodHead {
			return nil
		}
		served[method+" "+strings.TrimSuffix(route, "/")] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(served) < 10 {
		t.Fatalf("walked only %d routes: %v", len(served), keys(served))
	}
	for r := range served {
		if !documented[r] {
			t.Errorf("%s is served but not in openapi.json", r)
		}
	}
	for r := range documented {
		if !served[r] {
			t.Errorf("%s is in openapi.json but not served", r)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
