# keygate — the two commands of the README's quick start are `make scan` and `make test`.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
# Homebrew keeps libarchive out of pkg-config's default paths (macOS ships its own).
ifeq ($(shell uname -s),Darwin)
export PKG_CONFIG_PATH := $(shell brew --prefix libarchive 2>/dev/null)/lib/pkgconfig:$(PKG_CONFIG_PATH)
endif
KEYGATE := .build/release/keygate

.PHONY: deps build release scan test sanitize embed bench format clean image

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Scan this repository (whole history and working tree) with the built-in default policy.
scan: release
	$(KEYGATE) scan .

## Build, then run the whole test suite (unit, integration and end-to-end tests).
test: deps
	@scripts/check-embedded-policies.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## The whole suite under AddressSanitizer (with leak checks), then under ThreadSanitizer; each
## builds into .build/sanitize-KIND and fails on any sanitizer report, the keygate children's too.
sanitize: deps
	scripts/sanitize.sh address
	scripts/sanitize.sh thread

## Regenerate the copy of policies/ built into the binary (after editing policies/).
embed:
	scripts/embed-policies.sh

## Time a full-history scan against `git cat-file` on a generated repository (see bench/).
bench: release
	@test -d bench/work/history || bench/make-history.sh bench/work/history
	bench/history.sh bench/work/history

## Build the container images: keygate:latest (debian:bookworm-slim with the runtime libraries only)
## and keygate:git (the same plus git, for CI jobs that clone). See the Dockerfile.
image:
	docker build --target runtime -t keygate:latest .
	docker build --target git -t keygate:git .

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
