#!/usr/bin/env bash
# The app's e2e tests: the debug build of the real app, started by tauri-driver (+ WebKitWebDriver)
# on an X display of its own (xvfb-run -a), driven by `node --test` with selenium-webdriver.
# Expects `make ui` and `cargo build -p journal-app` done (make e2e does both).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
: "${JOURNAL_TOOLS:=/var/tmp/journal-tools}"
export TAURI_DRIVER="${TAURI_DRIVER:-$JOURNAL_TOOLS/bin/tauri-driver}"
export JOURNAL_APP_BIN="${JOURNAL_APP_BIN:-$CARGO_TARGET_DIR/debug/journal-app}"
export JOURNAL_SERVER_BIN="${JOURNAL_SERVER_BIN:-$CARGO_TARGET_DIR/debug/journal-server}"
export JOURNAL_CLI_BIN="${JOURNAL_CLI_BIN:-$CARGO_TARGET_DIR/debug/journal}"

for f in "$TAURI_DRIVER" "$JOURNAL_APP_BIN" "$JOURNAL_SERVER_BIN"; do
  if [ ! -x "$f" ]; then
    echo "e2e: $f is missing — run make deps and make build" >&2
    exit 1
  fi
done
# A fresh clone has no node_modules here (make deps installs them; make e2e alone must work too).
if [ ! -d tests/e2e/node_modules/selenium-webdriver ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
mkdir -p target/e2e-screenshots
# WebKitGTK under Xvfb has no GPU: software rendering, no DMA-BUF.
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export LIBGL_ALWAYS_SOFTWARE=1

cd tests/e2e
exec xvfb-run -a -s "-screen 0 1366x900x24" node --test --test-concurrency=1 ./*.test.mjs
