package opensearch

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// The request bodies are checked against the property names of the
// OpenSearch API specification (github.com/opensearch-project/
// opensearch-api-specification, extracted by testdata/apispec/extract.py
// into keys.json): every key the backend sends must be one the published
// schema of that object has. No Go module ships the specification, so the
// extract is kept here with the commit it came from.

var specOnce struct {
	sync.Once
	keys map[string][]string
	err  error
}

func specKeys(t *testing.T) map[string][]string {
	t.Helper()
	specOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("testdata", "apispec", "keys.json"))
		if err != nil {
			specOnce.err = err
			return
		}
		var doc struct {
			Keys map[string][]string `json:"keys"`
		}
		specOnce.err = json.Unmarshal(b, &doc)
		specOnce.keys = doc.Keys
	})
	if specOnce.err != nil {
		t.Fatal(specOnce.err)
	}
	return specOnce.keys
}

type specChecker struct {
	t    *testing.T
	keys map[string][]string
	what string
}

func (c specChecker) fail(path, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s: at %s: %s", c.what, path, fmt.Sprintf(format, args...))
}

// allow checks that every key of v is a property of schema, except those
// in also (names of fields, which the schemas leave open).
func (c specChecker) allow(path, schema string, v any, also ...string) map[string]any {
	c.t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "want an object for %s, got %T", schema, v)
		return nil
	}
	known, ok := c.keys[schema]
	if !ok {
		c.t.Fatalf("no keys for schema %s in keys.json", schema)
	}
	for k := range m {
		if !slices.Contains(known, k) && !slices.Contains(also, k) {
			c.fail(path, "%q is not a property of %s", k, schema)
		}
	}
	return m
}

// checkSpec checks a request body of a kind (see specKind).
func checkSpec(t *testing.T, what, kind string, body map[string]any) {
	t.Helper()
	c := specChecker{t, specKeys(t), what}
	switch kind {
	case "search":
		c.search(body)
	case "mget", "indices.update_aliases", "delete_pit":
		m := c.allow("body", kind, body)
		if kind == "indices.update_aliases" {
			for _, a := range asList(m["actions"]) {
				for op, x := range c.allow("actions[]", "AliasAction", a) {
					c.allow("actions[]."+op, map[string]string{"add": "AddAction", "remove": "RemoveAction"}[op], x)
				}
			}
		}
	case "indices.create":
		c.createIndex(body)
	case "settings":
		for k, v := range body {
			if k != "index" {
				c.fail("body", "%q: settings are sent under \"index\"", k)
			}
			c.allow("index", "IndexSettings", v)
		}
	case "bulk action":
		for op, meta := range c.allow("action", "BulkOperationContainer", body) {
			c.allow(op, map[string]string{"index": "BulkIndexOperation", "delete": "BulkDeleteOperation"}[op], meta)
		}
	default:
		t.Errorf("%s: no schema check for a %s body", what, kind)
	}
}

func (c specChecker) search(body map[string]any) {
	c.t.Helper()
	m := c.allow("body", "search", body)
	if q, ok := m["query"]; ok {
		c.query("query", q)
	}
	if q, ok := m["post_filter"]; ok {
		c.query("post_filter", q)
	}
	if a, ok := m["aggs"]; ok {
		c.aggs("aggs", a)
	}
	if p, ok := m["pit"]; ok {
		c.allow("pit", "PointInTimeReference", p)
	}
	for i, s := range asList(m["sort"]) {
		path := fmt.Sprintf("sort[%d]", i)
		if _, ok := s.(string); ok {
			continue
		}
		so, _ := s.(map[string]any)
		if len(so) != 1 {
			c.fail(path, "a sort holds one field, got %v", s)
		}
		for f, spec := range so {
			if f == "_score" {
				c.allow(path+"._score", "ScoreSort", spec)
			} else {
				c.allow(path+"."+f, "FieldSort", spec)
			}
		}
	}
}

