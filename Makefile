# The two commands: `make run` (install what is missing, build, open the app on demo data) and
# `make test` (everything CI checks). `.ci/run` calls `make test`.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

export CARGO_TARGET_DIR ?= /var/tmp/journal-target
export JOURNAL_TOOLS ?= /var/tmp/journal-tools
# Where `make run` keeps the demo teacher's local copy; "today" for the demo (default: the real date).
DEMO_DATA_DIR ?= $(CURDIR)/.data/app
JOURNAL_TODAY ?=

CARGO_TEST := $(shell if cargo nextest --version >/dev/null 2>&1; then echo "cargo nextest run --workspace --no-fail-fast && cargo test --workspace --doc"; else echo "cargo test --workspace --no-fail-fast"; fi)

.PHONY: deps ui build app run test lint fmt-check clippy unit e2e web-e2e package server-package package-e2e update-e2e schemathesis bench

## deps: Debian packages, npm packages (ui, tests/e2e), tauri-driver — only what is missing
deps:
	scripts/deps.sh

## ui: the front ends, built before any cargo build: the app's ui/dist (src-tauri embeds it) and the
## administrator's console web/dist (journal-server embeds it)
ui:
	for dir in ui web; do (cd $$dir && { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build); done

## build: the app and the journal CLI (debug)
build: ui
	cargo build -p journal-app -p journal-cli -p journal-server

## run: install what is missing, build, make the demo copy if absent, open the app on it
run: deps build
	scripts/run.sh

fmt-check:
	cargo fmt --all -- --check

clippy: ui
	cargo clippy --workspace --all-targets -- -D warnings

unit: ui
	$(CARGO_TEST)

## test: everything CI checks, in order: deps and the UI first, then fmt, clippy, tests, app e2e,
## the console in Chromium, the installed .deb
test: deps ui
	$(MAKE) fmt-check
	$(MAKE) clippy
	$(MAKE) unit
	$(MAKE) e2e
	$(MAKE) web-e2e
	$(MAKE) package-e2e
	$(MAKE) update-e2e
	$(MAKE) schemathesis

## e2e: the real app under Xvfb, driven through tauri-driver + WebKitWebDriver
e2e: ui
	cargo build -p journal-app -p journal-server -p journal-cli
	scripts/e2e.sh

## web-e2e: the administrator's console (served by journal-server) in headless Chromium via chromedriver
web-e2e: ui
	cargo build -p journal-server -p journal-cli
	scripts/web-e2e.sh

## package: the desktop app's .deb and .rpm (release, Tauri bundler) into target/packages/
package: ui
	scripts/package.sh

## server-package: journal-server's .deb (release, cargo-deb) with its systemd unit and settings file
server-package: ui
	scripts/server-package.sh

## package-e2e: the app's and the server's .deb (debug builds) installed with apt-get: the installed
## app started under Xvfb and signed in, the installed server run as its unit runs it; both removed
## (needs root, as CI runs)
package-e2e: ui
	cargo build -p journal-app -p journal-server -p journal-cli
	scripts/package-e2e.sh
	scripts/server-package-e2e.sh

## update-e2e: the app updating itself from the institution's server: two debug .deb builds (this
## version and the next), the old one installed, the new one published with a test update key; the
## installed app refuses an altered package and installs the real one (needs root, as CI runs)
update-e2e: ui
	cargo build -p journal-server -p journal-cli
	scripts/update-e2e.sh

## schemathesis: the OpenAPI document as the contract — Schemathesis (PyPI) against a demo server,
## without a session, as a teacher and as the administrator, a bounded number of examples
schemathesis: ui
	cargo build -p journal-server
	scripts/schemathesis.sh

## bench: all benchmarks (release)
bench:
	cargo run --release -p journal-bench -- all
