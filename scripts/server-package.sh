#!/usr/bin/env bash
# journal-server as a Debian package (cargo-deb; its settings in crates/journal-server/Cargo.toml):
# the binary, the systemd unit running as the user journal, /etc/journal-server/journal-server.env,
# the data and backup directories (mode 700). PACKAGE_PROFILE=release (default) builds it first;
# debug packages the e2e build (what `make test` installs). The .deb goes to target/packages/.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
: "${JOURNAL_TOOLS:=/var/tmp/journal-tools}"
export CARGO_TARGET_DIR
deb_tool="$JOURNAL_TOOLS/bin/cargo-deb"
if [ ! -x "$deb_tool" ]; then
  cargo install --locked cargo-deb --root "$JOURNAL_TOOLS"
fi
mkdir -p target/packages
rm -f target/packages/journal-server_*.deb
if [ "${PACKAGE_PROFILE:-release}" = debug ]; then
  "$deb_tool" -p journal-server --profile dev --no-build --strip --fast -o target/packages/ 2>/dev/null
else
  (cd web && npm run build >/dev/null)
  "$deb_tool" -p journal-server -o target/packages/
fi
for f in target/packages/journal-server_*.deb; do
  printf 'package %s %s bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
done