// leaf checks {"field": {params}} of a leaf query.
func (c specChecker) leaf(path, schema string, v any) {
	c.t.Helper()
	m, _ := v.(map[string]any)
	if len(m) != 1 {
		c.fail(path, "a %s names one field, got %v", schema, v)
	}
	for f, params := range m {
		c.allow(path+"."+f, schema, params)
	}
}

func (c specChecker) query(path string, v any) {
	c.t.Helper()
	m := c.allow(path, "QueryContainer", v)
	if len(m) != 1 {
		c.fail(path, "a query container holds one query, got %d", len(m))
	}
	for kind, q := range m {
		p := path + "." + kind
		switch kind {
		case "bool":
			b := c.allow(p, "BoolQuery", q)
			for _, k := range []string{"must", "should", "filter", "must_not"} {
				for i, sub := range asList(b[k]) {
					c.query(fmt.Sprintf("%s.%s[%d]", p, k, i), sub)
				}
			}
		case "term":
			c.leaf(p, "TermQuery", q)
		case "prefix":
			c.leaf(p, "PrefixQuery", q)
		case "match_phrase":
			c.leaf(p, "MatchPhraseQuery", q)
		case "range":
			c.leaf(p, "DateRangeQuery", q)
		case "terms":
			tq, _ := q.(map[string]any)
			var fields []string
			for f := range tq {
				if !slices.Contains(c.keys["TermsQuery"], f) {
					fields = append(fields, f)
				}
			}
			if len(fields) != 1 {
				c.fail(p, "terms names one field, got %v", fields)
			}
		case "match_all":
			c.allow(p, "MatchAllQuery", q)
		case "match_none":
			c.allow(p, "MatchNoneQuery", q)
		default:
			c.fail(p, "no check for query %s", kind)
		}
	}
}

func (c specChecker) aggs(path string, v any) {
	c.t.Helper()
	m, _ := v.(map[string]any)
	for name, a := range m {
		p := path + "." + name
		for kind, body := range c.allow(p, "AggregationContainer", a) {
			switch kind {
			case "aggs", "aggregations":
				c.aggs(p+"."+kind, body)
			case "filter":
				c.query(p+".filter", body)
			case "filters":
				f := c.allow(p+".filters", "FiltersAggregation", body)
				fs, _ := f["filters"].(map[string]any)
				for k, q := range fs {
					c.query(p+".filters."+k, q)
				}
			case "terms":
				c.allow(p+".terms", "TermsAggregation", body)
			case "date_histogram":
				c.allow(p+".date_histogram", "DateHistogramAggregation", body)
			default:
				c.fail(p, "no check for aggregation %s", kind)
			}
		}
	}
}

func (c specChecker) createIndex(body map[string]any) {
	c.t.Helper()
	m := c.allow("body", "indices.create", body)
	settings, _ := m["settings"].(map[string]any)
	s := c.allow("settings.index", "IndexSettings", settings["index"])
	an := c.allow("settings.index.analysis", "IndexSettingsAnalysis", s["analysis"])
	for name, def := range asMap(an["tokenizer"]) {
		c.allow("tokenizer."+name, "WhitespaceTokenizer", def)
	}
	for name, def := range asMap(an["filter"]) {
		c.allow("filter."+name, "StopTokenFilter", def)
	}
	for name, def := range asMap(an["analyzer"]) {
		c.allow("analyzer."+name, "CustomAnalyzer", def)
	}
	mp := c.allow("mappings", "TypeMapping", m["mappings"])
	c.allow("mappings._source", "SourceField", mp["_source"])
	for f, def := range asMap(mp["properties"]) {
		d, _ := def.(map[string]any)
		schema := map[any]string{"text": "TextProperty", "keyword": "KeywordProperty", "date": "DateProperty", "object": "ObjectProperty"}[d["type"]]
		if schema == "" {
			c.fail("properties."+f, "type %v", d["type"])
			continue
		}
		c.allow("properties."+f, schema, d, "type")
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
