# tracuu: the two commands a new machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/tracuu
INDEX   ?= ./data/index
ADDR    ?= :8080
SAMPLE  := sample

.PHONY: all build run import test vet fmt-check clean

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

clean:
	rm -rf bin data
