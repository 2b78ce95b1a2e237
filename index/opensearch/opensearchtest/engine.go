// Package opensearchtest is a stand-in for an OpenSearch cluster in tests
// where none can run: Engine, an HTTP server that interprets the subset of
// the REST API and query DSL index/opensearch sends. It lives outside the
// backend's _test files so that tests of the commands and the server can
// point tracuu at it over HTTP, as they would at a cluster.
package opensearchtest

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Engine is a stand-in for a cluster in tests where none can run: an
// HTTP server that interprets the subset of the REST API and query DSL
// this backend sends (bool, term, terms, prefix, match_phrase, range,
// match_all; filter, filters, terms and date_histogram aggregations;
// sorts with missing values, search_after, post_filter, points in time;
// _bulk, _mget, _doc, aliases) with a plain BM25. It is ours, so it checks
// the backend's logic against our reading of the API, not against
// OpenSearch: recorded API examples and golden bodies cover the wire
// format, a live cluster (TRACUU_OPENSEARCH_URL) the engine itself. It
// refuses what it does not know loudly, so an unexpected request fails a
// test instead of passing by accident. Refresh is not modelled: writes are
// visible at once.
type Engine struct {
	t       testing.TB
	mu      sync.Mutex
	indexes map[string]*toyIndex
	pits    map[string]*toyIndex // frozen copies
	seq     int
	// before, when set, may answer a request instead of the engine (fault
	// injection); it sees the body already read.
	before func(r *http.Request, body []byte) (status int, answer string, ok bool)
	log    []Request
	srv    *httptest.Server
}

// Request is one request the engine received.
type Request struct {
	Method, Path, Query string
	Body                []byte
}

type toyIndex struct {
	name     string
	props    map[string]obj
	mappings obj
	settings obj
	excludes []string
	aliases  map[string]bool
	docs     map[string]*toyDoc
	order    []string // ids in insertion order (_doc)
	analyzer map[string][]string
}

type toyDoc struct {
	id     string
	seq    int
	source obj
	text   map[string][]toyTok
	kw     map[string][]string
	date   map[string]int64
}

type toyTok struct {
	term string
	pos  int
}

// New starts an engine, stopped when the test ends.
func New(t testing.TB) *Engine {
	e := &Engine{t: t, indexes: map[string]*toyIndex{}, pits: map[string]*toyIndex{}}
	e.srv = httptest.NewServer(e)
	t.Cleanup(e.srv.Close)
	return e
}

// URL is the engine's base URL, as a cluster's would be configured.
func (e *Engine) URL() string { return e.srv.URL }

// SetBefore makes fn see every request first and, when it says ok, answer
// it with status and the JSON answer instead of the engine (fault
// injection); nil removes it.
func (e *Engine) SetBefore(fn func(r *http.Request, body []byte) (status int, answer string, ok bool)) {
	e.mu.Lock()
	e.before = fn
	e.mu.Unlock()
}

// Log returns the requests logged since the last call to Requests, and
// keeps them.
func (e *Engine) Log() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.log)
}

// OpenPITs is the number of points in time opened and not yet closed.
func (e *Engine) OpenPITs() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.pits)
}

// Docs is the number of documents behind name (an index or an alias of
// one), or -1 when there is none.
func (e *Engine) Docs(name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	ix, err := e.resolve(name, false)
	if err != nil {
		return -1
	}
	return len(ix.docs)
}

// obj and arr are JSON objects and arrays, as index/opensearch names them.
type (
	obj = map[string]any
	arr = []any
)

type toyErr struct {
	status int
	typ    string
	reason string
}

func (e *toyErr) Error() string { return e.typ + ": " + e.reason }

func bad(typ, format string, args ...any) *toyErr {
	return &toyErr{400, typ, fmt.Sprintf(format, args...)}
}

func notFound(typ, format string, args ...any) *toyErr {
	return &toyErr{404, typ, fmt.Sprintf(format, args...)}
}

func (e *Engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.log = append(e.log, Request{r.Method, r.URL.Path, r.URL.RawQuery, body})
	before := e.before
	e.mu.Unlock()
	if before != nil {
		if status, answer, ok := before(r, body); ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, answer)
			return
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	status, out, err := e.route(r, body)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		te, ok := err.(*toyErr)
		if !ok {
			te = &toyErr{500, "toy_exception", err.Error()}
		}
		w.WriteHeader(te.status)
		json.NewEncoder(w).Encode(obj{"error": obj{"type": te.typ, "reason": te.reason, "root_cause": arr{obj{"type": te.typ, "reason": te.reason}}}, "status": te.status})
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead && out != nil {
		json.NewEncoder(w).Encode(out)
	}
}

