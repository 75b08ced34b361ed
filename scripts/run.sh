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

# Hook for the institution server (issue 4): start `journal-server --db .data/server.db init --demo`
# once and `serve --addr 127.0.0.1:PORT` in the background here, stop it on exit (trap), and pass
# its address to the app as JOURNAL_SERVER_URL.

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display (DISPLAY is empty). On a machine without a screen use:" >&2
  echo "     xvfb-run -a make run" >&2
  exit 1
fi
echo "run: opening the app on $DATA_DIR"
JOURNAL_DATA_DIR="$DATA_DIR" JOURNAL_TODAY="${JOURNAL_TODAY:-}" exec "$BIN/journal-app"
