#!/usr/bin/env bash
# The app updating itself from the institution's server (issue 15 item 3), end to end: the debug .deb
# built twice (the version in tauri.conf.json and the next patch version; nothing else differs), the
# old one installed with apt-get, the new one published with a fresh update key by `journal-server
# updates publish` into a test server's update directory, the administrator's public key put in
# /etc/offline-journal/update-key. The INSTALLED app signs in, offers «Доступна новая версия», refuses
# the package with one byte flipped (nothing installed), then installs the real one: dpkg shows the
# new version. The package and the key file are removed at the end. Needs root (CI is); package sizes
# and the update time are printed; screenshots target/e2e-screenshots/update-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
: "${JOURNAL_TOOLS:=/var/tmp/journal-tools}"
export CARGO_TARGET_DIR
if [ "$(id -u)" != 0 ]; then
  echo "update-e2e: installing a package needs root; run it as root (CI does)" >&2
  exit 1
fi
tauri=ui/node_modules/.bin/tauri
if [ ! -x "$tauri" ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi
server_bin="${JOURNAL_SERVER_BIN:-$CARGO_TARGET_DIR/debug/journal-server}"
old_version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
new_version=$(node -p 'const [a, b, c] = require("./src-tauri/tauri.conf.json").version.split(".").map(Number); `${a}.${b}.${c + 1}`')
key_file=/etc/offline-journal/update-key
work=$(mktemp -d)
key_backup=""
cleanup() {
  apt-get remove -y offline-journal >/dev/null 2>&1 || true
  if [ -n "$key_backup" ]; then mv -f "$key_backup" "$key_file"; else rm -f "$key_file"; fi
  rmdir /etc/offline-journal 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -e "$key_file" ]; then
  key_backup="$work/update-key.before"
  cp -p "$key_file" "$key_backup"
fi

# Two builds of the same sources; the new version first, so the target's binary ends as the repo's.
bundle="$CARGO_TARGET_DIR/debug/bundle/deb"
mkdir -p "$work/new" "$work/old"
rm -rf "$bundle"
"$tauri" build --bundles deb --ci --debug --config "{\"version\":\"$new_version\"}"
cp "$bundle"/*.deb "$work/new/"
rm -rf "$bundle"
"$tauri" build --bundles deb --ci --debug
cp "$bundle"/*.deb "$work/old/"
old_deb=$(ls "$work"/old/*.deb)
new_deb=$(ls "$work"/new/*.deb)
for f in "$old_deb" "$new_deb"; do
  printf 'update-e2e: package %s %s bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
done

apt-get install -y --no-install-recommends "$old_deb" >/dev/null
installed=$(dpkg-query -W -f='${Version}' offline-journal)
[ "$installed" = "$old_version" ] || { echo "update-e2e: installed $installed, expected $old_version" >&2; exit 1; }

# The institution's update key: private on the server side, public on the PC.
"$server_bin" updates keygen --out "$work/update.key" >"$work/update.pub"
mkdir -p /etc/offline-journal
install -m 644 "$work/update.pub" "$key_file"
"$server_bin" updates publish --dir "$work/updates" --key "$work/update.key" \
  --version "$new_version" --notes "Проверка обновления: версия $new_version с сервера учреждения" "$new_deb"

export JOURNAL_UPDATES_DIR="$work/updates"
export UPDATE_OLD_VERSION="$old_version" UPDATE_NEW_VERSION="$new_version"
export UPDATE_PACKAGE="$work/updates/$(basename "$new_deb")"
export TAURI_DRIVER="${TAURI_DRIVER:-$JOURNAL_TOOLS/bin/tauri-driver}"
export JOURNAL_APP_BIN=/usr/bin/journal-app
export JOURNAL_SERVER_BIN="$server_bin"
export JOURNAL_CLI_BIN="${JOURNAL_CLI_BIN:-$CARGO_TARGET_DIR/debug/journal}"
if [ ! -d tests/e2e/node_modules/selenium-webdriver ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
mkdir -p target/e2e-screenshots
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export LIBGL_ALWAYS_SOFTWARE=1
cd tests/e2e
xvfb-run -a -s "-screen 0 1366x900x24" node --test --test-concurrency=1 ./update/*.test.mjs