func (e *Engine) route(r *http.Request, body []byte) (int, any, error) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, p := range parts {
		parts[i], _ = url.PathUnescape(p)
	}
	m := r.Method
	q := r.URL.Query()
	switch {
	case r.URL.Path == "/" && m == http.MethodGet:
		return 200, obj{"name": "toy-node", "cluster_name": "toy", "version": obj{"distribution": "opensearch", "number": "2.19.0"}, "tagline": "The OpenSearch Project: https://opensearch.org/"}, nil
	case len(parts) == 2 && parts[0] == "_alias" && m == http.MethodGet:
		out := obj{}
		for name, ix := range e.indexes {
			if ix.aliases[parts[1]] {
				out[name] = obj{"aliases": obj{parts[1]: obj{}}}
			}
		}
		if len(out) == 0 {
			return 404, obj{"error": fmt.Sprintf("alias [%s] missing", parts[1]), "status": 404}, nil
		}
		return 200, out, nil
	case len(parts) == 2 && parts[1] == "_alias" && m == http.MethodGet:
		out := obj{}
		for name, ix := range e.indexes {
			if ok, _ := pathMatch(parts[0], name); ok {
				al := obj{}
				for a := range ix.aliases {
					al[a] = obj{}
				}
				out[name] = obj{"aliases": al}
			}
		}
		return 200, out, nil
	case r.URL.Path == "/_aliases" && m == http.MethodPost:
		return e.updateAliases(body)
	case len(parts) == 3 && parts[0] == "_cluster" && parts[1] == "health":
		if _, err := e.resolve(parts[2], false); err != nil {
			return 0, nil, err
		}
		return 200, obj{"status": "green", "timed_out": false}, nil
	case r.URL.Path == "/_search" && m == http.MethodPost:
		return e.search(nil, body)
	case r.URL.Path == "/_search/point_in_time" && m == http.MethodDelete:
		var req struct {
			PitID []string `json:"pit_id"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return 0, nil, bad("parse_exception", "%v", err)
		}
		var pits arr
		for _, id := range req.PitID {
			_, ok := e.pits[id]
			delete(e.pits, id)
			pits = append(pits, obj{"pit_id": id, "successful": ok})
		}
		return 200, obj{"pits": pits}, nil
	case len(parts) == 1 && m == http.MethodHead:
		if _, err := e.resolve(parts[0], false); err != nil {
			return 404, nil, nil
		}
		return 200, nil, nil
	case len(parts) == 1 && m == http.MethodPut:
		return e.createIndex(parts[0], body)
	case len(parts) == 1 && m == http.MethodDelete:
		if _, ok := e.indexes[parts[0]]; !ok {
			return 0, nil, notFound("index_not_found_exception", "no such index [%s]", parts[0])
		}
		delete(e.indexes, parts[0])
		return 200, obj{"acknowledged": true}, nil
	}
	if len(parts) < 2 {
		return 0, nil, bad("toy_unsupported", "%s %s", m, r.URL.Path)
	}
	write := m == http.MethodPost && parts[1] == "_bulk"
	ix, err := e.resolve(parts[0], write)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case parts[1] == "_mapping" && m == http.MethodGet:
		return 200, obj{ix.name: obj{"mappings": ix.mappings}}, nil
	case parts[1] == "_settings" && m == http.MethodPut:
		var s struct {
			Index obj `json:"index"`
		}
		if err := json.Unmarshal(body, &s); err != nil || s.Index == nil {
			return 0, nil, bad("parse_exception", "settings body %s", body)
		}
		for k, v := range s.Index {
			if v == nil {
				delete(ix.settings, k)
			} else {
				ix.settings[k] = v
			}
		}
		return 200, obj{"acknowledged": true}, nil
	case parts[1] == "_refresh" && m == http.MethodPost:
		return 200, obj{"_shards": obj{"total": 1, "successful": 1, "failed": 0}}, nil
	case parts[1] == "_bulk" && m == http.MethodPost:
		if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
			return 0, nil, bad("illegal_argument_exception", "bulk content type %q", ct)
		}
		if rf := q.Get("refresh"); rf != "" && rf != "wait_for" && rf != "true" && rf != "false" {
			return 0, nil, bad("illegal_argument_exception", "refresh %q", rf)
		}
		return e.bulk(ix, body)
	case parts[1] == "_doc" && len(parts) == 3 && m == http.MethodGet:
		d, ok := ix.docs[parts[2]]
		if !ok {
			return 404, obj{"_index": ix.name, "_id": parts[2], "found": false}, nil
		}
		return 200, obj{"_index": ix.name, "_id": d.id, "found": true, "_source": filterSource(d.source, splitList(q.Get("_source_includes")))}, nil
	case parts[1] == "_mget" && m == http.MethodPost:
		var req struct {
			IDs []string `json:"ids"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			return 0, nil, bad("parse_exception", "%v", err)
		}
		var docs arr
		for _, id := range req.IDs {
			d, ok := ix.docs[id]
			if !ok {
				docs = append(docs, obj{"_index": ix.name, "_id": id, "found": false})
				continue
			}
			docs = append(docs, obj{"_index": ix.name, "_id": id, "found": true, "_source": filterSource(d.source, splitList(q.Get("_source_includes")))})
		}
		return 200, obj{"docs": docs}, nil
	case parts[1] == "_count" && m == http.MethodGet:
		return 200, obj{"count": len(ix.docs)}, nil
	case parts[1] == "_stats" && m == http.MethodGet:
		size := 0
		for _, d := range ix.docs {
			b, _ := json.Marshal(d.source)
			size += len(b)
		}
		return 200, obj{"_all": obj{"primaries": obj{"store": obj{"size_in_bytes": size}}}, "indices": obj{ix.name: obj{}}}, nil
	case parts[1] == "_search" && len(parts) == 2 && m == http.MethodPost:
		return e.search(ix, body)
	case parts[1] == "_search" && len(parts) == 3 && parts[2] == "point_in_time" && m == http.MethodPost:
		if q.Get("keep_alive") == "" {
			return 0, nil, bad("illegal_argument_exception", "keep_alive is required")
		}
		e.seq++
		id := fmt.Sprintf("pit-%d", e.seq)
		e.pits[id] = ix.frozen()
		return 200, obj{"pit_id": id, "creation_time": 1, "_shards": obj{"total": 1, "successful": 1, "skipped": 0, "failed": 0}}, nil
	}
	return 0, nil, bad("toy_unsupported", "%s %s", m, r.URL.Path)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// pathMatch matches an index pattern with a trailing "*".
