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

.PHONY: build test bench fuzz check package package-lint

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

# $(DIST)/auditpack_$(VERSION)-1_$(ARCH).deb, auditpack-$(VERSION)-1.<rpm
# arch>.rpm (the names each format's tools expect) and SHA256SUMS: the
# stripped position-independent binary (no shared library needed) with
# its version stamped, the man page (section 8), bash,
# zsh and fish completion, the drift units, the licences and a changelog,
# in the places Debian and RHEL look for them. lintian and rpmlint (with
# contrib/package/rpmlint.toml) pass on them.
PKGROOT = $(DIST)/pkgroot
package:
	rm -rf $(DIST)
	mkdir -p $(PKGROOT)/usr/bin $(PKGROOT)/completions $(PKGROOT)/systemd
	CGO_ENABLED=0 $(GO) build -trimpath -buildmode=pie -ldflags "-s -w -X main.version=$(VERSION)" -o $(PKGROOT)/usr/bin/auditpack ./cmd/auditpack
	gzip -9n < docs/auditpack.8 > $(PKGROOT)/auditpack.8.gz
	$(PKGROOT)/usr/bin/auditpack completion bash > $(PKGROOT)/completions/auditpack.bash
	$(PKGROOT)/usr/bin/auditpack completion zsh > $(PKGROOT)/completions/_auditpack
	$(PKGROOT)/usr/bin/auditpack completion fish > $(PKGROOT)/completions/auditpack.fish
	for unit in contrib/systemd/*.service contrib/systemd/*.timer; do \
		sed 's#/usr/local/bin/auditpack#/usr/bin/auditpack#' $$unit > $(PKGROOT)/systemd/$${unit##*/} || exit 1; \
	done
	ln -s $(CURDIR)/contrib $(CURDIR)/LICENSE $(CURDIR)/NOTICE $(DIST)/
	gzip -9n < NOTICE > $(PKGROOT)/NOTICE.gz
	sed -e 's/@VERSION@/$(VERSION)/g' -e "s/@COMMIT@/$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)/" \
		-e "s/@DATE@/$$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)/" \
		contrib/package/changelog.yml > $(PKGROOT)/changelog.yml
	cd $(DIST) && VERSION=$(VERSION) ARCH=$(ARCH) $(NFPM) pkg --config $(CURDIR)/contrib/package/nfpm.yaml --packager deb --target .
	cd $(DIST) && VERSION=$(VERSION) ARCH=$(ARCH) $(NFPM) pkg --config $(CURDIR)/contrib/package/nfpm.yaml --packager rpm --target .
	cd $(DIST) && sha256sum *.deb *.rpm > SHA256SUMS

# lintian and rpmlint on what make package built; either fails on an
# error or warning (their accepted reasons: contrib/package/lintian-overrides
# and rpmlint.toml). rpmlint unpacks the RPM with cpio, which would write
# the absolute paths of nfpm's payload (/usr/bin/auditpack) into the real
# / as root: a cpio first on PATH adds --no-absolute-filenames.
package-lint:
	lintian --info --pedantic --fail-on error,warning $(DIST)/*.deb
	shim=$$(mktemp -d) && printf '#!/bin/sh\nexec /usr/bin/cpio --no-absolute-filenames "$$@"\n' > $$shim/cpio && chmod +x $$shim/cpio && \
		PATH=$$shim:$$PATH rpmlint -c contrib/package/rpmlint.toml $(DIST)/*.rpm; rc=$$?; rm -rf $$shim; exit $$rc
