#!/usr/bin/env bash
# The desktop app as packages: .deb (Debian, Ubuntu, Astra Linux) and .rpm (RED OS, ALT) through the
# Tauri bundler (@tauri-apps/cli from ui/node_modules). PACKAGE_PROFILE=release (default) or debug
# (what `make test` installs: it reuses the e2e build). The packages are copied into target/packages/
# with their sizes printed. Expects `make ui` done.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
export CARGO_TARGET_DIR
profile="${PACKAGE_PROFILE:-release}"
tauri=ui/node_modules/.bin/tauri
if [ ! -x "$tauri" ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi
flags=(--bundles deb,rpm --ci)
[ "$profile" = debug ] && flags+=(--debug)
bundle="$CARGO_TARGET_DIR/$profile/bundle"
rm -rf "$bundle/deb" "$bundle/rpm"
"$tauri" build "${flags[@]}"
mkdir -p target/packages
rm -f target/packages/*.deb target/packages/*.rpm
cp "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm target/packages/
for f in target/packages/*; do
  printf 'package %s %s bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
done
