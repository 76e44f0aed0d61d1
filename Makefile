# auditpack: build, test, benchmark, fuzz, check.
GO        ?= go
FUZZTIME  ?= 20s
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
	$(MAKE) fuzz FUZZTIME=10s

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 3 ./...

# Seeds are whole rule files; minimizing one byte at a time under the
# default 60s budget would spend a short run minimizing instead of fuzzing.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseFile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./packs
	$(GO) test -run '^$$' -fuzz '^FuzzWords$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./packs
	$(GO) test -run '^$$' -fuzz '^FuzzSplitField$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./packs/model
	$(GO) test -run '^$$' -fuzz '^FuzzUnsatisfiable$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./packs/model
	$(GO) test -run '^$$' -fuzz '^FuzzLint$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./lint
	$(GO) test -run '^$$' -fuzz '^FuzzCLI$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./cmd/auditpack

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
