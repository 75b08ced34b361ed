#!/usr/bin/env bash
# The installed app: builds the .deb (debug profile, from the e2e build), installs it with apt-get as a
# classroom PC would, starts the INSTALLED /usr/bin/journal-app under Xvfb through tauri-driver against
# a demo server, signs in and takes a screenshot, then removes the package. Needs root (CI is); the
# install and first-start times are printed.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
: "${JOURNAL_TOOLS:=/var/tmp/journal-tools}"
export CARGO_TARGET_DIR
if [ "$(id -u)" != 0 ]; then
  echo "package-e2e: installing a package needs root; run it as root (CI does)" >&2
  exit 1
fi
PACKAGE_PROFILE=debug scripts/package.sh
deb=$(ls target/packages/*.deb | head -n1)
start=$(date +%s%N)
apt-get install -y --no-install-recommends "./$deb" >/dev/null
end=$(date +%s%N)
echo "package-e2e: installed $(basename "$deb") in $(( (end - start) / 1000000 )) ms"
trap 'apt-get remove -y offline-journal >/dev/null || true' EXIT
test -x /usr/bin/journal-app
grep -q '^Name=Электронный журнал$' /usr/share/applications/offline-journal.desktop

export TAURI_DRIVER="${TAURI_DRIVER:-$JOURNAL_TOOLS/bin/tauri-driver}"
export JOURNAL_APP_BIN=/usr/bin/journal-app
export JOURNAL_SERVER_BIN="${JOURNAL_SERVER_BIN:-$CARGO_TARGET_DIR/debug/journal-server}"
export JOURNAL_CLI_BIN="${JOURNAL_CLI_BIN:-$CARGO_TARGET_DIR/debug/journal}"
if [ ! -d tests/e2e/node_modules/selenium-webdriver ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
mkdir -p target/e2e-screenshots
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export LIBGL_ALWAYS_SOFTWARE=1
cd tests/e2e
xvfb-run -a -s "-screen 0 1366x900x24" node --test --test-concurrency=1 ./package/*.test.mjs
