#!/usr/bin/env bash
# Installs what building, testing and running the journal needs on Debian 12, only what is missing:
# Debian packages (apt-get update only when something is missing), the npm packages of ui/, web/,
# tests/e2e/ and tests/web/ (npm ci, from package-lock.json), and tauri-driver and cargo-deb into a
# cached tools folder.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_ROOT="${JOURNAL_TOOLS:-/var/tmp/journal-tools}"

PACKAGES=(
  # Tauri 2 / WebKitGTK build
  libwebkit2gtk-4.1-dev build-essential pkg-config file libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev
  # The app under Xvfb, driven by WebDriver; screenshots
  xvfb xauth webkit2gtk-driver imagemagick
  # The administrator's console in a real browser, driven by WebDriver (make web-e2e); l10n: the
  # browser's own controls in Russian, as at the institution (dates ДД.ММ.ГГГГ, «Выберите файл»)
  chromium chromium-driver chromium-l10n
  # PDF checks, fonts with Cyrillic, the PostgreSQL backend tests
  poppler-utils qpdf fonts-liberation2 postgresql
  # The installed packages' checks (make package-e2e); Schemathesis's venv (make schemathesis)
  curl python3-venv
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js for the UI build and the e2e runner, if the machine has none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} > 0)); then
  echo "deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q "${missing[@]}"
else
  echo "deps: Debian packages present"
fi

# npm ci only when the lock file changed since the last install (node_modules/.package-lock.json
# is npm's own record of what it installed).
for dir in ui web tests/e2e tests/web; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
  else
    echo "deps: $dir/node_modules up to date"
  fi
done

if [ ! -x "$TOOLS_ROOT/bin/cargo-deb" ]; then
  echo "deps: cargo install cargo-deb into $TOOLS_ROOT"
  cargo install --locked cargo-deb --root "$TOOLS_ROOT"
else
  echo "deps: cargo-deb present in $TOOLS_ROOT"
fi

if [ ! -x "$TOOLS_ROOT/bin/tauri-driver" ]; then
  echo "deps: cargo install tauri-driver into $TOOLS_ROOT"
  cargo install --locked tauri-driver --root "$TOOLS_ROOT"
else
  echo "deps: tauri-driver present in $TOOLS_ROOT"
fi
