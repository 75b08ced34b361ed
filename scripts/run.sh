#!/usr/bin/env bash
# Opens the app on the demo teacher's local copy (created with `journal demo` if absent).
# Expects `make build` done (make run does it). DEMO_DATA_DIR and JOURNAL_TODAY may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
DATA_DIR="${DEMO_DATA_DIR:-$PWD/.data/app}"
BIN="$CARGO_TARGET_DIR/debug"
today_args=()
if [ -n "${JOURNAL_TODAY:-}" ]; then today_args=(--today "$JOURNAL_TODAY"); fi

if [ ! -f "$DATA_DIR/users/teacher/journal.db" ]; then
  echo "run: creating the demo teacher's local copy in $DATA_DIR"
  "$BIN/journal" --data-dir "$DATA_DIR" "${today_args[@]}" demo
fi

# The institution server on an embedded SQLite database with the demo institution, for the same
# "today": the `journal` CLI signs in and syncs against it (`journal login --server URL --user teacher`).
SERVER_DB="$DATA_DIR/../server.db"
SERVER_ADDR="${JOURNAL_SERVER_ADDR:-127.0.0.1:8088}"
if [ ! -f "$SERVER_DB" ]; then
  echo "run: creating the demo institution server database $SERVER_DB"
  "$BIN/journal-server" --db "$SERVER_DB" init --demo "${today_args[@]}"
fi
echo "run: institution server on http://$SERVER_ADDR (logins in the README, password demo)"
"$BIN/journal-server" --db "$SERVER_DB" serve --addr "$SERVER_ADDR" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display (DISPLAY is empty). On a machine without a screen use:" >&2
  echo "     xvfb-run -a make run" >&2
  exit 1
fi
echo "run: opening the app on $DATA_DIR"
JOURNAL_DATA_DIR="$DATA_DIR" JOURNAL_TODAY="${JOURNAL_TODAY:-}" JOURNAL_SERVER_URL="http://$SERVER_ADDR" \
  "$BIN/journal-app"