func pathMatch(pattern, name string) (bool, error) {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(name, p), nil
	}
	return pattern == name, nil
}

// resolve finds the index a name or alias stands for; writes need an
// alias of exactly one index.
func (e *Engine) resolve(name string, write bool) (*toyIndex, error) {
	if ix, ok := e.indexes[name]; ok {
		return ix, nil
	}
	var found []*toyIndex
	for _, ix := range e.indexes {
		if ix.aliases[name] {
			found = append(found, ix)
		}
	}
	switch {
	case len(found) == 0:
		return nil, notFound("index_not_found_exception", "no such index [%s]", name)
	case len(found) > 1:
		return nil, bad("illegal_argument_exception", "alias [%s] has more than one index associated with it", name)
	}
	return found[0], nil
}

func (ix *toyIndex) frozen() *toyIndex {
	c := *ix
	c.docs = make(map[string]*toyDoc, len(ix.docs))
	for k, v := range ix.docs {
		c.docs[k] = v
	}
	c.order = slices.Clone(ix.order)
	return &c
}

func (e *Engine) createIndex(name string, body []byte) (int, any, error) {
	if _, ok := e.indexes[name]; ok {
		return 0, nil, bad("resource_already_exists_exception", "index [%s] already exists", name)
	}
	if name != strings.ToLower(name) {
		return 0, nil, bad("invalid_index_name_exception", "must be lowercase")
	}
	var req struct {
		Settings struct {
			Index obj `json:"index"`
		} `json:"settings"`
		Mappings obj            `json:"mappings"`
		Aliases  map[string]obj `json:"aliases"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return 0, nil, bad("parse_exception", "create index body: %v", err)
	}
	ix := &toyIndex{name: name, props: map[string]obj{}, mappings: req.Mappings, settings: req.Settings.Index, aliases: map[string]bool{}, docs: map[string]*toyDoc{}, analyzer: map[string][]string{}}
	if ix.settings == nil {
		ix.settings = obj{}
	}
	if a, ok := ix.settings["analysis"].(map[string]any); ok {
		analyzers, _ := a["analyzer"].(map[string]any)
		filters, _ := a["filter"].(map[string]any)
		for aname, def := range analyzers {
			d := def.(map[string]any)
			var stop []string
			for _, f := range asList(d["filter"]) {
				fd, ok := filters[f.(string)].(map[string]any)
				if !ok || fd["type"] != "stop" {
					return 0, nil, bad("illegal_argument_exception", "analyzer %s: unknown filter %v", aname, f)
				}
				for _, s := range asList(fd["stopwords"]) {
					stop = append(stop, s.(string))
				}
			}
			ix.analyzer[aname] = stop
		}
	}
	if req.Mappings["dynamic"] != "strict" {
		return 0, nil, bad("toy_unsupported", "the toy engine wants dynamic: strict")
	}
	if src, ok := req.Mappings["_source"].(map[string]any); ok {
		for _, x := range asList(src["excludes"]) {
			ix.excludes = append(ix.excludes, x.(string))
		}
	}
	props, _ := req.Mappings["properties"].(map[string]any)
	for f, def := range props {
		d := def.(map[string]any)
		switch d["type"] {
		case "text":
			if _, ok := ix.analyzer[d["analyzer"].(string)]; !ok {
				return 0, nil, bad("mapper_parsing_exception", "analyzer [%v] has not been configured in mappings", d["analyzer"])
			}
		case "keyword", "date", "object":
		default:
			return 0, nil, bad("mapper_parsing_exception", "no handler for type [%v] declared on field [%s]", d["type"], f)
		}
		ix.props[f] = d
	}
	for a := range req.Aliases {
		ix.aliases[a] = true
	}
	e.indexes[name] = ix
	return 200, obj{"acknowledged": true, "shards_acknowledged": true, "index": name}, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func (e *Engine) updateAliases(body []byte) (int, any, error) {
	var req struct {
		Actions []map[string]struct {
			Index string `json:"index"`
			Alias string `json:"alias"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, bad("parse_exception", "%v", err)
	}
	// Check everything first: the real engine applies all or nothing.
	for _, a := range req.Actions {
		for op, x := range a {
			ix, ok := e.indexes[x.Index]
			if !ok {
				return 0, nil, notFound("index_not_found_exception", "no such index [%s]", x.Index)
			}
			if op == "remove" && !ix.aliases[x.Alias] {
				return 0, nil, notFound("aliases_not_found_exception", "aliases [%s] missing", x.Alias)
			}
			if op != "add" && op != "remove" {
				return 0, nil, bad("toy_unsupported", "alias action %s", op)
			}
		}
	}
	for _, a := range req.Actions {
		for op, x := range a {
			e.indexes[x.Index].aliases[x.Alias] = op == "add"
			if op == "remove" {
				delete(e.indexes[x.Index].aliases, x.Alias)
			}
		}
	}
	return 200, obj{"acknowledged": true}, nil
}

