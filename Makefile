# tracuu: the two commands a new machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/tracuu
# The README's variables choose where make run keeps and serves the index.
INDEX   ?= $(or $(TRACUU_INDEX),./data/index)
ADDR    ?= $(or $(TRACUU_ADDR),:8080)
SAMPLE  := sample
# The shared corpora (vi-news, vi-pages, aeb) that eval and bench read;
# TRACUU_CORPUS (an absolute path) moves them for the tests on real text too.
CORPUS  ?= $(or $(TRACUU_CORPUS),../shared/corpus)

.PHONY: all build run import test vet fmt-check race lint tidy-check clean eval fuzz

all: build

build:
	$(GO) build -o $(BIN) ./cmd/tracuu

# Imports the bundled sample (idempotent: ids come from canonical URLs, so a
# second run replaces and never duplicates), then serves it.
run: build
	$(BIN) import --index $(INDEX) $(SAMPLE)
	$(BIN) serve --index $(INDEX) --addr $(ADDR)

import: build
	$(BIN) import --index $(INDEX) $(SAMPLE)

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

test: fmt-check vet
	$(GO) test -count=1 ./...

# The race detector over the packages that run goroutines: the server and
# its admin jobs, the import pipeline, the index (batches, swaps, cursors)
# and the extractor's pools. Slower than make test (minutes on 2 cores),
# hence the longer timeout.
RACE_PKGS := ./internal/server ./internal/importer ./index/... ./internal/extract
race:
	$(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)

# staticcheck at a pinned version, fetched through the module proxy.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(STATICCHECK) ./...

# Fails, printing the difference, when go mod tidy would change go.mod or
# go.sum.
tidy-check:
	$(GO) mod tidy -diff

clean:
	rm -rf bin data

# Measures search quality and speed on the real news corpus against naive
# Bleve in the same run (minutes at 100k articles); EVAL_FLAGS adds flags,
# e.g. make eval EVAL_FLAGS="--docs 10000 --tune".
EVAL_FLAGS ?=
eval:
	$(GO) run ./cmd/tracuu-eval --corpus $(CORPUS)/vi-news --out eval.json $(EVAL_FLAGS)

# Runs every fuzz target for FUZZTIME each (CI: a short bounded run; locally
# longer, e.g. make fuzz FUZZTIME=10m). go test alone replays the seed corpora.
# FUZZTIME may also be a count of inputs (10000x): Go 1.26's fuzz coordinator
# can fail a time-bounded run with a bare "context deadline exceeded" when a
# worker is still busy as the time runs out (golang/go#75804, fixed in 1.27);
# a count has no deadline to race, so CI uses one.
FUZZTIME ?= 60s
FUZZ_TARGETS := ./internal/extract:FuzzExtract ./internal/vi:FuzzNormalize ./internal/vi:FuzzKeystrokes ./internal/search:FuzzParse \
	./internal/search:FuzzCursor ./internal/source:FuzzJSONL ./internal/source:FuzzWARC ./internal/source:FuzzArchives \
	./internal/server:FuzzSearchAPI
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

# Performance as reproducible numbers (cmd/tracuu-bench): imports the news
# corpus into tracuu and into Bleve's default mapping in the same run, then
# replays a fixed query mix in process and over HTTP; prints one table and
# writes bench.json. A full 100k run takes ~10-15 minutes on 2 cores.
# BENCH_FLAGS adds flags, e.g. make bench BENCH_FLAGS="--quick" (10k articles)
# or BENCH_FLAGS="--docs 20000 --cpuprofile import.pprof".
.PHONY: bench bench-import bench-query bench-floor load
BENCH_CORPUS ?= $(CORPUS)/vi-news
BENCH_FLAGS ?=
bench:
	$(GO) run ./cmd/tracuu-bench --corpus $(BENCH_CORPUS) --out bench.json $(BENCH_FLAGS)

# Import figures only: rate, peak RSS, size, re-import (both engines).
bench-import:
	$(GO) run ./cmd/tracuu-bench --corpus $(BENCH_CORPUS) --out bench-import.json --no-queries $(BENCH_FLAGS)

# Query figures: imports without the re-import, then the query phases.
bench-query:
	$(GO) run ./cmd/tracuu-bench --corpus $(BENCH_CORPUS) --out bench-query.json --no-reimport $(BENCH_FLAGS)

# Bleve's own figures on the same corpus with the least indexing an
# accent-insensitive search can do (folded words only, with and without
# positions), next to the default-mapping baseline: what the engine costs
# before any of tracuu's analysis. ~10 minutes at 100k articles.
bench-floor:
	$(GO) run ./cmd/tracuu-bench floor --corpus $(BENCH_CORPUS) --out bench-floor.json $(BENCH_FLAGS)

# A bounded load test (30 s, 8 clients: search, facets, suggest, export,
# hostile queries: 64 OR-ed prefixes, a long word, malformed query strings)
# while the admin API imports; exits non-zero on any 5xx or error.
LOAD_FLAGS ?=
load:
	$(GO) run ./cmd/tracuu-bench load --corpus $(BENCH_CORPUS) --out load.json $(LOAD_FLAGS)

# HTML import rate (bound by extraction): the AEB and vi-pages HTML of
# $(CORPUS), HTML_COPIES times over, each copy made distinct by a
# trailing comment (so no page is skipped as already seen), imported by
# the built binary; prints the import summary and /usr/bin/time's figures.
HTML_COPIES ?= 8
HTML_WORK   ?= /tmp/tracuu-bench-html
.PHONY: bench-html
bench-html: build
	@rm -rf $(HTML_WORK) && mkdir -p $(HTML_WORK)/pages
	@for i in $$(seq 1 $(HTML_COPIES)); do for src in $(CORPUS)/aeb/html $(CORPUS)/vi-pages/pages; do \
		d=$(HTML_WORK)/pages/$$i/$$(basename $$(dirname $$src)); mkdir -p $$d; \
		for f in $$src/*; do b=$$(basename $$f); case $$b in \
			*.gz) (gunzip -c $$f; echo "<!-- copy $$i -->") | gzip -1 > $$d/$$b;; \
			*) (cat $$f; echo "<!-- copy $$i -->") > $$d/$$b;; esac; done; done; done
	@echo "pages: $$(find $(HTML_WORK)/pages -type f | wc -l)"
	/usr/bin/time -v $(BIN) import --index $(HTML_WORK)/index --json $(HTML_WORK)/pages 2> $(HTML_WORK)/time.txt
	@grep -E "Elapsed|Maximum resident|User time|System time" $(HTML_WORK)/time.txt
