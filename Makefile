# auditpack: build, test, benchmark, fuzz, check.
GO        ?= go
FUZZTIME  ?= 20s
BENCHTIME ?= 5x

.PHONY: build test bench fuzz check

build:
	$(GO) build -o auditpack ./cmd/auditpack

# The whole suite, then a short run of every fuzz target. Kernel and
# augenrules tests run as root (and must in CI); elsewhere they skip.
test:
	$(GO) test -count=1 ./...
	$(MAKE) fuzz FUZZTIME=10s

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 3 ./...

# Seeds are whole rule files; minimizing one byte at a time under the
# default 60s budget would spend a short run minimizing instead of fuzzing.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseFile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./packs
	$(GO) test -run '^$$' -fuzz '^FuzzLint$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./lint
	$(GO) test -run '^$$' -fuzz '^FuzzCLI$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./cmd/auditpack

check:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