func (e *Engine) bulk(ix *toyIndex, body []byte) (int, any, error) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	var items arr
	errs := false
	for sc.Scan() {
		var action map[string]struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &action); err != nil || len(action) != 1 {
			return 0, nil, bad("illegal_argument_exception", "malformed action line %q", sc.Text())
		}
		for op, meta := range action {
			switch op {
			case "index":
				if !sc.Scan() {
					return 0, nil, bad("illegal_argument_exception", "index action without a source")
				}
				status, err := ix.put(meta.ID, sc.Bytes(), e)
				item := obj{"_index": ix.name, "_id": meta.ID, "status": status}
				if err != nil {
					errs = true
					item["error"] = obj{"type": err.typ, "reason": err.reason}
				} else {
					item["result"] = map[int]string{200: "updated", 201: "created"}[status]
				}
				items = append(items, obj{"index": item})
			case "delete":
				_, ok := ix.docs[meta.ID]
				delete(ix.docs, meta.ID)
				status, result := 200, "deleted"
				if !ok {
					status, result = 404, "not_found"
				}
				items = append(items, obj{"delete": obj{"_index": ix.name, "_id": meta.ID, "status": status, "result": result}})
			default:
				return 0, nil, bad("toy_unsupported", "bulk action %s", op)
			}
		}
	}
	return 200, obj{"took": 1, "errors": errs, "items": items}, nil
}

// put indexes one document under the index's strict mapping.
func (ix *toyIndex) put(id string, src []byte, e *Engine) (int, *toyErr) {
	var source obj
	if err := json.Unmarshal(src, &source); err != nil {
		return 400, bad("mapper_parsing_exception", "failed to parse: %v", err)
	}
	e.seq++
	d := &toyDoc{id: id, seq: e.seq, text: map[string][]toyTok{}, kw: map[string][]string{}, date: map[string]int64{}}
	for f, v := range source {
		p, ok := ix.props[f]
		if !ok {
			return 400, bad("strict_dynamic_mapping_exception", "mapping set to strict, dynamic introduction of [%s] within [_doc] is not allowed", f)
		}
		switch p["type"] {
		case "text":
			s, ok := v.(string)
			if !ok {
				return 400, bad("mapper_parsing_exception", "field [%s] is not a string", f)
			}
			d.text[f] = toyAnalyze(s, ix.analyzer[p["analyzer"].(string)])
		case "keyword":
			if p["index"] == false {
				continue
			}
			vals := []any{v}
			if l, ok := v.([]any); ok {
				vals = l
			}
			for _, x := range vals {
				s, ok := x.(string)
				if !ok {
					return 400, bad("mapper_parsing_exception", "field [%s] value %v", f, x)
				}
				if lim, ok := p["ignore_above"].(float64); !ok || len([]rune(s)) <= int(lim) {
					d.kw[f] = append(d.kw[f], s)
				}
			}
		case "date":
			s, _ := v.(string)
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return 400, bad("mapper_parsing_exception", "failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]", s)
			}
			d.date[f] = t.UnixMilli()
		case "object":
			if p["enabled"] != false {
				return 400, bad("toy_unsupported", "enabled objects")
			}
		}
	}
	for _, x := range ix.excludes {
		delete(source, x)
	}
	d.source = source
	status := 201
	if _, ok := ix.docs[id]; ok {
		status = 200
	} else {
		ix.order = append(ix.order, id)
	}
	ix.docs[id] = d
	return status, nil
}

// toyAnalyze is a whitespace tokenizer followed by a stop filter that
// keeps the positions of the words it removes.
func toyAnalyze(s string, stop []string) []toyTok {
	var out []toyTok
	for i, w := range strings.Fields(s) {
		if !slices.Contains(stop, w) {
			out = append(out, toyTok{w, i})
		}
	}
	return out
}

func filterSource(src obj, includes []string) obj {
	if len(includes) == 0 {
		return src
	}
	out := obj{}
	for _, inc := range includes {
		head, rest, nested := strings.Cut(inc, ".")
		v, ok := src[head]
		if !ok {
			continue
		}
		if !nested {
			out[head] = v
			continue
		}
		sub, ok := v.(map[string]any)
		if !ok {
			continue
		}
		got := filterSource(sub, []string{rest})
		if prev, ok := out[head].(obj); ok {
			for k, v := range got {
				prev[k] = v
			}
		} else if len(got) > 0 {
			out[head] = got
		}
	}
	return out
}

// --- search ---

type toyStats struct {
	n      int
	df     map[string]map[string]int // field → term → docs
	avgLen map[string]float64
	docs   map[string]int // docs with the field
}

func (ix *toyIndex) stats() *toyStats {
	st := &toyStats{n: len(ix.docs), df: map[string]map[string]int{}, avgLen: map[string]float64{}, docs: map[string]int{}}
	sum := map[string]int{}
	for _, d := range ix.docs {
		for f, toks := range d.text {
			if st.df[f] == nil {
				st.df[f] = map[string]int{}
			}
			seen := map[string]bool{}
			for _, t := range toks {
				if !seen[t.term] {
					seen[t.term] = true
					st.df[f][t.term]++
				}
			}
			sum[f] += len(toks)
			st.docs[f]++
		}
		for f, vals := range d.kw {
			if st.df[f] == nil {
				st.df[f] = map[string]int{}
			}
			for _, v := range vals {
				st.df[f][v]++
			}
		}
	}
	for f, s := range sum {
		st.avgLen[f] = float64(s) / float64(st.docs[f])
	}
	return st
}

