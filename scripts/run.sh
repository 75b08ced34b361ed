#!/usr/bin/env bash
# Starts the demo institution server and opens the app against it: sign in as `teacher` (password
# `demo`; other logins in the README). The first sign-in makes the teacher's encrypted local copy
# in the data dir; later ones work offline too. Expects `make build` done (make run does it).
# DEMO_DATA_DIR and JOURNAL_TODAY may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
# Not .data/app: that held the unencrypted demo copy of earlier versions, which sign-in cannot open.
DATA_DIR="${DEMO_DATA_DIR:-$PWD/.data/desktop}"
BIN="$CARGO_TARGET_DIR/debug"
today_args=()
if [ -n "${JOURNAL_TODAY:-}" ]; then today_args=(--today "$JOURNAL_TODAY"); fi

mkdir -p "$DATA_DIR"
# The institution server on an embedded SQLite database with the demo institution, for the same
# "today": the `journal` CLI signs in and syncs against it (`journal login --server URL --user teacher`).
SERVER_DB="$DATA_DIR/../server.db"
SERVER_ADDR="${JOURNAL_SERVER_ADDR:-127.0.0.1:8088}"
if [ ! -f "$SERVER_DB" ]; then
  echo "run: creating the demo institution server database $SERVER_DB"
  "$BIN/journal-server" --db "$SERVER_DB" init --demo "${today_args[@]}"
fi
echo "run: institution server on http://$SERVER_ADDR (logins in the README, password demo)"
# The server keeps the same demo day (its clock stops at 15:00 UTC of it): entry times are judged
# against the server's clock.
"$BIN/journal-server" --db "$SERVER_DB" serve --addr "$SERVER_ADDR" "${today_args[@]}" &
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
