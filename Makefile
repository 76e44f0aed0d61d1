# auditpack: build, test, benchmark, fuzz, check.
GO        ?= go
# Fuzz budgets are counts of inputs, not durations: Go 1.26's fuzz
# coordinator can fail a duration run at its deadline with "context
# deadline exceeded" and no input (golang/go#75804, fixed in 1.27). The
# defaults take 5 to 40 s a target here: the parsers run 15,000 to 50,000
# inputs a second, lint and the CLI 80 to 300.
FUZZ_FAST ?= 200000x
FUZZ_SLOW ?= 3000x
BENCHTIME ?= 5x
VERSION   ?= 0.1.0
DIST      ?= dist
ARCH      ?= $(shell $(GO) env GOARCH)
# nfpm builds the packages; go run fetches this exact version from the
# module proxy, so it needs no install and no line in go.mod.
NFPM      ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2

.PHONY: build test bench fuzz check package

build:
	$(GO) build -o auditpack ./cmd/auditpack

# The whole suite, then a short run of every fuzz target. Kernel and
# augenrules tests run as root (and must in CI); elsewhere they skip.
test:
	$(GO) test -count=1 ./...
	$(MAKE) fuzz

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 3 ./...

# Seeds are whole rule files; minimizing one byte at a time under the
# default 60s budget would spend a short run minimizing instead of fuzzing.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseFile$$' -fuzztime $(FUZZ_FAST) -fuzzminimizetime 2s ./packs
	$(GO) test -run '^$$' -fuzz '^FuzzWords$$' -fuzztime $(FUZZ_FAST) -fuzzminimizetime 2s ./packs
	$(GO) test -run '^$$' -fuzz '^FuzzSplitField$$' -fuzztime $(FUZZ_FAST) -fuzzminimizetime 2s ./packs/model
	$(GO) test -run '^$$' -fuzz '^FuzzUnsatisfiable$$' -fuzztime $(FUZZ_FAST) -fuzzminimizetime 2s ./packs/model
	$(GO) test -run '^$$' -fuzz '^FuzzEarliestCover$$' -fuzztime $(FUZZ_FAST) -fuzzminimizetime 2s ./packs/model
	$(GO) test -run '^$$' -fuzz '^FuzzLint$$' -fuzztime $(FUZZ_SLOW) -fuzzminimizetime 2s ./lint
	$(GO) test -run '^$$' -fuzz '^FuzzCLI$$' -fuzztime $(FUZZ_SLOW) -fuzzminimizetime 2s ./cmd/auditpack

check:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# $(DIST)/auditpack_$(VERSION)_$(ARCH).deb and .rpm: the binary with its
# version stamped, the man page (section 8), bash, zsh and fish completion
# and the drift units, in the places Debian and RHEL look for them.
package:
	rm -rf $(DIST)
	mkdir -p $(DIST)/pkgroot/usr/bin $(DIST)/pkgroot/usr/share/man/man8 $(DIST)/pkgroot/completions $(DIST)/pkgroot/systemd
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(DIST)/pkgroot/usr/bin/auditpack ./cmd/auditpack
	cp docs/auditpack.8 $(DIST)/pkgroot/usr/share/man/man8/auditpack.8
	$(DIST)/pkgroot/usr/bin/auditpack completion bash > $(DIST)/pkgroot/completions/auditpack.bash
	$(DIST)/pkgroot/usr/bin/auditpack completion zsh > $(DIST)/pkgroot/completions/_auditpack
	$(DIST)/pkgroot/usr/bin/auditpack completion fish > $(DIST)/pkgroot/completions/auditpack.fish
	sed 's#/usr/local/bin/auditpack#/usr/bin/auditpack#' contrib/systemd/auditpack-drift.service > $(DIST)/pkgroot/systemd/auditpack-drift.service
	cp contrib/systemd/auditpack-drift.timer $(DIST)/pkgroot/systemd/
	cd $(DIST) && VERSION=$(VERSION) ARCH=$(ARCH) $(NFPM) pkg --config $(CURDIR)/contrib/package/nfpm.yaml --packager deb --target auditpack_$(VERSION)_$(ARCH).deb
	cd $(DIST) && VERSION=$(VERSION) ARCH=$(ARCH) $(NFPM) pkg --config $(CURDIR)/contrib/package/nfpm.yaml --packager rpm --target auditpack_$(VERSION)_$(ARCH).rpm