func (st *toyStats) idf(field, term string) float64 {
	df := float64(st.df[field][term])
	return math.Log(1 + (float64(st.n)-df+0.5)/(df+0.5))
}

// bm25 is Lucene's BM25 (k1 1.2, b 0.75) without the constant (k1+1).
func (st *toyStats) bm25(field string, freq float64, length int) float64 {
	const k1, b = 1.2, 0.75
	avg := st.avgLen[field]
	if avg == 0 {
		return freq / (freq + k1)
	}
	return freq / (freq + k1*(1-b+b*float64(length)/avg))
}

type toyEval struct {
	ix *toyIndex
	st *toyStats
}

func num(v any) (float64, error) {
	switch n := v.(type) {
	case float64:
		return n, nil
	case json.Number:
		return n.Float64()
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

// fieldBody reads {"field": body} of a leaf query.
func fieldBody(q any) (string, map[string]any, error) {
	m, ok := q.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, bad("parsing_exception", "leaf query %v", q)
	}
	for f, b := range m {
		body, ok := b.(map[string]any)
		if !ok {
			return "", nil, bad("toy_unsupported", "short form of a leaf query on %s", f)
		}
		return f, body, nil
	}
	return "", nil, nil
}

func boostOf(body map[string]any) (float64, error) {
	b, ok := body["boost"]
	if !ok {
		return 1, nil
	}
	f, err := num(b)
	if err != nil || f < 0 {
		return 0, bad("parsing_exception", "bad boost %v", b)
	}
	return f, nil
}

func (ev toyEval) match(q map[string]any, d *toyDoc) (bool, float64, error) {
	if len(q) != 1 {
		return false, 0, bad("parsing_exception", "query with %d kinds: %v", len(q), q)
	}
	for kind, v := range q {
		switch kind {
		case "match_all":
			b, err := boostOf(v.(map[string]any))
			return true, b, err
		case "match_none":
			return false, 0, nil
		case "term":
			f, body, err := fieldBody(v)
			if err != nil {
				return false, 0, err
			}
			boost, err := boostOf(body)
			if err != nil {
				return false, 0, err
			}
			val, ok := body["value"].(string)
			if !ok {
				return false, 0, bad("parsing_exception", "term value %v", body["value"])
			}
			return ev.term(f, val, boost, d)
		case "terms":
			m := v.(map[string]any)
			if len(m) != 1 {
				return false, 0, bad("parsing_exception", "terms on %d fields", len(m))
			}
			for f, vals := range m {
				for _, x := range asList(vals) {
					if ok, _, err := ev.term(f, x.(string), 1, d); err != nil || ok {
						return ok, 1, err
					}
				}
			}
			return false, 0, nil
		case "prefix":
			f, body, err := fieldBody(v)
			if err != nil {
				return false, 0, err
			}
			boost, err := boostOf(body)
			if err != nil {
				return false, 0, err
			}
			pre, _ := body["value"].(string)
			for _, t := range d.text[f] {
				if strings.HasPrefix(t.term, pre) {
					return true, boost, nil
				}
			}
			return false, 0, nil
		case "match_phrase":
			f, body, err := fieldBody(v)
			if err != nil {
				return false, 0, err
			}
			boost, err := boostOf(body)
			if err != nil {
				return false, 0, err
			}
			p, ok := ev.ix.props[f]
			if !ok || p["type"] != "text" || p["index_options"] != "positions" {
				return false, 0, bad("illegal_state_exception", "field:[%s] was indexed without position data; cannot run PhraseQuery", f)
			}
			text, _ := body["query"].(string)
			words := toyAnalyze(text, ev.ix.analyzer[p["analyzer"].(string)])
			return ev.phrase(f, words, boost, d)
		case "range":
			f, body, err := fieldBody(v)
			if err != nil {
				return false, 0, err
			}
			t, ok := d.date[f]
			if !ok {
				return false, 0, nil
			}
			for op, bound := range body {
				bt, err := time.Parse(time.RFC3339Nano, bound.(string))
				if err != nil {
					return false, 0, bad("parse_exception", "range bound %v", bound)
				}
				b := bt.UnixMilli()
				switch op {
				case "gte":
					ok = ok && t >= b
				case "lt":
					ok = ok && t < b
				default:
					return false, 0, bad("toy_unsupported", "range %s", op)
				}
			}
			return ok, 1, nil
		case "bool":
			return ev.boolean(v.(map[string]any), d)
		default:
			return false, 0, bad("toy_unsupported", "query %s", kind)
		}
	}
	return false, 0, nil
}

func (ev toyEval) term(f, val string, boost float64, d *toyDoc) (bool, float64, error) {
	p, ok := ev.ix.props[f]
	if !ok {
		return false, 0, nil // unmapped fields match nothing
	}
	switch p["type"] {
	case "keyword":
		if slices.Contains(d.kw[f], val) {
			return true, boost * ev.st.idf(f, val) * ev.st.bm25(f, 1, 1), nil
		}
		return false, 0, nil
	case "text":
		freq := 0
		for _, t := range d.text[f] {
			if t.term == val {
				freq++
			}
		}
		if freq == 0 {
			return false, 0, nil
		}
		return true, boost * ev.st.idf(f, val) * ev.st.bm25(f, float64(freq), len(d.text[f])), nil
	}
	return false, 0, bad("toy_unsupported", "term on a %v field", p["type"])
}

func (ev toyEval) phrase(f string, words []toyTok, boost float64, d *toyDoc) (bool, float64, error) {
	if len(words) == 0 {
		return false, 0, nil
	}
	at := map[string][]int{}
	for _, t := range d.text[f] {
		at[t.term] = append(at[t.term], t.pos)
	}
	freq := 0
	for _, start := range at[words[0].term] {
		ok := true
		for _, w := range words[1:] {
			if !slices.Contains(at[w.term], start+w.pos-words[0].pos) {
				ok = false
				break
			}
		}
		if ok {
			freq++
		}
	}
	if freq == 0 {
		return false, 0, nil
	}
	idf := 0.0
	for _, w := range words {
		idf += ev.st.idf(f, w.term)
	}
	return true, boost * idf * ev.st.bm25(f, float64(freq), len(d.text[f])), nil
}

func (ev toyEval) boolean(b map[string]any, d *toyDoc) (bool, float64, error) {
	score := 0.0
	for k := range b {
		switch k {
		case "must", "should", "filter", "must_not", "minimum_should_match", "boost":
		default:
			return false, 0, bad("parsing_exception", "unknown bool key %s", k)
		}
	}
	clauses := func(k string) ([]map[string]any, error) {
		var out []map[string]any
		for _, c := range asList(b[k]) {
			m, ok := c.(map[string]any)
			if !ok {
				return nil, bad("parsing_exception", "bool %s clause %v", k, c)
			}
			out = append(out, m)
		}
		if _, ok := b[k]; ok && out == nil {
			return nil, bad("toy_unsupported", "bool %s must be a list", k)
		}
		return out, nil
	}
	must, err := clauses("must")
	if err != nil {
		return false, 0, err
	}
	for _, c := range must {
		ok, s, err := ev.match(c, d)
		if err != nil || !ok {
			return false, 0, err
		}
		score += s
	}
	filter, err := clauses("filter")
	if err != nil {
		return false, 0, err
	}
	for _, c := range filter {
		ok, _, err := ev.match(c, d)
		if err != nil || !ok {
			return false, 0, err
		}
	}
	not, err := clauses("must_not")
	if err != nil {
		return false, 0, err
	}
	for _, c := range not {
		ok, _, err := ev.match(c, d)
		if err != nil || ok {
			return false, 0, err
		}
	}
	should, err := clauses("should")
	if err != nil {
		return false, 0, err
	}
	msm := 0
	if len(should) > 0 && len(must) == 0 && len(filter) == 0 {
		msm = 1
	}
	if v, ok := b["minimum_should_match"]; ok {
		f, err := num(v)
		if err != nil {
			return false, 0, bad("toy_unsupported", "minimum_should_match %v", v)
		}
		msm = int(f)
	}
	matched := 0
	for _, c := range should {
		ok, s, err := ev.match(c, d)
		if err != nil {
			return false, 0, err
		}
		if ok {
			matched++
			score += s
		}
	}
	if matched < msm {
		return false, 0, nil
	}
	boost, err := boostOf(b)
	return true, score * boost, err
}

type toyHit struct {
	d     *toyDoc
	score float64
	sort  []any
}

type toySortKey struct {
	field   string
	desc    bool
	missing string
}

func parseSort(v any) ([]toySortKey, error) {
	var out []toySortKey
	for _, s := range asList(v) {
		switch s := s.(type) {
		case string:
			out = append(out, toySortKey{field: s, desc: s == "_score"})
		case map[string]any:
			for f, spec := range s {
				m, ok := spec.(map[string]any)
				if !ok {
					return nil, bad("toy_unsupported", "short sort form")
				}
				k := toySortKey{field: f, missing: "_last"}
				switch m["order"] {
				case "desc":
					k.desc = true
				case "asc":
				default:
					return nil, bad("parsing_exception", "sort order %v", m["order"])
				}
				if ms, ok := m["missing"].(string); ok {
					k.missing = ms
				}
				out = append(out, k)
			}
		}
	}
	return out, nil
}

func (ev toyEval) sortValues(keys []toySortKey, h *toyHit) ([]any, error) {
	var out []any
	for _, k := range keys {
		switch {
		case k.field == "_score":
			out = append(out, h.score)
		case k.field == "_doc":
			out = append(out, int64(h.d.seq))
		case ev.ix.props[k.field]["type"] == "keyword":
			v := h.d.kw[k.field]
			if len(v) == 0 {
				return nil, bad("toy_unsupported", "missing keyword sort value")
			}
			out = append(out, v[0])
		case ev.ix.props[k.field]["type"] == "date":
			t, ok := h.d.date[k.field]
			if !ok {
				// Missing values sort as the extreme the order puts where asked.
				last := k.missing == "_last"
				if last != k.desc {
					t = math.MaxInt64
				} else {
					t = math.MinInt64
				}
			}
			out = append(out, t)
		default:
			return nil, bad("illegal_argument_exception", "no mapping found for [%s] in order to sort on", k.field)
		}
	}
	return out, nil
}

func compareValue(a, b any) int {
	switch a := a.(type) {
	case float64:
		f, _ := num(b)
		return cmp.Compare(a, f)
	case int64:
		switch b := b.(type) {
		case int64:
			return cmp.Compare(a, b)
		case json.Number:
			n, err := b.Int64()
			if err != nil {
				f, _ := b.Float64()
				return cmp.Compare(float64(a), f)
			}
			return cmp.Compare(a, n)
		}
	case string:
		s, _ := b.(string)
		return strings.Compare(a, s)
	}
	return 0
}

func compareKeys(keys []toySortKey, a, b []any) int {
	for i, k := range keys {
		c := compareValue(a[i], b[i])
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func (e *Engine) search(ix *toyIndex, body []byte) (int, any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var req map[string]any
	if err := dec.Decode(&req); err != nil {
		return 0, nil, bad("parse_exception", "%v", err)
	}
	for k := range req {
		switch k {
		case "query", "size", "from", "sort", "_source", "track_total_hits", "track_scores", "search_after", "post_filter", "aggs", "pit":
		default:
			return 0, nil, bad("parsing_exception", "unknown key [%s] in the search body", k)
		}
	}
	var pitID string
	if p, ok := req["pit"].(map[string]any); ok {
		if ix != nil {
			return 0, nil, bad("action_request_validation_exception", "[indices] cannot be used with point in time")
		}
		pitID, _ = p["id"].(string)
		if ix, ok = e.pits[pitID]; !ok {
			return 0, nil, notFound("search_context_missing_exception", "no search context found for id [%s]", pitID)
		}
	} else if ix == nil {
		return 0, nil, bad("toy_unsupported", "search without an index")
	}
	// Numbers came in as json.Number; normalize query parts to float64.
	req = renumber(req).(map[string]any)
	ev := toyEval{ix: ix, st: ix.stats()}
	query, _ := req["query"].(map[string]any)
	if query == nil {
		query = obj{"match_all": obj{}}
	}
	var matched []*toyHit
	for _, id := range ix.order {
		d, ok := ix.docs[id]
		if !ok || d.id != id {
			continue
		}
		ok, s, err := ev.match(query, d)
		if err != nil {
			return 0, nil, err
		}
		if ok {
			matched = append(matched, &toyHit{d: d, score: s})
		}
	}
	out := obj{"took": 1, "timed_out": false, "_shards": obj{"total": 1, "successful": 1, "skipped": 0, "failed": 0}}
	if pitID != "" {
		out["pit_id"] = pitID
	}
	if aggs, ok := req["aggs"].(map[string]any); ok {
		res, err := ev.aggs(aggs, matched)
		if err != nil {
			return 0, nil, err
		}
		out["aggregations"] = res
	}
	hits := matched
	if pf, ok := req["post_filter"].(map[string]any); ok {
		hits = nil
		for _, h := range matched {
			ok, _, err := ev.match(pf, h.d)
			if err != nil {
				return 0, nil, err
			}
			if ok {
				hits = append(hits, h)
			}
		}
	}
	keys := []toySortKey{{field: "_score", desc: true}}
	if s, ok := req["sort"]; ok {
		var err error
		if keys, err = parseSort(s); err != nil {
			return 0, nil, err
		}
	}
	for _, h := range hits {
		v, err := ev.sortValues(keys, h)
		if err != nil {
			return 0, nil, err
		}
		h.sort = v
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if c := compareKeys(keys, hits[i].sort, hits[j].sort); c != 0 {
			return c < 0
		}
		return hits[i].d.seq < hits[j].d.seq
	})
	total := len(hits)
	if sa, ok := req["search_after"]; ok {
		after := asList(sa)
		if len(after) != len(keys) {
			return 0, nil, bad("illegal_argument_exception", "search_after has %d value(s) but sort has %d", len(after), len(keys))
		}
		var rest []*toyHit
		for _, h := range hits {
			if compareKeys(keys, h.sort, after) > 0 {
				rest = append(rest, h)
			}
		}
		hits = rest
	}
	from, size := 0, 10
	if v, ok := req["from"]; ok {
		f, _ := num(v)
		from = int(f)
		if _, ok := req["search_after"]; ok && from > 0 {
			return 0, nil, bad("illegal_argument_exception", "from parameter must be set to 0 when search_after is used")
		}
	}
	if v, ok := req["size"]; ok {
		f, _ := num(v)
		size = int(f)
	}
	if from+size > 10000 {
		return 0, nil, bad("illegal_argument_exception", "Result window is too large, from + size must be less than or equal to: [10000] but was [%d]", from+size)
	}
	hits = hits[min(from, len(hits)):min(from+size, len(hits))]
	var includes []string
	for _, x := range asList(req["_source"]) {
		includes = append(includes, x.(string))
	}
	_, sorted := req["sort"]
	scored := !sorted || slices.ContainsFunc(keys, func(k toySortKey) bool { return k.field == "_score" }) || req["track_scores"] == true
	var outHits arr
	for _, h := range hits {
		oh := obj{"_index": ix.name, "_id": h.d.id, "_source": filterSource(h.d.source, includes)}
		if scored {
			oh["_score"] = h.score
		} else {
			oh["_score"] = nil
		}
		if sorted {
			oh["sort"] = h.sort
		}
		outHits = append(outHits, oh)
	}
	hitsOut := obj{"hits": outHits}
	if req["track_total_hits"] != false {
		hitsOut["total"] = obj{"value": total, "relation": "eq"}
	}
	out["hits"] = hitsOut
	return 200, out, nil
}

// renumber turns json.Number into float64, except in search_after where
// long values must stay exact.
func renumber(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "search_after" {
				continue
			}
			v[k] = renumber(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = renumber(x)
		}
		return v
	case json.Number:
		f, _ := v.Float64()
		return f
	}
	return v
}

func (ev toyEval) aggs(spec map[string]any, hits []*toyHit) (obj, error) {
	out := obj{}
	for name, a := range spec {
		m, ok := a.(map[string]any)
		if !ok {
			return nil, bad("parsing_exception", "aggregation %s", name)
		}
		sub, _ := m["aggs"].(map[string]any)
		var res obj
		var err error
		for kind, body := range m {
			if kind == "aggs" {
				continue
			}
			b, _ := body.(map[string]any)
			switch kind {
			case "filter":
				var in []*toyHit
				for _, h := range hits {
					ok, _, err := ev.match(b, h.d)
					if err != nil {
						return nil, err
					}
					if ok {
						in = append(in, h)
					}
				}
				res = obj{"doc_count": len(in)}
				if sub != nil {
					s, err := ev.aggs(sub, in)
					if err != nil {
						return nil, err
					}
					for k, v := range s {
						res[k] = v
					}
				}
			case "filters":
				fs, _ := b["filters"].(map[string]any)
				buckets := obj{}
				for k, f := range fs {
					n := 0
					for _, h := range hits {
						ok, _, err := ev.match(f.(map[string]any), h.d)
						if err != nil {
							return nil, err
						}
						if ok {
							n++
						}
					}
					buckets[k] = obj{"doc_count": n}
				}
				res = obj{"buckets": buckets}
			case "terms":
				res, err = ev.termsAgg(b, hits)
			case "date_histogram":
				res, err = ev.dateHistogram(b, hits)
			default:
				return nil, bad("toy_unsupported", "aggregation %s", kind)
			}
			if err != nil {
				return nil, err
			}
		}
		out[name] = res
	}
	return out, nil
}

func (ev toyEval) termsAgg(b map[string]any, hits []*toyHit) (obj, error) {
	f, _ := b["field"].(string)
	if ev.ix.props[f]["type"] != "keyword" {
		return nil, bad("illegal_argument_exception", "terms aggregation on %s, not a keyword field", f)
	}
	size := 10
	if v, ok := b["size"]; ok {
		n, _ := num(v)
		size = int(n)
	}
	if o, ok := b["order"]; ok {
		j, _ := json.Marshal(o)
		if string(j) != `[{"_count":"desc"},{"_key":"asc"}]` {
			return nil, bad("toy_unsupported", "terms order %s", j)
		}
	}
	counts := map[string]int{}
	for _, h := range hits {
		for _, v := range h.d.kw[f] {
			counts[v]++
		}
	}
	type kc struct {
		k string
		c int
	}
	var all []kc
	for k, c := range counts {
		all = append(all, kc{k, c})
	}
	slices.SortFunc(all, func(a, b kc) int {
		if a.c != b.c {
			return b.c - a.c
		}
		return strings.Compare(a.k, b.k)
	})
	var buckets arr
	for _, x := range all[:min(size, len(all))] {
		buckets = append(buckets, obj{"key": x.k, "doc_count": x.c})
	}
	return obj{"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": buckets}, nil
}

func (ev toyEval) dateHistogram(b map[string]any, hits []*toyHit) (obj, error) {
	f, _ := b["field"].(string)
	zone, _ := b["time_zone"].(string)
	if zone != "+07:00" {
		return nil, bad("toy_unsupported", "time zone %q", zone)
	}
	loc := time.FixedZone("", 7*3600)
	layouts := map[string]string{"yyyy": "2006", "yyyy-MM": "2006-01", "yyyy-MM-dd": "2006-01-02"}
	layout, ok := layouts[fmt.Sprint(b["format"])]
	if !ok {
		return nil, bad("toy_unsupported", "format %v", b["format"])
	}
	if mdc, _ := num(b["min_doc_count"]); mdc != 1 {
		return nil, bad("toy_unsupported", "min_doc_count %v", b["min_doc_count"])
	}
	counts := map[int64]int{}
	for _, h := range hits {
		ms, ok := h.d.date[f]
		if !ok {
			continue
		}
		t := time.UnixMilli(ms).In(loc)
		var start time.Time
		switch b["calendar_interval"] {
		case "year":
			start = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
		case "month":
			start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		case "day":
			start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		default:
			return nil, bad("toy_unsupported", "interval %v", b["calendar_interval"])
		}
		counts[start.UnixMilli()]++
	}
	var keys []int64
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buckets arr
	for _, k := range keys {
		buckets = append(buckets, obj{"key_as_string": time.UnixMilli(k).In(loc).Format(layout), "key": k, "doc_count": counts[k]})
	}
	return obj{"buckets": buckets}, nil
}

// Requests returns the requests logged since the last call to it.
func (e *Engine) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.log
	e.log = nil
	return out
}

// Count returns how many requests logged since the last call to Requests
// match method and path prefix.
func (e *Engine) Count(method, pathPrefix string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, r := range e.log {
		if r.Method == method && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}
