#!/usr/bin/env bash
# The administrator's console in a real browser: headless Chromium driven through chromedriver by
# `node --test` with selenium-webdriver (tests/web). Each test starts its own journal-server on a
# free 127.0.0.1 port with a throwaway database. Expects `make ui` and the server and CLI built
# (make web-e2e does both).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
export JOURNAL_SERVER_BIN="${JOURNAL_SERVER_BIN:-$CARGO_TARGET_DIR/debug/journal-server}"
export JOURNAL_CLI_BIN="${JOURNAL_CLI_BIN:-$CARGO_TARGET_DIR/debug/journal}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
export CHROMEDRIVER_BIN="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"

for f in "$JOURNAL_SERVER_BIN" "$JOURNAL_CLI_BIN" "$CHROMIUM_BIN" "$CHROMEDRIVER_BIN"; do
  if [ ! -x "$f" ]; then
    echo "web-e2e: $f is missing — run make deps and make ui, then cargo build -p journal-server -p journal-cli" >&2
    exit 1
  fi
done
if [ ! -d tests/web/node_modules/selenium-webdriver ]; then
  (cd tests/web && npm ci --no-audit --no-fund)
fi
mkdir -p target/e2e-screenshots target/e2e-logs

cd tests/web
# The whole suite stays well under fifteen minutes; a hung browser must not hold CI.
exec timeout 900 node --test --test-concurrency=1 --test-timeout=240000 ./*.test.mjs
